package io.lifeboat.odoozip;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Buffers small writes, counts bytes; large writes go straight through. The count is read from any thread. */
final class CountingOutput extends OutputStream {
    private final OutputStream target;
    private final byte[] buffer = new byte[1 << 16];
    private int buffered;
    private final AtomicLong count = new AtomicLong();

    CountingOutput(OutputStream target) {
        this.target = target;
    }

    long count() {
        return count.get();
    }

    @Override
    public void write(int b) throws IOException {
        if (buffered == buffer.length) {
            flushBuffer();
        }
        buffer[buffered++] = (byte) b;
        count.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buffer.length) {
            flushBuffer();
            target.write(b, off, len);
        } else {
            if (len > buffer.length - buffered) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, buffered, len);
            buffered += len;
        }
        count.addAndGet(len);
    }

    private void flushBuffer() throws IOException {
        if (buffered > 0) {
            target.write(buffer, 0, buffered);
            buffered = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        target.flush();
    }

    /** Closes the target, dropping what is still buffered. */
    void closeWithoutFlush() throws IOException {
        buffered = 0;
        target.close();
    }
}
