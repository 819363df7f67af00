package io.lifeboat.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's printing layer: while a command runs, standard output and standard error are streams
 * that render control characters coming from a backup or a database as visible escapes (ESC as
 * {@code \x1b}, CR as {@code \r}, C1 controls as {@code \u009b}), keeping only newline and tab, so a
 * name cannot rewrite the terminal. Data written to standard output (a backup to {@code -o -}) and
 * the progress bar use {@link #rawOut()} and {@link #rawErr()}. Values are escaped with {@link
 * io.lifeboat.Printable#of} where they are printed, so a newline in a name shows as {@code \n}.
 */
final class Terminal {
    private static PrintStream rawOut = System.out;
    private static PrintStream rawErr = System.err;

    private Terminal() {}

    /** Standard output as it was before the command ran: for data. */
    static synchronized PrintStream rawOut() {
        return rawOut;
    }

    /** Standard error as it was before the command ran: for the progress bar's own escapes. */
    static synchronized PrintStream rawErr() {
        return rawErr;
    }

    /** Runs {@code body} with escaping standard streams; returns its result. */
    static synchronized int run(java.util.function.IntSupplier body) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream savedRawOut = rawOut;
        PrintStream savedRawErr = rawErr;
        rawOut = out;
        rawErr = err;
        PrintStream safeOut = new PrintStream(new Escaping(out), true, StandardCharsets.UTF_8);
        PrintStream safeErr = new PrintStream(new Escaping(err), true, StandardCharsets.UTF_8);
        System.setOut(safeOut);
        System.setErr(safeErr);
        try {
            return body.getAsInt();
        } finally {
            safeOut.flush();
            safeErr.flush();
            System.setOut(out);
            System.setErr(err);
            rawOut = savedRawOut;
            rawErr = savedRawErr;
        }
    }

    /** Escapes C0 controls but newline and tab, DEL, and C1 controls (UTF-8 {@code C2 80..9F}). */
    static final class Escaping extends FilterOutputStream {
        private boolean pendingC2;

        Escaping(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            b &= 0xff;
            if (pendingC2) {
                pendingC2 = false;
                if (b >= 0x80 && b <= 0x9f) {
                    ascii(String.format("\\u%04x", b));
                    return;
                }
                out.write(0xc2);
            }
            if (b == 0xc2) {
                pendingC2 = true;
            } else if (b == '\r') {
                ascii("\\r");
            } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f) {
                ascii(String.format("\\x%02x", b));
            } else {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        @Override
        public void close() throws IOException {
            if (pendingC2) out.write(0xc2);
            pendingC2 = false;
            super.flush();
        }

        private void ascii(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
