package io.lifeboat.storage.testing;

import io.lifeboat.storage.ContentSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a content source so that its streams fail with an {@link IOException} after a number of
 * bytes, as a network or disk failure in the middle of an upload would.
 */
public final class FailingContent implements ContentSource {
    private final ContentSource delegate;
    private final long failAfter;
    private final int firstFailingOpen;
    private final AtomicInteger opens = new AtomicInteger();

    /**
     * @param failAfter bytes each failing stream delivers before throwing
     * @param firstFailingOpen 1 to fail from the first {@link #open}, 2 to let the first stream
     *     through (for drivers that read the source twice), and so on
     */
    public FailingContent(ContentSource delegate, long failAfter, int firstFailingOpen) {
        this.delegate = delegate;
        this.failAfter = failAfter;
        this.firstFailingOpen = firstFailingOpen;
    }

    /** Fails on every open. */
    public static FailingContent failingAfter(ContentSource delegate, long bytes) {
        return new FailingContent(delegate, bytes, 1);
    }

    @Override
    public long length() {
        return delegate.length();
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = delegate.open();
        return opens.incrementAndGet() >= firstFailingOpen ? failAfter(in, failAfter) : in;
    }

    /** How often {@link #open} was called. */
    public int opens() {
        return opens.get();
    }

    /** A stream that throws once it has delivered {@code bytes} bytes and more are asked for. */
    public static InputStream failAfter(InputStream in, long bytes) {
        return new FilterInputStream(in) {
            private long delivered;

            @Override
            public int read() throws IOException {
                check();
                int b = super.read();
                if (b >= 0) {
                    delivered++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                int n = super.read(b, off, (int) Math.min(len, bytes - delivered));
                if (n > 0) {
                    delivered += n;
                }
                return n;
            }

            private void check() throws IOException {
                if (delivered >= bytes) {
                    throw new IOException("injected failure: connection reset after " + delivered + " bytes");
                }
            }
        };
    }
}
