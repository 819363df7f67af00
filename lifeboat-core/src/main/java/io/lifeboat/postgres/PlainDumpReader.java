package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Reads a plain dump once, as a stream: the lines outside COPY data as text (UTF-8, at most {@link
 * DumpGuard#MAX_ENTRY_CHARS} each), and COPY data as bytes, handed on row by row without being
 * decoded; reports the bytes read to the progress.
 */
final class PlainDumpReader {

    /** Where {@link #copyData} streams the COPY data of one table. */
    interface CopySink {
        void write(byte[] b, int off, int n) throws IOException, SQLException;

        /** The bytes written so far end with a whole row. */
        void rowEnd() throws IOException;
    }

    private final InputStream source;
    private final Progress progress;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private boolean eof;
    private long lineNo;
    private String pushedBack;

    PlainDumpReader(InputStream source, Progress progress) {
        this.source = source;
        this.progress = progress;
    }

    long lineNo() {
        return lineNo;
    }

    void pushBack(String line) {
        pushedBack = line;
        lineNo--;
    }

    /** Reads more input after compacting; false at end of input with nothing new. */
    private boolean fill() throws IOException {
        if (eof) return false;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
            pos = 0;
        }
        if (len == buf.length) return true;
        int n = source.read(buf, len, buf.length - len);
        if (n < 0) {
            eof = true;
            return false;
        }
        len += n;
        progress.advance(n);
        return true;
    }

    /** The next line without its end, or null at end of input. */
    String readLine() throws IOException {
        if (pushedBack != null) {
            String l = pushedBack;
            pushedBack = null;
            lineNo++;
            return l;
        }
        byte[] acc = null;
        int accLen = 0;
        while (true) {
            int nl = Bytes.indexOf(buf, pos, len, (byte) '\n');
            int stop = nl < 0 ? len : nl;
            int n = stop - pos;
            if (acc == null && nl >= 0) {
                String line = decode(buf, pos, n);
                pos = nl + 1;
                lineNo++;
                return line;
            }
            if (n > 0) {
                if (acc == null) acc = new byte[Math.max(1024, n * 2)];
                if (accLen + n > DumpGuard.MAX_ENTRY_CHARS) {
                    throw new LifeboatException(
                            Kind.BAD_INPUT,
                            "dump line " + (lineNo + 1) + " is longer than " + DumpGuard.MAX_ENTRY_CHARS / (1024 * 1024)
                                    + " MiB",
                            DumpGuard.REFUSE_HINT);
                }
                if (accLen + n > acc.length) acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + n));
                System.arraycopy(buf, pos, acc, accLen, n);
                accLen += n;
            }
            pos = stop;
            if (nl >= 0) {
                pos = nl + 1;
                lineNo++;
                return decode(acc, 0, accLen);
            }
            if (!fill() && pos == len) {
                if (acc == null) return null;
                lineNo++;
                return decode(acc, 0, accLen);
            }
        }
    }

    /**
     * Streams COPY data up to (not including) the {@code \.} line into {@code sink}; returns the
     * bytes streamed.
     */
    long copyData(CopySink sink, String label) throws IOException, SQLException {
        long total = 0;
        boolean lineStart = true;
        while (true) {
            if (lineStart) {
                if (len - pos < 4 && !eof) {
                    fill();
                    if (len - pos < 4 && !eof) continue;
                }
                if (pos == len && eof) {
                    throw new LifeboatException(
                            Kind.BAD_INPUT, "the dump ends inside the data of " + label, DumpGuard.REFUSE_HINT);
                }
                if (isTerminator()) return total;
            }
            int candidate = indexOfLineStartCandidate();
            int nl = candidate >= 0 ? candidate : lastIndexOf(buf, pos, len, (byte) '\n');
            int stop = nl < 0 ? len : nl + 1;
            sink.write(buf, pos, stop - pos);
            total += stop - pos;
            pos = stop;
            lineStart = nl >= 0;
            if (nl >= 0) {
                if (candidate >= 0) lineNo++;
                sink.rowEnd();
            }
            if (pos == len && !eof) fill();
            if (pos == len && eof && !lineStart) {
                // cut in the middle of a row: no terminator will come
                throw new LifeboatException(
                        Kind.BAD_INPUT, "the dump ends inside the data of " + label, DumpGuard.REFUSE_HINT);
            }
        }
    }

    /** The next newline that is followed by a backslash or by the buffer end, or -1. */
    private int indexOfLineStartCandidate() {
        int i = pos;
        while (true) {
            int nl = Bytes.indexOf(buf, i, len, (byte) '\n');
            if (nl < 0) return -1;
            if (nl + 1 >= len || buf[nl + 1] == '\\') return nl;
            lineNo++;
            i = nl + 1;
        }
    }

    private boolean isTerminator() {
        int n = len - pos;
        if (n < 2 || buf[pos] != '\\' || buf[pos + 1] != '.') return false;
        if (n == 2) {
            pos += 2;
            return true;
        }
        if (buf[pos + 2] == '\n') {
            pos += 3;
            lineNo++;
            return true;
        }
        if (buf[pos + 2] == '\r' && (n == 3 || buf[pos + 3] == '\n')) {
            pos += n == 3 ? 3 : 4;
            lineNo++;
            return true;
        }
        return false;
    }

    private static String decode(byte[] b, int off, int n) {
        return new String(b, off, n, StandardCharsets.UTF_8);
    }

    private static int lastIndexOf(byte[] b, int from, int to, byte v) {
        for (int i = to - 1; i >= from; i--) if (b[i] == v) return i;
        return -1;
    }
}
