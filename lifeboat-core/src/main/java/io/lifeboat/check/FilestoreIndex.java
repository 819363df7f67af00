package io.lifeboat.check;

import io.lifeboat.filestore.Filestore;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * What the filestore holds comes from {@link Filestore}: symbolic links are never followed. Flags of distinct files may be set from different threads;
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

    /** An entry of the filestore that is not an Odoo file: {@code relative} to the filestore root. */
    record Stray(String relative, long size, String reason) {}

    private final Filestore filestore;
    private final boolean exists;
    private final Bucket[] buckets = new Bucket[256];
    private final ConcurrentLinkedQueue<Stray> strays = new ConcurrentLinkedQueue<>();
    private final AtomicLong strayCount = new AtomicLong();
    private final AtomicLong markers = new AtomicLong();
    private final AtomicLong staleMarkers = new AtomicLong();

    private FilestoreIndex(Filestore filestore, boolean exists) {
        this.filestore = filestore;
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
     * {@code checklist/xx/<sha1>} markers of Odoo's garbage collector; what else it lists are strays
     * (special files and symbolic links included, never opened or followed). With {@code hash}, every file
     * is also read and flagged {@link #HASHED}, plus {@link #CORRUPT} when its content's SHA-1 differs
     * from its name or {@link #UNREADABLE} when it cannot be read. A filestore that does not exist gives an
     * empty index ({@link #exists()} false).
     */
    static FilestoreIndex scan(Filestore filestore, boolean hash, ExecutorService pool, Progress progress)
            throws IOException {
        if (!filestore.exists()) return new FilestoreIndex(filestore, false);
        FilestoreIndex index = new FilestoreIndex(filestore, true);
        Filestore.Listing root = filestore.root();
        List<String> bucketDirs = new ArrayList<>();
        List<String> markerDirs = new ArrayList<>();
        for (String d : root.directories()) (d.indexOf('/') < 0 ? bucketDirs : markerDirs).add(d);
        for (Filestore.Entry e : root.entries()) {
            if (e.kind() == Filestore.Entry.Kind.MARKER) index.staleMarkers.incrementAndGet(); // not in a directory
            else index.stray(e);
        }
        progress.phase(hash ? "hash filestore" : "scan filestore", bucketDirs.size(), "directories");
        List<Future<Bucket>> futures = new ArrayList<>();
        for (String dir : bucketDirs) {
            futures.add(pool.submit(() -> {
                Bucket b = index.scanBucket(dir, hash);
                progress.advance(1);
                return b;
            }));
        }
        for (int i = 0; i < bucketDirs.size(); i++) {
            index.buckets[Integer.parseInt(bucketDirs.get(i), 16)] = await(futures.get(i));
        }
        List<Future<?>> markers = new ArrayList<>();
        for (String dir : markerDirs) {
            markers.add(pool.submit(() -> {
                index.scanMarkers(dir);
                return null;
            }));
        }
        for (Future<?> f : markers) await(f);
        return index;
    }

    private Bucket scanBucket(String dir, boolean hash) throws IOException {
        Bucket b = new Bucket();
        for (Filestore.Entry e : filestore.list(dir)) {
            if (e.kind() != Filestore.Entry.Kind.FILE) {
                stray(e);
                continue;
            }
            String name = e.name().substring(3);
            long h = Sha1Key.hi(name);
            long m = Sha1Key.mid(name);
            int l = Sha1Key.lo(name);
            if (!hash) {
                b.add(h, m, l, e.size(), (byte) 0);
                continue;
            }
            Filestore.Digest d;
            try {
                d = filestore.hash(e.name());
            } catch (IOException x) {
                if (present(e.name())) b.add(h, m, l, e.size(), UNREADABLE); // else removed meanwhile
                continue;
            }
            b.add(h, m, l, d.size(), d.sha1().equals(name) ? HASHED : (byte) (HASHED | CORRUPT));
        }
        b.seal();
        return b;
    }

    private boolean present(String name) {
        try {
            return filestore.stat(name).isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Counts the markers of one {@code checklist/xx} directory and flags the files they mark. */
    private void scanMarkers(String dir) throws IOException {
        String prefix = dir.substring(dir.indexOf('/') + 1);
        for (Filestore.Entry e : filestore.list(dir)) {
            markers.incrementAndGet();
            String name = e.name().substring(dir.length() + 1);
            long handle = Sha1Key.isSha1(name) ? find(name) : -1;
            if (handle < 0 || !name.startsWith(prefix)) staleMarkers.incrementAndGet();
            else setFlag(handle, MARKED);
        }
    }

    private void stray(Filestore.Entry e) {
        if (strayCount.incrementAndGet() <= MAX_STRAYS_LISTED) {
            strays.add(new Stray(e.name(), e.size(), e.note()));
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

    Filestore filestore() {
        return filestore;
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
