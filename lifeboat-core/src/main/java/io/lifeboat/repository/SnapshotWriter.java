package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.BlobIndex;
import io.lifeboat.repository.internal.BlobType;
import io.lifeboat.repository.internal.Chunker;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;

/**
 * Writes one snapshot (format §8). {@link #dump} and {@link #file} may be called concurrently from
 * several threads. Nothing is visible to readers before {@link #commit} writes the record; packs
 * uploaded before an abort or a crash are reused by the next writer. Holds a shared lock from
 * creation until commit or abort.
 *
 * <p>Its progress is the {@code commit snapshot} phase and warnings; it never advances a phase: the parts
 * it is given come from the caller's phases (the dump's bytes, the filestore's files), which the caller
 * counts in their own units.
 *
 * <p>It is long because the write path of a snapshot (chunking, deduplication, sealing, pack upload,
 * resumption of an interrupted backup, the record written last) must keep its ordering rules in one place.
 */
public final class SnapshotWriter implements CaptureSink {

    @Override
    public String container() {
        return "snapshot";
    }

    private enum State {
        OPEN,
        COMMITTING,
        COMMITTED,
        ABORTED
    }

    private final Repository repo;
    private final SnapshotMeta meta;
    private final Progress progress;
    private final RepositoryLock lock;
    private final BlobIndex index;
    private final Chunker chunker;
    private final Set<BlobId> pendingIds = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Mac> mac;
    private final Object packMonitor = new Object();
    private Packs.Builder dataPack;
    private Packs.Builder treePack;
    private final ExecutorService uploader = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("lifeboat-upload-", 0).factory());
    private final Semaphore inflight = new Semaphore(3);
    private final Map<String, List<IndexEntry>> unindexed = new LinkedHashMap<>();
    private final List<Tree.FileEntry> files = Collections.synchronizedList(new ArrayList<>());
    private volatile Tree.DumpPart dumpPart;
    private volatile Tree.DumpPart basePart;
    private volatile SnapshotInfo.BaseBackupInfo baseInfo;
    private volatile Throwable failure;
    private volatile State state = State.OPEN;
    private final AtomicLong logical = new AtomicLong();
    private final AtomicLong blobs = new AtomicLong();
    private final AtomicLong blobsNew = new AtomicLong();
    private final AtomicLong bytesNew = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong packs = new AtomicLong();
    private final AtomicLong adopted = new AtomicLong();
    private int packsSinceIndex;

    SnapshotWriter(Repository repo, SnapshotMeta meta, Progress progress) throws IOException {
        this.repo = repo;
        this.meta = meta;
        this.progress = progress;
        this.chunker = repo.chunker();
        this.mac = ThreadLocal.withInitial(() -> repo.keys().idMac());
        this.lock = repo.lock(false, "backup");
        try {
            this.index = repo.index();
            adoptUnindexedPacks();
        } catch (IOException | RuntimeException e) {
            lock.close();
            uploader.shutdownNow();
            throw e;
        }
    }

    /** Takes over packs no index names (left by an interrupted backup), so their blobs are reused. */
    private void adoptUnindexedPacks() throws IOException {
        for (ObjectInfo o : repo.backend().list("data/")) {
            String pack = Packs.packOf(o.name());
            if (pack == null || index.hasPack(pack)) continue;
            List<IndexEntry> entries;
            try {
                entries = Packs.readHeader(
                        repo.backend(), pack, o.size(), repo.keys().metaKey());
            } catch (LifeboatException e) {
                progress.warn("ignoring unreadable pack " + pack.substring(0, 12) + ": " + e.getMessage());
                continue;
            }
            index.addPack(pack, entries);
            synchronized (unindexed) {
                unindexed.put(pack, entries);
            }
            adopted.incrementAndGet();
        }
    }

    @Override
    public boolean concurrentParts() {
        return true;
    }

    @Override
    public void dump(DumpFormat format, InputStream dump) throws IOException {
        ensureOpen();
        if (dumpPart != null) throw new IllegalStateException("dump already written");
        dumpPart = chunked(format, dump);
    }

    /** Stores {@code in} as content-defined chunks; the part records its size and SHA-256. */
    private Tree.DumpPart chunked(DumpFormat format, InputStream in) throws IOException {
        MessageDigest sha = Crypto.sha256();
        List<BlobId> chunks = new ArrayList<>();
        long size = 0;
        Chunker.Cursor c = chunker.cursor(new DigestInputStream(in, sha));
        while (c.next()) {
            chunks.add(store(BlobType.DATA, c.buffer(), c.offset(), c.length()));
            size += c.length();
        }
        return new Tree.DumpPart(format, size, Crypto.hex(sha.digest()), List.copyOf(chunks));
    }

    /**
     * Stores a PostgreSQL base backup: the tar stream {@code pg_basebackup --format=tar} writes
     * (format §13), chunked like a dump so unchanged relation files deduplicate.
     */
    public void baseBackup(InputStream tar) throws IOException {
        ensureOpen();
        if (basePart != null) throw new IllegalStateException("base backup already written");
        basePart = chunked(null, tar);
    }

    /** The base backup's WAL facts, recorded in the snapshot record at commit. */
    public void baseBackupInfo(SnapshotInfo.BaseBackupInfo info) {
        ensureOpen();
        this.baseInfo = info;
    }

    @Override
    public void file(String relative, long size, InputStream content) throws IOException {
        ensureOpen();
        String sha1 = sha1Of(relative);
        if (size < 0) throw new IllegalArgumentException("negative size for " + relative);
        List<BlobId> ids = new ArrayList<>(1);
        if (size <= repo.fileBlobMax()) {
            byte[] data = content.readNBytes((int) size);
            if (data.length < size) throw shortFile(relative, data.length, size);
            if (content.read() >= 0) throw longFile(relative, size);
            if (size > 0) ids.add(store(BlobType.DATA, data, 0, data.length));
        } else {
            long n = 0;
            Chunker.Cursor c = chunker.cursor(content);
            while (c.next()) {
                n += c.length();
                if (n > size) throw longFile(relative, size);
                ids.add(store(BlobType.DATA, c.buffer(), c.offset(), c.length()));
            }
            if (n < size) throw shortFile(relative, n, size);
        }
        files.add(new Tree.FileEntry(relative, sha1, size, List.copyOf(ids)));
    }

    private static String sha1Of(String relative) {
        String rest = relative.startsWith("checklist/") ? relative.substring("checklist/".length()) : relative;
        return StoreFname.parse(rest)
                .orElseThrow(() -> new LifeboatException(
                        Kind.BAD_INPUT,
                        "invalid filestore path: " + relative,
                        "Filestore files are named xx/<40 hex digits of their sha1>."))
                .sha1();
    }

    private static IOException shortFile(String relative, long got, long size) {
        return new IOException("file " + relative + " ended after " + got + " of " + size + " bytes");
    }

    private static IOException longFile(String relative, long size) {
        return new IOException("file " + relative + " is longer than its size " + size);
    }

    /** Stores one blob unless the repository or this writer already has it; returns its id. */
    private BlobId store(BlobType type, byte[] buf, int off, int len) throws IOException {
        checkFailure();
        Mac m = mac.get();
        m.update(buf, off, len);
        BlobId id = new BlobId(m.doFinal());
        blobs.incrementAndGet();
        logical.addAndGet(type == BlobType.DATA ? len : 0);
        if (index.contains(id) || !pendingIds.add(id)) return id;
        Packs.Encoded enc = Packs.encode(id, type, buf, off, len);
        blobsNew.incrementAndGet();
        bytesNew.addAndGet(len);
        Packs.Finished done = null;
        synchronized (packMonitor) {
            Packs.Builder b = type == BlobType.DATA ? dataPack : treePack;
            if (b == null) {
                b = new Packs.Builder(repo.recipientKeys(), repo.keys().metaKey());
                if (type == BlobType.DATA) dataPack = b;
                else treePack = b;
            }
            b.add(enc);
            if (b.size() >= repo.packSize()) {
                done = b.finish();
                if (type == BlobType.DATA) dataPack = null;
                else treePack = null;
            }
        }
        if (done != null) upload(done);
        return id;
    }

    private void upload(Packs.Finished pack) throws IOException {
        try {
            inflight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading");
        }
        try {
            uploader.execute(() -> {
                try {
                    if (failure != null) return;
                    repo.backend().save(Packs.objectName(pack.name()), pack.content());
                    stored.addAndGet(pack.length());
                    packs.incrementAndGet();
                    index.addPack(pack.name(), pack.entries());
                    boolean flush;
                    synchronized (unindexed) {
                        unindexed.put(pack.name(), pack.entries());
                        flush = ++packsSinceIndex >= repo.options().packsPerIndex();
                    }
                    if (flush) flushIndex();
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    inflight.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inflight.release();
            throw new IOException("snapshot writer is closed", e);
        }
    }

    private void flushIndex() throws IOException {
        Map<String, List<IndexEntry>> batch;
        synchronized (unindexed) {
            if (unindexed.isEmpty()) return;
            batch = new LinkedHashMap<>(unindexed);
            unindexed.clear();
            packsSinceIndex = 0;
        }
        ObjectInfo written = repo.writeIndex(batch);
        index.addIndexObject(written.name());
        stored.addAndGet(written.size());
    }

    private Packs.Finished takePack(BlobType type) {
        synchronized (packMonitor) {
            Packs.Builder b = type == BlobType.DATA ? dataPack : treePack;
            if (type == BlobType.DATA) dataPack = null;
            else treePack = null;
            return b == null || b.count() == 0 ? null : b.finish();
        }
    }

    private void awaitUploads() throws IOException {
        uploader.shutdown();
        try {
            while (!uploader.awaitTermination(1, TimeUnit.MINUTES)) {
                // uploads of large packs on slow links take long; keep waiting
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading");
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        Throwable f = failure;
        if (f == null) return;
        if (f instanceof IOException io)
            throw new IOException("upload to the repository failed: " + io.getMessage(), io);
        if (f instanceof RuntimeException r) throw r;
        throw new IOException(f);
    }

    private void ensureOpen() {
        if (state != State.OPEN)
            throw new IllegalStateException("snapshot writer is " + state.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Writes the tree, the last packs and index objects, then the record; returns the snapshot id.
     * On failure nothing is visible and the writer is aborted.
     */
    @Override
    public String commit(JsonNode manifest, JsonNode report) throws IOException {
        ensureOpen();
        state = State.COMMITTING;
        try {
            progress.phase("commit snapshot", -1, "");
            Packs.Finished last = takePack(BlobType.DATA);
            if (last != null) upload(last);
            List<Tree.FileEntry> sorted = new ArrayList<>(files);
            sorted.sort(Comparator.comparing(Tree.FileEntry::path));
            List<BlobId> treeIds = new ArrayList<>();
            Path tmp = Files.createTempFile("lifeboat-tree", ".json");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                    Tree.write(out, nullSafe(manifest), nullSafe(report), dumpPart, basePart, sorted);
                }
                try (InputStream in = Files.newInputStream(tmp)) {
                    Chunker.Cursor c = chunker.cursor(in);
                    while (c.next()) treeIds.add(store(BlobType.TREE, c.buffer(), c.offset(), c.length()));
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            Packs.Finished treeLast = takePack(BlobType.TREE);
            if (treeLast != null) upload(treeLast);
            awaitUploads();
            flushIndex();
            lock.checkValid();
            SnapshotInfo info = info(manifest, report, sorted, treeIds);
            String id = repo.writeRecord(Records.toJson(info));
            state = State.COMMITTED;
            lock.close();
            return id;
        } catch (IOException | RuntimeException e) {
            state = State.OPEN;
            abort();
            throw e;
        }
    }

    private static JsonNode nullSafe(JsonNode n) {
        return n == null ? NullNode.getInstance() : n;
    }

    private SnapshotInfo info(JsonNode manifest, JsonNode report, List<Tree.FileEntry> sorted, List<BlobId> tree) {
        long fileBytes = 0;
        long fileCount = 0;
        for (Tree.FileEntry f : sorted) {
            if (f.path().startsWith("checklist/")) continue;
            fileBytes += f.size();
            fileCount++;
        }
        JsonNode m = manifest == null ? NullNode.getInstance() : manifest;
        Map<String, String> modules = new LinkedHashMap<>();
        m.path("modules")
                .properties()
                .forEach(e -> modules.put(e.getKey(), e.getValue().asText()));
        List<String> warnings = new ArrayList<>();
        if (report != null) {
            for (JsonNode w : report.path("warnings")) warnings.add(w.isTextual() ? w.asText() : w.toString());
        }
        Tree.DumpPart d = dumpPart;
        return new SnapshotInfo(
                "",
                meta.time() != null ? meta.time() : repo.options().clock().instant(),
                meta.instance(),
                meta.database(),
                meta.host() != null ? meta.host() : repo.options().host(),
                meta.kind(),
                meta.tags(),
                meta.odooVersion() != null
                        ? meta.odooVersion()
                        : m.path("version").asText(null),
                meta.postgresVersion() != null
                        ? meta.postgresVersion()
                        : m.path("pg_version").asText(null),
                modules,
                warnings,
                new SnapshotInfo.Summary(
                        d == null ? null : d.format().name(),
                        d != null ? d.size() : basePart != null ? basePart.size() : 0,
                        fileCount,
                        fileBytes,
                        blobsNew.get(),
                        bytesNew.get(),
                        stored.get()),
                tree.stream().map(BlobId::hex).toList(),
                baseInfo);
    }

    /**
     * Stops writing. Blobs already stored are uploaded and indexed (best effort) so the next backup
     * reuses them; no snapshot appears. Idempotent; a no-op after commit.
     */
    @Override
    public void abort() {
        if (state == State.COMMITTED || state == State.ABORTED || state == State.COMMITTING) return;
        if (failure == null) {
            try {
                Packs.Finished partial = takePack(BlobType.DATA);
                if (partial != null) upload(partial);
            } catch (IOException | RuntimeException e) {
                // best effort: what is not uploaded is simply written again next time
            }
        }
        state = State.ABORTED;
        uploader.shutdown();
        try {
            if (uploader.awaitTermination(5, TimeUnit.MINUTES)) flushIndex();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // unindexed packs are adopted by the next backup or removed by prune
        } finally {
            uploader.shutdownNow();
            lock.close();
        }
    }

    /** Counters so far; after commit, final. */
    public WriteStats stats() {
        return new WriteStats(logical.get(), blobs.get(), blobsNew.get(), bytesNew.get(), stored.get(), packs.get());
    }

    /** Packs left by interrupted backups that this writer took over. */
    public long adoptedPacks() {
        return adopted.get();
    }
}
