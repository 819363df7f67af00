package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.ExportRequest;
import io.lifeboat.api.ExportResult;
import io.lifeboat.api.ForgetDecision;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.api.ForgetRequest;
import io.lifeboat.api.ImportRequest;
import io.lifeboat.api.ImportResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PruneRequest;
import io.lifeboat.api.RepoInitRequest;
import io.lifeboat.api.RepoInitResult;
import io.lifeboat.api.RepoLock;
import io.lifeboat.api.RepoUnlockRequest;
import io.lifeboat.api.RepoUnlockResult;
import io.lifeboat.api.RepoWriterKeyRequest;
import io.lifeboat.api.RepoWriterKeyResult;
import io.lifeboat.api.SnapshotRecord;
import io.lifeboat.api.SnapshotsRequest;
import io.lifeboat.api.SnapshotsResult;
import io.lifeboat.api.StatsRequest;
import io.lifeboat.api.StatsResult;
import io.lifeboat.api.VerifyRequest;
import io.lifeboat.config.InstanceConfig;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.repository.Export;
import io.lifeboat.repository.Import;
import io.lifeboat.repository.KeyFiles;
import io.lifeboat.repository.PruneOptions;
import io.lifeboat.repository.Recipient;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.RepositoryLock;
import io.lifeboat.repository.RepositoryStats;
import io.lifeboat.repository.RetentionPolicy;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.SnapshotGroup;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.SnapshotSource;
import io.lifeboat.repository.VerifyOptions;
import io.lifeboat.repository.WriteStats;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The repository use cases of the facade (see {@link io.lifeboat.Lifeboat}): list snapshots, apply a
 * retention policy, prune, verify, stats, export a snapshot to an Odoo zip, import backups as snapshots,
 * create a repository, remove stale locks, write a writer key. Snapshot references ({@code latest},
 * {@code latest:DATABASE}, id prefixes) are resolved by the repository.
 *
 * <p>It is long because it holds ten short use cases (snapshots, forget, prune, verify, export, import,
 * stats, init, unlock, writer key), one method each.
 */
public final class Snapshots {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

    private final Context context;

    public Snapshots(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    // ------------------------------------------------------------------------------------ listing

    /** The snapshots the request selects, oldest first. Works with a writer key. */
    public SnapshotsResult snapshots(SnapshotsRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        try (Context.OpenRepository o = context.openRepository(false)) {
            List<SnapshotInfo> all = request.ref() == null
                    ? o.repo().snapshots()
                    : List.of(o.repo().snapshot(request.ref()));
            List<SnapshotInfo> list = all.stream()
                    .filter(s ->
                            request.instance() == null || request.instance().equals(s.instance()))
                    .filter(s ->
                            request.database() == null || request.database().equals(s.database()))
                    .filter(s -> request.tags().isEmpty() || s.tags().stream().anyMatch(request.tags()::contains))
                    .toList();
            if (request.latest()) {
                list = SnapshotGroup.newestFirst(list).values().stream()
                        .map(g -> g.get(0))
                        .sorted(Comparator.comparing(SnapshotInfo::time).thenComparing(SnapshotInfo::id))
                        .toList();
            }
            return new SnapshotsResult(list.stream().map(Snapshots::toRecord).toList());
        }
    }

    /** A snapshot record as the facade shows it (the tree's blob ids and the modules left out). */
    static SnapshotRecord toRecord(SnapshotInfo s) {
        SnapshotInfo.Summary m = s.summary();
        return new SnapshotRecord(
                s.id(),
                s.shortId(),
                s.time(),
                s.instance(),
                s.database(),
                s.host(),
                s.kind().label(),
                s.tags(),
                s.odooVersion(),
                s.postgresVersion(),
                s.warnings(),
                m == null
                        ? null
                        : new SnapshotRecord.Summary(
                                m.dumpFormat(),
                                m.dumpBytes(),
                                m.fileCount(),
                                m.fileBytes(),
                                m.blobsNew(),
                                m.bytesNew(),
                                m.storedNew()));
    }

    // ------------------------------------------------------------------------------------ forget, prune

    /**
     * Applies the retention policy per instance and database (the newest of each always kept); then, when
     * asked and not a dry run, prunes. A dry run works with a writer key; removing needs the secret key.
     */
    public io.lifeboat.api.ForgetResult forget(ForgetRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        RetentionPolicy policy = retention(request.policy());
        progress.checkCancelled();
        try (Context.OpenRepository o = context.openRepository(!request.dryRun())) {
            io.lifeboat.repository.ForgetResult r = o.repo().forget(policy, request.instance(), request.dryRun());
            io.lifeboat.api.PruneResult pruned =
                    request.prune() && !request.dryRun() ? prune(o.repo().prune(PruneOptions.DEFAULT, progress)) : null;
            List<ForgetDecision> decisions = new ArrayList<>();
            for (io.lifeboat.repository.ForgetResult.Decision d : r.decisions()) {
                SnapshotInfo s = d.snapshot();
                decisions.add(new ForgetDecision(
                        s.id(),
                        s.shortId(),
                        s.time(),
                        s.instance(),
                        s.database(),
                        s.host(),
                        s.kind().label(),
                        s.tags(),
                        s.odooVersion(),
                        s.postgresVersion(),
                        s.warnings(),
                        d.reasons(),
                        d.keep()));
            }
            return new io.lifeboat.api.ForgetResult(
                    r.applied(),
                    request.policy().isEmpty() ? ForgetPolicy.DEFAULT : request.policy(),
                    true,
                    decisions,
                    r.warnings(),
                    pruned);
        }
    }

    /** The retention of a configured instance, as a request's policy. */
    public static ForgetPolicy policy(InstanceConfig instance) {
        RetentionPolicy p = instance.retention();
        return p == null
                ? ForgetPolicy.NONE
                : new ForgetPolicy(
                        p.keepLast(),
                        p.keepHourly(),
                        p.keepDaily(),
                        p.keepWeekly(),
                        p.keepMonthly(),
                        p.keepYearly(),
                        p.keepWithin(),
                        p.keepTags());
    }

    /**
     * Applies a retention policy to the times of one group of backups, newest first: for each, the reasons to
     * keep it (empty: forget it). The newest is always kept; an empty policy means the default one.
     */
    public static List<List<String>> keepReasons(List<Instant> newestFirst, ForgetPolicy policy, ZoneId zone) {
        return io.lifeboat.repository.Forget.keepReasons(
                newestFirst, Instant::toString, t -> t, t -> List.of(), retention(policy), zone);
    }

    private static RetentionPolicy retention(ForgetPolicy p) {
        int[] counts = {p.keepLast(), p.keepHourly(), p.keepDaily(), p.keepWeekly(), p.keepMonthly(), p.keepYearly()};
        for (int n : counts) {
            if (n < 0) throw new LifeboatException(Kind.USAGE, "keep counts must not be negative", "Give 0 or more.");
        }
        return new RetentionPolicy(
                p.keepLast(),
                p.keepHourly(),
                p.keepDaily(),
                p.keepWeekly(),
                p.keepMonthly(),
                p.keepYearly(),
                p.keepWithin(),
                p.keepTags());
    }

    /** Deletes data no snapshot uses under an exclusive lock. Needs the secret key. */
    public io.lifeboat.api.PruneResult prune(PruneRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        checkRepackThreshold(request.repackThreshold());
        progress.checkCancelled();
        try (Context.OpenRepository o = context.openRepository(true)) {
            return prune(o.repo().prune(new PruneOptions(request.repackThreshold() / 100, request.dryRun()), progress));
        }
    }

    /** Fails unless {@code percent} is within 0..100. */
    private static void checkRepackThreshold(double percent) {
        if (percent < 0 || percent > 100) {
            throw new LifeboatException(Kind.USAGE, "--repack-threshold must be within 0..100", "Give a percentage.");
        }
    }

    private static io.lifeboat.api.PruneResult prune(io.lifeboat.repository.PruneResult r) {
        return new io.lifeboat.api.PruneResult(
                r.packsDeleted(),
                r.packsRepacked(),
                r.packsWritten(),
                r.blobsRemoved(),
                r.bytesFreed(),
                r.indexObjectsReplaced(),
                r.dryRun());
    }

    // ------------------------------------------------------------------------------------ verify, stats

    /** Checks the structure and, when asked, the data. Needs the secret key. */
    public io.lifeboat.api.VerifyResult verify(VerifyRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        VerifyOptions options = request.readDataSubset() != null
                ? VerifyOptions.readDataSubset(request.readDataSubset())
                : request.readData() ? VerifyOptions.READ_DATA : VerifyOptions.STRUCTURE;
        progress.checkCancelled();
        io.lifeboat.repository.VerifyResult r;
        try (Context.OpenRepository o = context.openRepository(true)) {
            r = o.repo().verify(options, progress);
        }
        return new io.lifeboat.api.VerifyResult(
                r.snapshotsChecked(),
                r.packsChecked(),
                r.packsRead(),
                r.blobsChecked(),
                r.problems().stream()
                        .map(p -> new io.lifeboat.api.VerifyResult.Problem(p.object(), p.blob(), p.message()))
                        .toList(),
                r.affected().stream()
                        .map(a -> new io.lifeboat.api.VerifyResult.Affected(
                                a.snapshotId(), a.instance(), a.database(), a.time(), a.whole(), a.files()))
                        .toList(),
                r.unindexedPacks());
    }

    /** Sizes, deduplication and compression. Works with a writer key. */
    public StatsResult stats(StatsRequest request, Observer observer) throws IOException {
        new Reporting(observer).checkCancelled();
        RepositoryStats s;
        String id;
        try (Context.OpenRepository o = context.openRepository(false)) {
            s = o.repo().stats();
            id = o.repo().id();
        }
        return new StatsResult(
                id,
                context.displayLocation(),
                s.snapshots(),
                s.logicalBytes(),
                s.blobs(),
                s.uniqueBytes(),
                s.packs(),
                s.packBytes(),
                s.storedBytes(),
                s.dedupRatio(),
                s.compressionRatio());
    }

    // ------------------------------------------------------------------------------------ export, import

    /** Writes a snapshot as an Odoo-standard zip, to a file or a stream. Needs the secret key. */
    public ExportResult export(ExportRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        try (Context.OpenRepository o = context.openRepository(true);
                SnapshotSource source = o.repo().openSnapshot(request.snapshot())) {
            SnapshotInfo info = source.info();
            ZipOptions zip = ZipOptions.defaults().withLevel(request.level());
            CaptureSink sink;
            if (request.stream() != null) {
                sink = ZipCaptureSink.toStream(request.stream(), zip);
            } else {
                Path file = request.output() != null
                        ? request.output()
                        : Path.of(info.database() + "_"
                                + FILE_TIME.format(info.time().atZone(ZoneId.systemDefault())) + ".zip");
                sink = ZipCaptureSink.toFile(file, zip, request.verify());
            }
            Path pgRestore =
                    source.dumpFormat().filter(f -> f != DumpFormat.PLAIN).isPresent()
                            ? PgTools.find(
                                            0,
                                            request.pgBin(),
                                            context.settings().environment().get("PATH"),
                                            PgTools.DEBIAN_ROOT)
                                    .pgRestore()
                                    .path()
                            : null;
            Export.Result r = Export.toOdooZip(source, sink, pgRestore, request.jobs(), progress);
            return new ExportResult(
                    r.target(),
                    r.sourceFormat() == null ? null : r.sourceFormat().name(),
                    r.dumpBytes(),
                    r.files(),
                    r.fileBytes(),
                    r.millis(),
                    toRecord(info));
        }
    }

    /**
     * Imports backup files as snapshots, one after the other, telling the request's listener of each as
     * it is done. Works with a writer key.
     */
    public ImportResult importArchives(ImportRequest request, Observer observer) throws IOException {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        String instance = request.instance() != null
                ? request.instance()
                : Repository.Options.defaults().host();
        List<ImportResult.Imported> done = new ArrayList<>();
        try (Context.OpenRepository o = context.openRepository(false)) {
            for (Path archive : request.archives()) {
                progress.checkCancelled();
                Import.Result r = Import.run(
                        o.repo(),
                        archive,
                        new Import.Options(instance, request.database(), request.tags(), request.time()),
                        progress);
                WriteStats s = r.stats();
                ImportResult.Imported i = new ImportResult.Imported(
                        r.snapshotId(),
                        r.database(),
                        r.time(),
                        r.dumpFormat() == null ? null : r.dumpFormat().name(),
                        r.dumpBytes(),
                        r.files(),
                        r.fileBytes(),
                        r.skippedFiles(),
                        r.warnings(),
                        s == null
                                ? null
                                : new ImportResult.Stats(
                                        s.logicalBytes(),
                                        s.blobs(),
                                        s.blobsNew(),
                                        s.bytesNew(),
                                        s.storedBytes(),
                                        s.packs()),
                        archive);
                done.add(i);
                if (request.onImported() != null) request.onImported().accept(i);
            }
        }
        return new ImportResult(done);
    }

    // ------------------------------------------------------------------------------------ administration

    /**
     * Creates a repository at the settings' location and writes its key files; a failure leaves an empty
     * location and no orphan key file. Existing key files and repositories are never overwritten.
     */
    public RepoInitResult repoInit(RepoInitRequest request, Observer observer) throws IOException {
        new Reporting(observer).checkCancelled();
        List<Recipient> to = new ArrayList<>();
        for (String r : request.recipients()) to.add(Recipient.parse(r));
        Path secretFile = request.secretKeyFile();
        Path writerFile = request.writerKeyFile();
        if (!to.isEmpty() && secretFile != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--key and --recipient exclude each other",
                    "With --recipient the secret key already exists elsewhere; give only --writer-key.");
        }
        for (Path p : new Path[] {secretFile, writerFile}) {
            if (p != null && Files.exists(p)) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        "key file " + p + " already exists",
                        "Choose another path; an existing key file is never overwritten.");
            }
        }
        SecretKey secret = to.isEmpty() ? SecretKey.generate() : null;
        if (secret != null) to.add(secret.recipient());
        try (Backend backend = context.backend()) {
            WriterKey writer = Repository.init(backend, to);
            String id = writer.repositoryId();
            String prefix = "lifeboat-" + id.substring(0, 8);
            if (secret != null && secretFile == null) secretFile = Path.of(prefix + ".key");
            if (writerFile == null) writerFile = Path.of(prefix + ".writer-key");
            try {
                if (secret != null) KeyFiles.writeSecretKey(secretFile, secret, id, request.passphrase());
                KeyFiles.writeWriterKey(writerFile, writer);
            } catch (IOException | RuntimeException e) {
                undoInit(backend, secretFile, secret != null);
                throw e;
            }
            return new RepoInitResult(
                    id,
                    context.displayLocation(),
                    to.stream().map(Recipient::encoded).toList(),
                    secret == null ? null : secretFile.toAbsolutePath().toString(),
                    writerFile.toAbsolutePath().toString());
        }
    }

    /** Removes what init wrote, so a failed init leaves an empty location and no orphan key. */
    private static void undoInit(Backend backend, Path secretFile, boolean wroteSecret) {
        try {
            for (ObjectInfo o : backend.list("keys/")) backend.delete(o.name());
            backend.delete("config");
            if (wroteSecret && secretFile != null) Files.deleteIfExists(secretFile);
        } catch (IOException | RuntimeException e) {
            // the error that made init fail is the one to report
        }
    }

    /** Removes the stale locks and lists the live ones. Works with a writer key. */
    public RepoUnlockResult repoUnlock(RepoUnlockRequest request, Observer observer) throws IOException {
        new Reporting(observer).checkCancelled();
        try (Context.OpenRepository o = context.openRepository(false)) {
            int removed = o.repo().removeStaleLocks();
            List<RepoLock> left = new ArrayList<>();
            for (RepositoryLock.Info l : o.repo().locks()) {
                left.add(new RepoLock(
                        l.name(), l.host(), l.pid(), l.exclusive(), l.operation(), l.created(), l.refreshed()));
            }
            return new RepoUnlockResult(removed, left);
        }
    }

    /** Writes a new writer key file (never over an existing file). Needs the secret key. */
    public RepoWriterKeyResult repoWriterKey(RepoWriterKeyRequest request, Observer observer) throws IOException {
        new Reporting(observer).checkCancelled();
        try (Context.OpenRepository o = context.openRepository(true)) {
            KeyFiles.writeWriterKey(request.output(), o.repo().writerKey());
            return new RepoWriterKeyResult(request.output().toAbsolutePath().toString());
        }
    }
}
