package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.BlobIndex;
import io.lifeboat.repository.internal.Chunker;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Json;
import io.lifeboat.repository.internal.MetaObjects;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.repository.internal.RepoKeys;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.crypto.AEADBadTagException;

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
 */
public final class Repository implements AutoCloseable {
    public static final int FORMAT_VERSION = 1;
    static final int MIN_CHUNK = 256 * 1024;
    static final int AVG_CHUNK = 1024 * 1024;
    static final int MAX_CHUNK = 8 * 1024 * 1024;
    static final int FILE_BLOB_MAX = 8 * 1024 * 1024;
    static final int PACK_SIZE = 16 * 1024 * 1024;

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
    private final List<byte[]> secretScalars;
    private final List<byte[]> secretPublics;
    private final int avg;
    private final int min;
    private final int max;
    private final int fileBlobMax;
    private final int packSize;
    private final Chunker chunker;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService readPool;
    private final Map<String, byte[]> packKeys = new ConcurrentHashMap<>();
    private final Map<String, SnapshotInfo> records = new ConcurrentHashMap<>();
    private volatile BlobIndex index;

    private Repository(
            Backend backend,
            Options options,
            JsonNode config,
            byte[] writeSecret,
            List<Recipient> writeRecipients,
            List<SecretKey> secrets) {
        this.backend = backend;
        this.options = options;
        this.id = config.path("id").asText();
        this.writeSecret = writeSecret;
        this.keys = new RepoKeys(id, writeSecret);
        this.writeRecipients = List.copyOf(writeRecipients);
        this.secretScalars = secrets.stream().map(SecretKey::scalar).toList();
        this.secretPublics = secrets.stream().map(s -> s.recipient().raw()).toList();
        JsonNode ch = config.path("chunker");
        this.min = ch.path("min").asInt();
        this.avg = ch.path("avg").asInt();
        this.max = ch.path("max").asInt();
        this.fileBlobMax = config.path("fileBlobMax").asInt();
        this.packSize = config.path("packSize").asInt();
        this.chunker = new Chunker(keys.gear(), min, avg, max);
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
        if (recipients.isEmpty()) throw new IllegalArgumentException("at least one recipient");
        if (backend.stat("config").isPresent()) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "a repository already exists at " + backend.location(),
                    "Open it with its key, or choose an empty location.");
        }
        String id = Crypto.hex(Crypto.random(32));
        byte[] w = Crypto.random(32);
        for (Recipient r : recipients) writeKeyObject(backend, r, w);
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("format", "lifeboat-repository").put("version", FORMAT_VERSION).put("id", id);
        c.put("created", Instant.now().toString());
        c.putObject("chunker")
                .put("algorithm", "fastcdc-gear-v1")
                .put("min", MIN_CHUNK)
                .put("avg", AVG_CHUNK)
                .put("max", MAX_CHUNK);
        c.put("fileBlobMax", FILE_BLOB_MAX).put("packSize", PACK_SIZE);
        c.put("keyCheck", Base64.getEncoder().encodeToString(new RepoKeys(id, w).keyCheck()));
        backend.save(
                "config",
                ContentSource.ofBytes(
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(c)));
        return new WriterKey(id, recipients, w);
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
        JsonNode config = readConfig(backend);
        String id = config.path("id").asText();
        byte[] expectedCheck =
                Base64.getDecoder().decode(config.path("keyCheck").asText());
        byte[] w = null;
        List<Recipient> recipients = new ArrayList<>();
        if (keys.writer().isPresent()) {
            WriterKey wk = keys.writer().get();
            if (!wk.repositoryId().equals(id)) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "the writer key belongs to repository " + shortId(wk.repositoryId()) + ", not to " + shortId(id)
                                + " at " + backend.location(),
                        "Use the writer key made for this repository.");
            }
            w = wk.writeSecret();
            recipients.addAll(wk.recipients());
        }
        if (!keys.secrets().isEmpty()) {
            byte[] fromKeys = writeSecretFromKeys(backend, keys.secrets());
            if (w != null && !java.security.MessageDigest.isEqual(w, fromKeys)) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "the writer key and the secret key belong to different repositories",
                        "Use keys made for the same repository.");
            }
            if (w == null) w = fromKeys;
            if (recipients.isEmpty()) keys.secrets().forEach(s -> recipients.add(s.recipient()));
        }
        if (!java.security.MessageDigest.isEqual(new RepoKeys(id, w).keyCheck(), expectedCheck)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "the key does not match repository " + shortId(id),
                    "Use the writer key or secret key made for this repository.");
        }
        return new Repository(backend, options, config, w, recipients, keys.secrets());
    }

    private static JsonNode readConfig(Backend backend) throws IOException {
        JsonNode c;
        try (InputStream in = backend.load("config")) {
            c = Json.MAPPER.readTree(in.readAllBytes());
        } catch (ObjectNotFoundException e) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no repository at " + backend.location(),
                    "Check the location, or create a repository with repo init.");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "repository config at " + backend.location() + " is damaged",
                    "Restore it from a copy.");
        }
        if (c == null || !"lifeboat-repository".equals(c.path("format").asText())) {
            throw new LifeboatException(
                    Kind.USAGE, backend.location() + " is not a lifeboat repository", "Check the location.");
        }
        int v = c.path("version").asInt();
        if (v > FORMAT_VERSION) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "repository format version " + v + " is newer than this lifeboat supports (" + FORMAT_VERSION + ")",
                    "Upgrade lifeboat to use this repository.");
        }
        if (v < 1 || !c.path("id").asText().matches("[0-9a-f]{64}")) {
            throw new LifeboatException(Kind.INTEGRITY, "repository config is damaged", "Restore it from a copy.");
        }
        return c;
    }

    private static void writeKeyObject(Backend backend, Recipient r, byte[] w) throws IOException {
        byte[] eph = Crypto.random(32);
        byte[] stanza = Crypto.stanza(eph, Crypto.x25519Public(eph), r.raw(), w);
        ObjectNode k = Json.MAPPER.createObjectNode();
        k.put("recipient", r.encoded())
                .put("created", Instant.now().toString())
                .put("writeSecret", Base64.getEncoder().encodeToString(stanza));
        MetaObjects.save(backend, "keys/", Json.MAPPER.writeValueAsBytes(k));
    }

    private static byte[] writeSecretFromKeys(Backend backend, List<SecretKey> secrets) throws IOException {
        for (ObjectInfo o : backend.list("keys/")) {
            JsonNode k = Json.MAPPER.readTree(MetaObjects.loadChecked(backend, o.name()));
            for (SecretKey s : secrets) {
                if (!s.recipient().encoded().equals(k.path("recipient").asText())) continue;
                byte[] stanza = Base64.getDecoder().decode(k.path("writeSecret").asText());
                try {
                    byte[] w = Crypto.openStanza(
                            stanza, 0, s.scalar(), s.recipient().raw());
                    if (w != null) return w;
                } catch (AEADBadTagException e) {
                    throw new LifeboatException(
                            Kind.INTEGRITY,
                            o.name() + " fails authentication",
                            "Restore it from a copy of the repository.");
                }
            }
        }
        throw new LifeboatException(
                Kind.USAGE,
                "the secret key does not open this repository",
                "Use the secret key that 'lifeboat repo init' made for this repository.");
    }

    /**
     * Rotation: seals the write secret to {@code recipient} and returns a writer key that seals new
     * data to it only. Old data stays readable with the old secret key, which must be kept.
     */
    public WriterKey addRecipient(Recipient recipient) throws IOException {
        requireRead("add a key");
        writeKeyObject(backend, recipient, writeSecret);
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
        return !secretScalars.isEmpty();
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

    // ---------------------------------------------------------------- index

    /** The index, loaded on first use. */
    BlobIndex index() throws IOException {
        BlobIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) index = loadIndex();
                i = index;
            }
        }
        return i;
    }

    /** Forgets the cached index (after prune). */
    synchronized void invalidateIndex() {
        index = null;
    }

    private BlobIndex loadIndex() throws IOException {
        BlobIndex i = new BlobIndex();
        for (ObjectInfo o : backend.list("index/")) {
            for (var e : readIndexObject(o.name()).entrySet()) i.addPack(e.getKey(), e.getValue());
            i.addIndexObject(o.name());
        }
        return i;
    }

    Map<String, List<IndexEntry>> readIndexObject(String name) throws IOException {
        byte[] stored = MetaObjects.loadChecked(backend, name);
        return MetaObjects.decodeIndex(MetaObjects.open(keys.metaKey(), MetaObjects.INDEX, stored, name), name);
    }

    /** Writes one index object for these packs; returns its object name and stored size. */
    ObjectInfo writeIndex(Map<String, List<IndexEntry>> packs) throws IOException {
        byte[] stored = MetaObjects.seal(keys.metaKey(), MetaObjects.INDEX, MetaObjects.encodeIndex(packs));
        String hex = MetaObjects.save(backend, "index/", stored);
        return new ObjectInfo("index/" + hex, stored.length);
    }

    // ---------------------------------------------------------------- blobs

    /** Reads, authenticates and checks one blob. */
    byte[] readBlob(BlobId blob) throws IOException {
        requireRead("read data");
        IndexEntry e = index().get(blob)
                .orElseThrow(() -> new LifeboatException(
                        Kind.INTEGRITY,
                        "blob " + blob.hex().substring(0, 12) + " is not in the repository index",
                        "Run verify to see which snapshots are affected."));
        return readBlob(e);
    }

    byte[] readBlob(IndexEntry e) throws IOException {
        byte[] fileKey = packKey(e.pack());
        byte[] stored;
        try (InputStream in = backend.load(Packs.objectName(e.pack()), e.offset(), e.storedLength())) {
            stored = in.readNBytes(e.storedLength());
        } catch (ObjectNotFoundException x) {
            throw missingPack(e.pack());
        }
        if (stored.length != e.storedLength()) throw Packs.damaged(e.pack(), "shorter than its index says");
        return Packs.openBlob(fileKey, e, stored, 0, keys);
    }

    byte[] packKey(String pack) throws IOException {
        byte[] k = packKeys.get(pack);
        if (k != null) return k;
        String name = Packs.objectName(pack);
        byte[] first6;
        byte[] prefix;
        try {
            try (InputStream in = backend.load(name, 0, 6)) {
                first6 = in.readNBytes(6);
            }
            int plen = Packs.prefixLength(pack, first6);
            try (InputStream in = backend.load(name, 0, plen)) {
                prefix = in.readNBytes(plen);
            }
            if (prefix.length != plen) throw Packs.damaged(pack, "truncated");
        } catch (ObjectNotFoundException x) {
            throw missingPack(pack);
        }
        k = fileKeyOf(pack, prefix);
        packKeys.put(pack, k);
        return k;
    }

    byte[] fileKeyOf(String pack, byte[] prefix) {
        byte[] k = Packs.fileKey(pack, prefix, secretScalars, secretPublics);
        if (k == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "pack " + pack.substring(0, 12) + " is sealed to a key you did not give",
                    "Give the secret key that 'lifeboat repo init' made for this repository.");
        }
        return k;
    }

    static LifeboatException missingPack(String pack) {
        return new LifeboatException(
                Kind.INTEGRITY,
                "pack " + pack.substring(0, 12) + " is missing from the repository",
                "Run verify to see which snapshots are affected.");
    }

    /** A stream over the concatenated plaintext of {@code blobs}, fetching ahead on the read pool. */
    InputStream blobStream(List<BlobId> blobs, int ahead) {
        return new BlobStream(this, blobs, ahead);
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
        List<SnapshotInfo> out = new ArrayList<>();
        for (ObjectInfo o : backend.list("snapshots/")) {
            String hex = o.name().substring("snapshots/".length());
            SnapshotInfo s = records.get(hex);
            if (s == null) {
                try {
                    s = readRecord(hex);
                } catch (ObjectNotFoundException e) {
                    continue;
                }
                records.put(hex, s);
            }
            out.add(s);
        }
        out.sort(Comparator.comparing(SnapshotInfo::time).thenComparing(SnapshotInfo::id));
        return out;
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
        String name = "snapshots/" + hex;
        byte[] stored = MetaObjects.loadChecked(backend, name);
        byte[] body = MetaObjects.open(keys.metaKey(), MetaObjects.SNAPSHOT, stored, name);
        return Records.parse(hex, Json.MAPPER.readTree(body), name);
    }

    String writeRecord(ObjectNode record) throws IOException {
        byte[] stored = MetaObjects.seal(keys.metaKey(), MetaObjects.SNAPSHOT, Json.MAPPER.writeValueAsBytes(record));
        return MetaObjects.save(backend, "snapshots/", stored);
    }

    int sealedRecordSize(ObjectNode record) throws IOException {
        return Crypto.NONCE + Crypto.TAG + 1 + Json.MAPPER.writeValueAsBytes(record).length;
    }

    void deleteRecord(String hex) throws IOException {
        backend.delete("snapshots/" + hex);
        records.remove(hex);
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
        String want = sha1.toLowerCase(java.util.Locale.ROOT);
        List<SnapshotInfo> all = new ArrayList<>(snapshots());
        java.util.Collections.reverse(all);
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

    static Map<String, List<IndexEntry>> byPack(List<IndexEntry> entries) {
        Map<String, List<IndexEntry>> m = new LinkedHashMap<>();
        for (IndexEntry e : entries)
            m.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(e);
        return m;
    }

    static byte[] hexBytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
