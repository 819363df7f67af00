package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.BlobIndex;
import io.lifeboat.repository.internal.Chunker;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.RepoKeys;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Lifeboat repository in a {@link Backend} (format: docs/repository-format.md).
 *
 * <p>Opened with a secret key it can do everything; opened with a {@link WriterKey} only it can
 * write snapshots, list them, apply retention and report stats, but reads nothing sealed (a
 * {@link LifeboatException} of kind USAGE says so).
 *
 * <p>Thread-safe. Every object is written once (locks excepted) and a snapshot becomes visible
 * atomically with its record, after everything it refers to. {@link #close()} stops background
 * threads; it does not close the backend, which the caller owns.
 *
 * <p>Its parts: {@link RepositoryOpener} creates and checks the config and keys, {@link PackStore}
 * holds the index and reads blobs, {@link SnapshotRecords} lists and writes snapshot records; {@link
 * SnapshotWriter} and {@link SnapshotSource} write and read one snapshot, {@link Forget}, {@link
 * Prune} and {@link Verify} maintain the whole. (Somewhat over 400 lines: the public face of the
 * package, plus one-line package-private delegates that keep the classes using its parts unchanged.)
 */
public final class Repository implements AutoCloseable {
    public static final int FORMAT_VERSION = 1;

    /**
     * Tunables: the clock (tests), lock timing, how many packs a backup writes between index
     * objects, threads for parallel reads, this machine's name in locks and records.
     */
    public record Options(
            Clock clock,
            Duration staleLockAfter,
            Duration lockRefresh,
            int packsPerIndex,
            int readThreads,
            String host,
            ZoneId zone) {
        public static Options defaults() {
            return new Options(
                    Clock.systemUTC(),
                    Duration.ofMinutes(30),
                    Duration.ofMinutes(5),
                    8,
                    4,
                    localHost(),
                    ZoneId.systemDefault());
        }

        public Options withClock(Clock c) {
            return new Options(c, staleLockAfter, lockRefresh, packsPerIndex, readThreads, host, zone);
        }

        public Options withStaleLockAfter(Duration d) {
            return new Options(clock, d, lockRefresh, packsPerIndex, readThreads, host, zone);
        }

        public Options withLockRefresh(Duration d) {
            return new Options(clock, staleLockAfter, d, packsPerIndex, readThreads, host, zone);
        }

        public Options withHost(String h) {
            return new Options(clock, staleLockAfter, lockRefresh, packsPerIndex, readThreads, h, zone);
        }

        public Options withZone(ZoneId z) {
            return new Options(clock, staleLockAfter, lockRefresh, packsPerIndex, readThreads, host, z);
        }

        private static String localHost() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    private final Backend backend;
    private final Options options;
    private final String id;
    private final RepoKeys keys;
    private final byte[] writeSecret;
    private final List<Recipient> writeRecipients;
    private final int fileBlobMax;
    private final int packSize;
    private final Chunker chunker;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService readPool;
    private final PackStore packs;
    private final SnapshotRecords records;

    private Repository(Backend backend, Options options, RepositoryOpener.Opened opened, List<SecretKey> secrets) {
        JsonNode config = opened.config();
        this.backend = backend;
        this.options = options;
        this.id = config.path("id").asText();
        this.writeSecret = opened.writeSecret();
        this.keys = new RepoKeys(id, writeSecret);
        this.writeRecipients = List.copyOf(opened.recipients());
        JsonNode ch = config.path("chunker");
        this.fileBlobMax = config.path("fileBlobMax").asInt();
        this.packSize = config.path("packSize").asInt();
        this.chunker = new Chunker(
                keys.gear(),
                ch.path("min").asInt(),
                ch.path("avg").asInt(),
                ch.path("max").asInt());
        this.packs = new PackStore(backend, keys, secrets);
        this.records = new SnapshotRecords(backend, keys);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("lifeboat-lock").factory());
        this.readPool = Executors.newFixedThreadPool(
                Math.max(1, options.readThreads()),
                Thread.ofPlatform().daemon().name("lifeboat-read-", 0).factory());
    }

    // ---------------------------------------------------------------- init and open

    /**
     * Creates a repository whose data is sealed to {@code recipients}; returns the writer key for
     * backup machines. Fails with CONFLICT when {@code config} already exists.
     */
    public static WriterKey init(Backend backend, List<Recipient> recipients) throws IOException {
        return RepositoryOpener.init(backend, recipients);
    }

    /** Creates a repository sealed to {@code key}'s recipient and opens it with full access. */
    public static Repository init(Backend backend, SecretKey key, Options options) throws IOException {
        init(backend, List.of(key.recipient()));
        return open(backend, Keys.secret(key), options);
    }

    public static Repository open(Backend backend, Keys keys) throws IOException {
        return open(backend, keys, Options.defaults());
    }

    /** Opens a repository; wrong keys, damaged or newer-format repositories are refused clearly. */
    public static Repository open(Backend backend, Keys keys, Options options) throws IOException {
        return new Repository(backend, options, RepositoryOpener.open(backend, keys), keys.secrets());
    }

    /**
     * Rotation: seals the write secret to {@code recipient} and returns a writer key that seals new
     * data to it only. Old data stays readable with the old secret key, which must be kept.
     */
    public WriterKey addRecipient(Recipient recipient) throws IOException {
        requireRead("add a key");
        RepositoryOpener.writeKeyObject(backend, recipient, writeSecret);
        return new WriterKey(id, List.of(recipient), writeSecret);
    }

    /** The writer key of this repository (for backup machines); needs full access. */
    public WriterKey writerKey() {
        requireRead("export the writer key");
        return new WriterKey(id, writeRecipients, writeSecret);
    }

    // ---------------------------------------------------------------- accessors

    public String id() {
        return id;
    }

    public String location() {
        return backend.location();
    }

    /** Whether this repository was opened with a secret key (reading possible). */
    public boolean canRead() {
        return packs.canRead();
    }

    Backend backend() {
        return backend;
    }

    Options options() {
        return options;
    }

    RepoKeys keys() {
        return keys;
    }

    Chunker chunker() {
        return chunker;
    }

    int fileBlobMax() {
        return fileBlobMax;
    }

    int packSize() {
        return packSize;
    }

    List<byte[]> recipientKeys() {
        return writeRecipients.stream().map(Recipient::raw).toList();
    }

    ExecutorService readPool() {
        return readPool;
    }

    void requireRead(String what) {
        requireSecret(
                "cannot " + what + " with a writer key",
                "Open the repository with its secret key; the writer key can only write snapshots.");
    }

    /**
     * Removing snapshots or data needs full access: for a writer key the repository is append-only,
     * so that a stolen backup machine cannot erase the history through Lifeboat.
     */
    void requireDelete(String what) {
        requireSecret(
                "cannot " + what + " with a writer key: the repository is append-only for it",
                "Removing snapshots or data needs the repository's secret key.");
    }

    private void requireSecret(String message, String hint) {
        if (!canRead()) throw new LifeboatException(Kind.USAGE, message, hint);
    }

    RepositoryLock lock(boolean exclusive, String operation) throws IOException {
        return RepositoryLock.acquire(backend, options, scheduler, exclusive, operation);
    }

    /** Live and stale locks currently in the repository. */
    public List<RepositoryLock.Info> locks() throws IOException {
        return RepositoryLock.list(backend);
    }

    /** Removes stale locks (format §9); returns how many. */
    public int removeStaleLocks() throws IOException {
        int n = 0;
        for (RepositoryLock.Info l : RepositoryLock.list(backend)) {
            if (RepositoryLock.isStale(l, options)) {
                backend.delete(l.name());
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- index and blobs (see PackStore)

    /** The index, loaded on first use. */
    BlobIndex index() throws IOException {
        return packs.index();
    }

    /** Forgets the cached index (after prune). */
    void invalidateIndex() {
        packs.invalidateIndex();
    }

    Map<String, List<IndexEntry>> readIndexObject(String name) throws IOException {
        return packs.readIndexObject(name);
    }

    /** Writes one index object for these packs; returns its object name and stored size. */
    ObjectInfo writeIndex(Map<String, List<IndexEntry>> entries) throws IOException {
        return packs.writeIndex(entries);
    }

    /** Reads, authenticates and checks one blob. */
    byte[] readBlob(BlobId blob) throws IOException {
        requireRead("read data");
        IndexEntry e = index().get(blob)
                .orElseThrow(() -> new LifeboatException(
                        Kind.INTEGRITY,
                        "blob " + blob.hex().substring(0, 12) + " is not in the repository index",
                        "Run verify to see which snapshots are affected."));
        return packs.readBlob(e);
    }

    byte[] fileKeyOf(String pack, byte[] prefix) {
        return packs.fileKeyOf(pack, prefix);
    }

    /** A stream over the concatenated plaintext of {@code blobs}, fetching ahead on the read pool. */
    InputStream blobStream(List<BlobId> blobs, int ahead) {
        return new BlobStream(this, blobs, ahead);
    }

    // ---------------------------------------------------------------- WAL archive (format §13)

    /** The WAL archive: pushing needs the writer key, reading the secret key. */
    public WalStore wal() {
        return new WalStore(this);
    }

    // ---------------------------------------------------------------- snapshots

    /** A writer for a new snapshot; takes a shared lock until it is committed or aborted. */
    public SnapshotWriter newSnapshot(SnapshotMeta meta) throws IOException {
        return newSnapshot(meta, Progress.NONE);
    }

    public SnapshotWriter newSnapshot(SnapshotMeta meta, Progress progress) throws IOException {
        return new SnapshotWriter(this, meta, progress);
    }

    /** All snapshots, oldest first. Records are authenticated; a damaged record fails the listing. */
    public List<SnapshotInfo> snapshots() throws IOException {
        return records.list();
    }

    /**
     * The snapshot {@code ref} names: an id or a unique prefix of at least 4 hex digits, or {@code
     * latest[:[INSTANCE/]DATABASE]} — the newest snapshot of one instance and database; plain {@code
     * latest} only when the repository holds a single one (otherwise a usage error lists them).
     */
    public SnapshotInfo snapshot(String ref) throws IOException {
        return SnapshotRef.resolve(snapshots(), ref);
    }

    /**
     * Opens the snapshot {@code ref} names (see {@link #snapshot}) for restore; holds a shared lock
     * until closed. Needs a secret key.
     */
    public SnapshotSource openSnapshot(String ref) throws IOException {
        requireRead("read a snapshot");
        return new SnapshotSource(this, snapshot(ref));
    }

    SnapshotInfo readRecord(String hex) throws IOException {
        return records.read(hex);
    }

    String writeRecord(ObjectNode record) throws IOException {
        return records.write(record);
    }

    void deleteRecord(String hex) throws IOException {
        records.delete(hex);
    }

    Tree loadTree(SnapshotInfo s) throws IOException {
        requireRead("read a snapshot");
        List<BlobId> ids = s.tree().stream().map(BlobId::parse).toList();
        try (InputStream in = blobStream(ids, 2)) {
            return Tree.read(in, "tree of snapshot " + s.shortId());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Content of a filestore file by its SHA-1, from any snapshot of any database in the repository
     * (for repair). The stream fails if the content does not match the SHA-1.
     */
    public Optional<InputStream> findFileBySha1(String sha1) throws IOException {
        requireRead("read files");
        String want = sha1.toLowerCase(Locale.ROOT);
        List<SnapshotInfo> all = new ArrayList<>(snapshots());
        Collections.reverse(all);
        for (SnapshotInfo s : all) {
            for (Tree.FileEntry f : loadTree(s).files) {
                if (want.equals(f.sha1()) && !f.path().startsWith("checklist/")) {
                    return Optional.of(SnapshotSource.fileStream(this, f));
                }
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- maintenance

    /** Applies {@code policy} (or only reports with {@code dryRun}); see format §10. */
    public ForgetResult forget(RetentionPolicy policy, boolean dryRun) throws IOException {
        return Forget.run(this, policy, null, dryRun);
    }

    /**
     * As {@link #forget(RetentionPolicy, boolean)}, for the snapshots of {@code instance} only (all when
     * null); the others are neither kept nor removed, and not listed.
     */
    public ForgetResult forget(RetentionPolicy policy, String instance, boolean dryRun) throws IOException {
        return Forget.run(this, policy, instance, dryRun);
    }

    /** Deletes unreferenced data under an exclusive lock (format §11). Needs a secret key. */
    public PruneResult prune(PruneOptions opts, Progress progress) throws IOException {
        return Prune.run(this, opts, progress);
    }

    /** Checks structure and, optionally, data (format §12). Needs a secret key. */
    public VerifyResult verify(VerifyOptions opts, Progress progress) throws IOException {
        return Verify.run(this, opts, progress);
    }

    /** Sizes and deduplication; works with a writer key. */
    public RepositoryStats stats() throws IOException {
        return RepositoryStats.compute(this);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        readPool.shutdownNow();
    }

    @Override
    public String toString() {
        return "Repository[" + shortId(id) + " at " + backend.location() + "]";
    }

    static String shortId(String hex) {
        return hex.length() > 8 ? hex.substring(0, 8) : hex;
    }
}
