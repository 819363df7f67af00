package io.lifeboat.storage.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Stream helpers shared by the drivers. */
public final class Streams {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BUFFER = 64 * 1024;

    private Streams() {}

    /**
     * Copies {@code in} to {@code out} and fails unless exactly {@code expected} bytes were read, so a
     * source that is shorter or longer than it announced never produces an object.
     */
    public static void copyExactly(InputStream in, OutputStream out, long expected) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        while (true) {
            int max = (int) Math.min(buffer.length, expected - total + 1);
            int n = in.read(buffer, 0, max);
            if (n < 0) {
                break;
            }
            total += n;
            if (total > expected) {
                throw lengthMismatch(expected, "more");
            }
            out.write(buffer, 0, n);
        }
        if (total != expected) {
            throw lengthMismatch(expected, total + "");
        }
    }

    /** The failure for a content source whose stream does not match its announced length. */
    public static IOException lengthMismatch(long expected, String actual) {
        return new IOException("content source yielded " + actual + " bytes instead of the announced " + expected
                + " (the source changed while being stored)");
    }

    /** A stream over at most {@code limit} bytes of {@code in}; closing it closes {@code in}. */
    public static InputStream limit(InputStream in, long limit) {
        return new FilterInputStream(in) {
            private long remaining = limit;

            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    remaining--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (remaining <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(Math.min(n, remaining));
                remaining -= skipped;
                return skipped;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), remaining);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /** A unique name for a temporary file: {@code .tmp-} and 16 random hex digits. */
    public static String tempName() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return ".tmp-" + HexFormat.of().formatHex(bytes);
    }
}
