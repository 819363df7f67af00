package io.lifeboat.backup;

import io.lifeboat.filestore.Filestore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

/**
 * Reads filestore files ahead of the capture, in the capture's order, on {@link #THREADS} threads: each
 * file is read once there, its SHA-1 and CRC-32 computed, and a small file's content kept. The capture
 * then writes a kept file from memory, and streams a larger one again from the page cache while the CRC-32
 * of what it writes is compared with the one computed with the SHA-1, so the SHA-1 stays the hash of the
 * bytes written (a file that changed in between fails the backup, as a file that changes size does).
 *
 * <p>At most {@link #WINDOW} files are ahead, and only files up to {@link #KEEP} bytes are kept: memory
 * stays under {@code WINDOW × KEEP}. Never follows a symbolic link and never opens a special file.
 */
final class FileReadAhead implements AutoCloseable {
    static final int THREADS = 2;
    static final int WINDOW = 128;
    static final int KEEP = 256 * 1024;

    /** What reading one file found. */
    sealed interface Read permits Missing, Special, Hashed, Deferred {}

    /** The file does not exist (or is a directory or a link). */
    record Missing() implements Read {}

    /** A FIFO, socket or device: never opened. */
    record Special() implements Read {}

    /**
     * A regular file: its size, SHA-1 (hex) and CRC-32 as read, and its content when at most {@link
     * #KEEP} bytes (else null: the capture streams the file again and compares the CRC-32).
     */
    record Hashed(long size, String sha1, long crc, byte[] content) implements Read {}

    /**
     * An object of a bucket filestore larger than {@link #KEEP}: not read ahead, the capture streams it
     * once, hashing it on the way.
     */
    record Deferred(long size) implements Read {}

    /**
     * A file queued, and its result to come: a local file ({@code path}) or an object of {@code store}
     * (then {@code path} is null).
     */
    record Pending(String relative, String expectedSha1, Path path, Filestore store, Future<Read> result) {}

    private final ExecutorService pool;
    private final ArrayDeque<Pending> window = new ArrayDeque<>();

    /** Reads ahead on {@link #THREADS} threads (local disks). */
    FileReadAhead() {
        this(THREADS);
    }

    /** Reads ahead on {@code threads} threads (more for object storage, where latency dominates). */
    FileReadAhead(int threads) {
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lifeboat-read-ahead");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code path}; {@code expectedSha1} (null: none) travels with it. */
    void submit(String relative, String expectedSha1, Path path) {
        window.addLast(new Pending(relative, expectedSha1, path, null, pool.submit(() -> read(path))));
    }

    /**
     * Queues the file {@code relative} ({@code xx/<sha1>}) of the bucket filestore {@code store}; when the
     * bucket lacks it and {@code fallback} is not null, the local file {@code fallback} instead (the way
     * modules that read the bucket first and the disk second find it).
     */
    void submit(String relative, String expectedSha1, Filestore store, Path fallback) {
        Future<Read> result = pool.submit(() -> {
            Optional<Filestore.Entry> entry = store.stat(relative);
            if (entry.isEmpty()) return fallback == null ? new Missing() : read(fallback);
            long size = entry.get().size();
            if (size > KEEP) return new Deferred(size);
            byte[] content;
            try (InputStream in = store.open(relative)) {
                content = in.readNBytes(KEEP + 1);
            } catch (NoSuchFileException e) {
                return new Missing();
            }
            if (content.length != size) throw new IOException("object " + relative + " changed size while it was read");
            MessageDigest sha1 = FilestoreCapture.sha1();
            CRC32 crc = new CRC32();
            sha1.update(content);
            crc.update(content);
            return new Hashed(size, HexFormat.of().formatHex(sha1.digest()), crc.getValue(), content);
        });
        window.addLast(new Pending(relative, expectedSha1, fallback, store, result));
    }

    boolean full() {
        return window.size() >= WINDOW;
    }

    boolean isEmpty() {
        return window.isEmpty();
    }

    /** The oldest queued file. */
    Pending next() {
        return window.removeFirst();
    }

    /** Waits for the result of {@code p}. */
    static Read await(Pending p) throws IOException {
        try {
            return p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the filestore");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    private static Read read(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Missing();
        }
        if (attrs.isOther()) return new Special();
        if (!attrs.isRegularFile()) return new Missing();
        MessageDigest sha1 = FilestoreCapture.sha1();
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] kept = attrs.size() <= KEEP ? new byte[(int) attrs.size()] : null;
        byte[] buf = kept != null ? null : new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            if (kept != null) {
                size = in.readNBytes(kept, 0, kept.length);
                if (size != kept.length || in.read() >= 0) {
                    throw new IOException("file " + path + " changed size while it was read");
                }
                sha1.update(kept);
                crc.update(kept);
            } else {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha1.update(buf, 0, n);
                    crc.update(buf, 0, n);
                    size += n;
                }
            }
        } catch (NoSuchFileException e) {
            return new Missing();
        }
        return new Hashed(size, HexFormat.of().formatHex(sha1.digest()), crc.getValue(), kept);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        window.clear();
    }
}
