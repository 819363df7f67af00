package io.lifeboat.check;

import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a filestore directory holds, in compact form: per {@code xx/} directory, sorted parallel
 * arrays of SHA-1 names, sizes and flags (about 30 bytes a file), so a million files take ~30 MB.
 * Symbolic links are never followed. Flags of distinct files may be set from different threads;
 * everything else is written by one thread at a time, with {@link Future#get()} ordering the phases.
 */
final class FilestoreIndex {
    static final byte REFERENCED = 1;
    static final byte MARKED = 2;
    static final byte CORRUPT = 4;
    static final byte UNREADABLE = 8;
    static final byte HASHED = 16;

    /** Stray entries beyond this many are counted, not listed. */
    static final int MAX_STRAYS_LISTED = 10_000;

    private static final int BUFFER_SIZE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_SIZE));

    /** An entry of the filestore that is not an Odoo file: {@code relative} to the filestore root. */
    record Stray(String relative, long size, String reason) {}

    private final Path root;
    private final boolean exists;
    private final Bucket[] buckets = new Bucket[256];
    private final ConcurrentLinkedQueue<Stray> strays = new ConcurrentLinkedQueue<>();
    private final AtomicLong strayCount = new AtomicLong();
    private final AtomicLong markers = new AtomicLong();
    private final AtomicLong staleMarkers = new AtomicLong();

    private FilestoreIndex(Path root, boolean exists) {
        this.root = root;
        this.exists = exists;
    }

    /** Files of one {@code xx/} directory, sorted by SHA-1. */
    static final class Bucket {
        long[] hi = new long[64];
        long[] mid = new long[64];
        int[] lo = new int[64];
        long[] size = new long[64];
        byte[] flags = new byte[64];
        int n;

        void add(long h, long m, int l, long s, byte f) {
            if (n == hi.length) {
                int cap = n * 2;
                hi = Arrays.copyOf(hi, cap);
                mid = Arrays.copyOf(mid, cap);
                lo = Arrays.copyOf(lo, cap);
                size = Arrays.copyOf(size, cap);
                flags = Arrays.copyOf(flags, cap);
            }
            hi[n] = h;
            mid[n] = m;
            lo[n] = l;
            size[n] = s;
            flags[n] = f;
            n++;
        }

        void seal() {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Sha1Key.compare(hi[a], mid[a], lo[a], hi[b], mid[b], lo[b]));
            long[] h = new long[n];
            long[] m = new long[n];
            int[] l = new int[n];
            long[] s = new long[n];
            byte[] f = new byte[n];
            for (int i = 0; i < n; i++) {
                int o = order[i];
                h[i] = hi[o];
                m[i] = mid[o];
                l[i] = lo[o];
                s[i] = size[o];
                f[i] = flags[o];
            }
            hi = h;
            mid = m;
            lo = l;
            size = s;
            flags = f;
        }

        int find(long h, long m, int l) {
            int low = 0;
            int high = n - 1;
            while (low <= high) {
                int at = (low + high) >>> 1;
                int c = Sha1Key.compare(hi[at], mid[at], lo[at], h, m, l);
                if (c < 0) low = at + 1;
                else if (c > 0) high = at - 1;
                else return at;
            }
            return -1;
        }

        String sha1(int i) {
            return Sha1Key.toHex(hi[i], mid[i], lo[i]);
        }
    }

    /**
     * Lists the filestore with {@code pool}: every {@code xx/<sha1>} file with its size, then the
     * {@code checklist/xx/<sha1>} markers of Odoo's garbage collector. Special files (FIFO, socket,
     * device) are strays and never opened. With {@code hash}, every regular file is also read (one open
     * and sequential reads per file, as {@code cat} does) and flagged
     * {@link #HASHED}, plus {@link #CORRUPT} when its content's SHA-1 differs from its name or {@link
     * #UNREADABLE} when it cannot be read. A missing root gives an empty index ({@link #exists()} false).
     */
    static FilestoreIndex scan(Path root, boolean hash, ExecutorService pool, Progress progress) throws IOException {
        if (!Files.isDirectory(root)) return new FilestoreIndex(root, false);
        FilestoreIndex index = new FilestoreIndex(root, true);
        List<Path> bucketDirs = new ArrayList<>();
        Path checklist = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                BasicFileAttributes a = attributes(p);
                if (a == null) continue;
                if (a.isDirectory() && isBucketName(name)) bucketDirs.add(p);
                else if (a.isDirectory() && name.equals("checklist")) checklist = p;
                else if (a.isOther()) index.stray(name, a, specialFile(p) + " (never opened)");
                else index.stray(name, a, "unexpected entry in the filestore root");
            }
        }
        progress.phase(hash ? "hash filestore" : "scan filestore", bucketDirs.size(), "directories");
        List<Future<Bucket>> futures = new ArrayList<>();
        for (Path dir : bucketDirs) {
            futures.add(pool.submit(() -> {
                Bucket b = index.scanBucket(dir, hash);
                progress.advance(1);
                return b;
            }));
        }
        for (int i = 0; i < bucketDirs.size(); i++) {
            index.buckets[Integer.parseInt(bucketDirs.get(i).getFileName().toString(), 16)] = await(futures.get(i));
        }
        if (checklist != null) index.scanChecklist(checklist, pool);
        return index;
    }

    private static boolean isBucketName(String name) {
        return name.length() == 2 && Sha1Key.digit(name.charAt(0)) >= 0 && Sha1Key.digit(name.charAt(1)) >= 0;
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null; // removed while listing
        }
    }

    private Bucket scanBucket(Path dir, boolean hash) throws IOException {
        String prefix = dir.getFileName().toString();
        Bucket b = new Bucket();
        ByteBuffer buffer = hash ? BUFFERS.get() : null;
        MessageDigest sha1 = hash ? sha1() : null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                String relative = prefix + "/" + name;
                boolean named = Sha1Key.isSha1(name) && name.startsWith(prefix);
                // stat before any open: opening a FIFO for reading would block the check forever
                BasicFileAttributes a = attributes(p);
                if (a == null) continue;
                if (a.isOther()) {
                    stray(relative, a, specialFile(p) + " (never opened)");
                } else if (!named) {
                    stray(relative, a, "name is not the SHA-1 of a file in this directory");
                } else if (a.isSymbolicLink()) {
                    stray(relative, a, "symbolic link (never followed)");
                } else if (!a.isRegularFile()) {
                    stray(relative, a, "not a regular file");
                } else if (hash) {
                    long n = hashOne(p, buffer, sha1);
                    if (n >= 0) {
                        byte[] d = sha1.digest();
                        long h = Sha1Key.hi(name);
                        long m = Sha1Key.mid(name);
                        int l = Sha1Key.lo(name);
                        boolean same = Sha1Key.compare(Sha1Key.hi(d), Sha1Key.mid(d), Sha1Key.lo(d), h, m, l) == 0;
                        b.add(h, m, l, n, same ? HASHED : (byte) (HASHED | CORRUPT));
                    } else if (attributes(p) != null) { // not removed meanwhile
                        b.add(Sha1Key.hi(name), Sha1Key.mid(name), Sha1Key.lo(name), a.size(), UNREADABLE);
                    }
                } else {
                    b.add(Sha1Key.hi(name), Sha1Key.mid(name), Sha1Key.lo(name), a.size(), (byte) 0);
                }
            }
        }
        b.seal();
        return b;
    }

    /** What kind of special file {@code p} is: FIFO, socket, device. Never opens it. */
    static String specialFile(Path p) {
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
            return switch (type) {
                case 0010000 -> "special file: FIFO";
                case 0140000 -> "special file: socket";
                case 0020000 -> "special file: character device";
                case 0060000 -> "special file: block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "special file";
        }
    }

    private void scanChecklist(Path checklist, ExecutorService pool) throws IOException {
        List<Future<?>> futures = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(checklist)) {
            for (Path dir : dirs) {
                futures.add(pool.submit(() -> {
                    scanMarkers(dir);
                    return null;
                }));
            }
        }
        for (Future<?> f : futures) await(f);
    }

    private void scanMarkers(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            staleMarkers.incrementAndGet();
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                markers.incrementAndGet();
                String name = p.getFileName().toString();
                long handle = Sha1Key.isSha1(name) ? find(name) : -1;
                if (handle < 0 || !name.startsWith(dir.getFileName().toString())) staleMarkers.incrementAndGet();
                else setFlag(handle, MARKED);
            }
        }
    }

    private void stray(String relative, BasicFileAttributes a, String reason) {
        if (strayCount.incrementAndGet() <= MAX_STRAYS_LISTED) {
            strays.add(new Stray(relative, a.isRegularFile() ? a.size() : 0, reason));
        }
    }

    /** Feeds the file into {@code sha1}; returns the bytes read, or -1 when the file cannot be read. */
    private static long hashOne(Path file, ByteBuffer buffer, MessageDigest sha1) {
        sha1.reset();
        long n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                buffer.clear();
                int r = ch.read(buffer);
                if (r < 0) break;
                buffer.flip();
                sha1.update(buffer);
                n += r;
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    Path root() {
        return root;
    }

    boolean exists() {
        return exists;
    }

    /** The file's handle ({@code bucket << 32 | position}), or -1 when the filestore has no such file. */
    long find(String sha1) {
        Bucket b = buckets[Sha1Key.digit(sha1.charAt(0)) << 4 | Sha1Key.digit(sha1.charAt(1))];
        if (b == null) return -1;
        int i = b.find(Sha1Key.hi(sha1), Sha1Key.mid(sha1), Sha1Key.lo(sha1));
        return i < 0 ? -1 : ((long) (Sha1Key.digit(sha1.charAt(0)) << 4 | Sha1Key.digit(sha1.charAt(1))) << 32) | i;
    }

    long size(long handle) {
        return buckets[(int) (handle >>> 32)].size[(int) handle];
    }

    byte flags(long handle) {
        return buckets[(int) (handle >>> 32)].flags[(int) handle];
    }

    void setFlag(long handle, byte flag) {
        buckets[(int) (handle >>> 32)].flags[(int) handle] |= flag;
    }

    /** Buckets by their directory's value (0–255); null where the directory does not exist. */
    Bucket[] buckets() {
        return buckets;
    }

    List<Stray> strays() {
        return List.copyOf(strays);
    }

    long strayCount() {
        return strayCount.get();
    }

    long markers() {
        return markers.get();
    }

    long staleMarkers() {
        return staleMarkers.get();
    }
}
