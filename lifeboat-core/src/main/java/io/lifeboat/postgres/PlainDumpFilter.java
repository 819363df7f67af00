package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * First guard of a plain SQL dump on its way to {@link ParallelPlainLoader} (plain dumps never reach
 * {@code psql}, whose meta-commands could run shell commands or read files).
 *
 * <p>Outside {@code COPY ... FROM stdin;} data blocks, each line is classified by its start:
 *
 * <ul>
 *   <li>{@code \restrict KEY} / {@code &#92;unrestrict KEY} (written by pg_dump 15.14+, 16.10+, 17.6+) are
 *       dropped;
 *   <li>any other line starting with a backslash is refused with {@link LifeboatException.Kind#BAD_INPUT};
 *   <li>{@code ALTER ... OWNER TO ...;} and {@code SET SESSION AUTHORIZATION} lines are dropped, which is
 *       what {@code pg_dump --no-owner} would have written: objects belong to the restoring role;
 *   <li>{@code SET ROLE} / {@code RESET ROLE} lines are refused: the script runs as one role.
 * </ul>
 *
 * <p>Lines inside COPY data pass through untouched (a backslash there is data, ended by {@code \.}).
 * The filter streams: it never holds more than the first bytes of a line, however long the line.
 * Known limit: a line inside a dollar-quoted function body that starts with a backslash is treated as
 * a meta-command and refused.
 */
public final class PlainDumpFilter extends FilterInputStream {

    private static final int HEAD = 256;
    private static final Pattern OWNER = Pattern.compile("^ALTER [A-Z ]+ .* OWNER TO .*;\\s*$");

    private final byte[] in = new byte[1 << 16];
    private int inPos;
    private int inLen;
    private boolean eof;

    /** Bytes ready to hand out. */
    private byte[] out = new byte[1 << 16];

    private int outPos;
    private int outLen;

    private boolean inCopy;
    private boolean atLineStart = true;
    /** Whether the rest of the current line is passed through (true) or dropped (false). */
    private boolean passRest = true;

    private long lineNo = 1;

    public PlainDumpFilter(InputStream source) {
        super(source);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (outPos == outLen) {
            outPos = outLen = 0;
            if (!fill()) return -1;
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        while (total < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - total));
            if (r < 0) break;
            total += r;
        }
        return total;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Produces some output; false at end of input. */
    private boolean fill() throws IOException {
        if (inPos == inLen && !refill()) return false;
        if (inCopy && atLineStart && passCopyRows()) return true;
        if (atLineStart) {
            classifyLine();
            return true;
        }
        // Pass or drop the rest of the current line.
        int end = Bytes.indexOf(in, inPos, inLen, (byte) '\n');
        int stop = end < 0 ? inLen : end + 1;
        if (passRest) emit(in, inPos, stop - inPos);
        inPos = stop;
        if (end >= 0) {
            atLineStart = true;
            lineNo++;
        }
        return true;
    }

    private boolean refill() throws IOException {
        if (eof) return false;
        if (inPos > 0 && inPos < inLen) {
            System.arraycopy(in, inPos, in, 0, inLen - inPos);
            inLen -= inPos;
        } else if (inPos >= inLen) {
            inLen = 0;
        }
        inPos = 0;
        int r = super.read(in, inLen, in.length - inLen);
        if (r < 0) {
            eof = true;
            return inLen > 0;
        }
        inLen += r;
        return true;
    }

    /**
     * Inside COPY data, passes every whole row in the buffer up to the first line that starts with a
     * backslash (which {@link #classifyLine} looks at: it may end the data); false if there was none.
     */
    private boolean passCopyRows() {
        int p = inPos;
        while (p < inLen && in[p] != '\\') {
            int nl = Bytes.indexOf(in, p, inLen, (byte) '\n');
            if (nl < 0) break;
            p = nl + 1;
            lineNo++;
        }
        if (p == inPos) return false;
        emit(in, inPos, p - inPos);
        inPos = p;
        return true;
    }

    /** Looks at the first bytes of a line (reading more if needed) and decides what to do with it. */
    private void classifyLine() throws IOException {
        // Make sure we see the whole line or at least HEAD bytes of it.
        while (Bytes.indexOf(in, inPos, inLen, (byte) '\n') < 0 && inLen - inPos < HEAD && !eof) {
            int before = inLen - inPos;
            refill();
            if (inLen - inPos == before) break;
        }
        int nl = Bytes.indexOf(in, inPos, inLen, (byte) '\n');
        int headEnd = nl < 0 ? Math.min(inLen, inPos + HEAD) : Math.min(nl, inPos + HEAD);
        String head = new String(in, inPos, headEnd - inPos, StandardCharsets.UTF_8);
        boolean wholeLineSeen = nl >= 0 && nl - inPos <= HEAD;
        atLineStart = false;
        passRest = true;
        if (inCopy) {
            if (head.equals("\\.") || head.equals("\\.\r")) inCopy = false;
            return;
        }
        if (head.startsWith("\\")) {
            String cmd = head.split("[\\s]", 2)[0];
            if (cmd.equals("\\restrict") || cmd.equals("\\unrestrict")) {
                passRest = false;
                return;
            }
            throw new LifeboatException(
                    LifeboatException.Kind.BAD_INPUT,
                    "dump line " + lineNo + ": psql meta-command " + abbreviate(cmd) + " is not allowed",
                    "A database dump written by pg_dump contains no such command; check where this dump came from.");
        }
        if (head.startsWith("COPY ")) {
            String line = wholeLine(nl);
            if (line.stripTrailing().endsWith("FROM stdin;")) inCopy = true;
            return;
        }
        if (head.startsWith("SET ROLE") || head.startsWith("RESET ROLE")) {
            throw new LifeboatException(
                    LifeboatException.Kind.BAD_INPUT,
                    "dump line " + lineNo + ": role switching (" + abbreviate(head) + ") is not allowed",
                    "The dump runs as the restoring role; dump without --role.");
        }
        if (head.startsWith("SET SESSION AUTHORIZATION") || head.startsWith("RESET SESSION AUTHORIZATION")) {
            passRest = false;
            return;
        }
        if (head.startsWith("ALTER ") && wholeLineSeen && OWNER.matcher(head).matches()) {
            passRest = false;
        }
    }

    /** The current line as text (COPY header lines are short; reads up to 1 MiB of it). */
    private String wholeLine(int nl) throws IOException {
        while (nl < 0 && !eof && inLen - inPos < in.length) {
            int before = inLen - inPos;
            refill();
            if (inLen - inPos == before) break;
            nl = Bytes.indexOf(in, inPos, inLen, (byte) '\n');
        }
        int end = nl < 0 ? inLen : nl;
        return new String(in, inPos, end - inPos, StandardCharsets.UTF_8);
    }

    private void emit(byte[] b, int off, int len) {
        if (outLen + len > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, outLen + len));
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
