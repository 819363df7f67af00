package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.repository.internal.BlobId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The concatenated plaintext of blobs, fetched up to {@code ahead} blobs in advance. Not thread-safe. */
final class BlobStream extends InputStream {
    private final Repository repo;
    private final List<BlobId> ids;
    private final int ahead;
    private final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
    private int next;
    private byte[] cur = new byte[0];
    private int pos;
    private boolean closed;

    BlobStream(Repository repo, List<BlobId> ids, int ahead) {
        this.repo = repo;
        this.ids = ids;
        this.ahead = Math.max(1, ahead);
    }

    private boolean fill() throws IOException {
        while (pos >= cur.length) {
            while (pending.size() < ahead && next < ids.size()) {
                BlobId id = ids.get(next++);
                pending.add(repo.readPool().submit(() -> {
                    try {
                        return repo.readBlob(id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            Future<byte[]> f = pending.poll();
            if (f == null) return false;
            try {
                cur = f.get();
                pos = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the repository");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof UncheckedIOException u) throw u.getCause();
                if (c instanceof LifeboatException l) throw l;
                throw new IOException(c);
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (closed) throw new IOException("stream closed");
        return fill() ? cur[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) throw new IOException("stream closed");
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, cur.length - pos);
        System.arraycopy(cur, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (Future<byte[]> f : pending) f.cancel(true);
        pending.clear();
    }
}
