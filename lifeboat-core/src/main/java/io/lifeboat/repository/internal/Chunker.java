package io.lifeboat.repository.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * FastCDC content-defined chunking with a gear rolling hash and normalized chunking (format §3,
 * {@code fastcdc-gear-v1}). Immutable and thread-safe; each {@link Cursor} is single-threaded.
 */
public final class Chunker {
    private final long[] gear;
    private final int min;
    private final int avg;
    private final int max;
    private final long maskS;
    private final long maskL;

    public Chunker(long[] gear, int min, int avg, int max) {
        if (gear.length != 256 || min <= 0 || avg <= min || max <= avg || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("invalid chunker parameters");
        }
        this.gear = gear.clone();
        this.min = min;
        this.avg = avg;
        this.max = max;
        int bits = Integer.numberOfTrailingZeros(avg);
        this.maskS = highBits(bits + 2);
        this.maskL = highBits(bits - 2);
    }

    private static long highBits(int n) {
        return n >= 64 ? -1L : ((1L << n) - 1) << (64 - n);
    }

    public int max() {
        return max;
    }

    /** Length of the first chunk of {@code buf[off, off+len)}, which holds all remaining input or at least max bytes. */
    int cut(byte[] buf, int off, int len) {
        if (len <= min) return len;
        int n = Math.min(len, max);
        int normal = Math.min(n, avg);
        long h = 0;
        long[] g = gear;
        int i = min;
        for (; i < normal; i++) {
            h = (h << 1) + g[buf[off + i] & 0xff];
            if ((h & maskS) == 0) return i + 1;
        }
        for (; i < n; i++) {
            h = (h << 1) + g[buf[off + i] & 0xff];
            if ((h & maskL) == 0) return i + 1;
        }
        return n;
    }

    public Cursor cursor(InputStream in) {
        return new Cursor(in);
    }

    /** Reads a stream chunk by chunk; a chunk's bytes are valid until the next call to {@link #next}. */
    public final class Cursor {
        private final InputStream in;
        private final byte[] buf = new byte[2 * max];
        private int pos;
        private int limit;
        private boolean eof;
        private int chunkOff;
        private int chunkLen;

        Cursor(InputStream in) {
            this.in = in;
        }

        /** Advances to the next chunk; false at the end of the stream. */
        public boolean next() throws IOException {
            if (limit - pos < max && !eof) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
                while (limit < buf.length) {
                    int r = in.read(buf, limit, buf.length - limit);
                    if (r < 0) {
                        eof = true;
                        break;
                    }
                    limit += r;
                }
            }
            if (pos == limit) return false;
            chunkOff = pos;
            chunkLen = cut(buf, pos, limit - pos);
            pos += chunkLen;
            return true;
        }

        public byte[] buffer() {
            return buf;
        }

        public int offset() {
            return chunkOff;
        }

        public int length() {
            return chunkLen;
        }
    }
}
