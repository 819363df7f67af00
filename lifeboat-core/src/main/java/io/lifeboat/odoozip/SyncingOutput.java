package io.lifeboat.odoozip;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file end of a zip written to disk: computes a CRC-32C of every byte that reaches the file (so the
 * finished file can be checked against what was written), and every {@link #SYNC_EVERY} bytes has a
 * background thread flush the file's data to disk, so the final {@code fsync} does not start the
 * writeback of the whole archive at the end. Not thread-safe: one writer.
 */
final class SyncingOutput extends FilterOutputStream {
    static final long SYNC_EVERY = 64L << 20;

    private final FileChannel syncChannel;
    private final CRC32C crc = new CRC32C();
    private long written;
    private long nextSync = SYNC_EVERY;
    private Thread syncer;
    private volatile IOException syncFailure;

    SyncingOutput(OutputStream file, Path path) throws IOException {
        super(file);
        this.syncChannel = FileChannel.open(path, StandardOpenOption.WRITE);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        crc.update(b);
        advance(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc.update(b, off, len);
        advance(len);
    }

    private void advance(long n) throws IOException {
        written += n;
        if (written >= nextSync) {
            nextSync = written + SYNC_EVERY;
            if (syncer == null || !syncer.isAlive()) {
                out.flush();
                syncer = Thread.ofPlatform().daemon().name("lifeboat-zip-sync").start(this::syncQuietly);
            }
        }
    }

    private void syncQuietly() {
        try {
            syncChannel.force(false);
        } catch (IOException e) {
            syncFailure = e;
        }
    }

    /** Bytes written. */
    long length() {
        return written;
    }

    /** CRC-32C of the bytes written. */
    long crc32c() {
        return crc.getValue();
    }

    /** Waits for a background flush, then forces the whole file (data and metadata) to disk. */
    void sync() throws IOException {
        out.flush();
        awaitSyncer();
        if (syncFailure != null) throw syncFailure;
        syncChannel.force(true);
    }

    private void awaitSyncer() throws IOException {
        Thread t = syncer;
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while syncing the backup");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            try {
                awaitSyncer();
            } finally {
                syncChannel.close();
            }
        }
    }
}
