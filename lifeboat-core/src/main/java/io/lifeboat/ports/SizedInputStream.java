package io.lifeboat.ports;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Content of a declared size that fails, rather than ends early or runs on, when it does not hold
 * exactly that many bytes: as soon as it yields one byte too many, or at its end when it yielded
 * fewer. What a capture's file parts are read through, on both sides of a {@link CaptureSink}.
 */
public final class SizedInputStream extends FilterInputStream {

    /** The error for content that yielded {@code seen} bytes: more than declared, or fewer at its end. */
    @FunctionalInterface
    public interface Mismatch {
        IOException error(long seen);
    }

    private final long size;
    private final Mismatch mismatch;
    private long seen;

    public SizedInputStream(InputStream in, long size, Mismatch mismatch) {
        super(in);
        this.size = size;
        this.mismatch = mismatch;
    }

    @Override
    public int read() throws IOException {
        int r = super.read();
        if (r < 0) checkEnd();
        else if (++seen > size) throw mismatch.error(seen);
        return r;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int r = super.read(b, off, len);
        if (r < 0) checkEnd();
        else if ((seen += r) > size) throw mismatch.error(seen);
        return r;
    }

    private void checkEnd() throws IOException {
        if (seen != size) throw mismatch.error(seen);
    }
}
