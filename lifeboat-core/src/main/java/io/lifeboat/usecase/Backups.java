package io.lifeboat.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BackupAllRequest;
import io.lifeboat.api.BackupAllResult;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.CleanupResult;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.DatabasesResult;
import io.lifeboat.api.DemoRequest;
import io.lifeboat.api.DemoResult;
import io.lifeboat.api.DemoStep;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.backup.BackupEngine;
import io.lifeboat.backup.BackupReport;
import io.lifeboat.backup.FilestoreMode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.odoo.DatabaseLister;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoo.OdooInstance;
import io.lifeboat.odoozip.DumpFileSink;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.repository.SnapshotWriter;
import io.lifeboat.repository.WriteStats;
import io.lifeboat.restore.Leftovers;
import io.lifeboat.restore.RestoreEngine;
import io.lifeboat.restore.RestoreReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The backup side of the facade: a backup to a zip, a dump or a repository snapshot, a backup of every
 * database, the databases of the instance, the cleanup of leftovers and the demo. See {@link
 * io.lifeboat.Lifeboat}.
 */
public final class Backups {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

    private final Context context;

    public Backups(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    // ------------------------------------------------------------------------------------ backup

    /** One backup of one database to a file, a stream or a repository snapshot. */
    public BackupResult backup(BackupRequest request, Observer observer) {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        Context.Target target = context.resolve(request.database());
        FilestoreMode mode = mode(request);
        PgTools tools = context.tools();
        if (request.target() == BackupRequest.Target.SNAPSHOT)
            return toSnapshot(target, tools, mode, request, progress);
        Path file = request.stream() != null
                ? null
                : request.output() != null ? request.output() : Path.of(defaultName(target.database(), request));
        return toFile(target, tools, mode, file, request.stream(), request, progress);
    }

    /** Every Odoo database of the instance into a directory; goes on after failures, stops when cancelled. */
    public BackupAllResult backupAll(BackupAllRequest request, Observer observer) {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        Path dir = request.directory();
        if (!Files.isDirectory(dir)) {
            throw new LifeboatException(
                    Kind.USAGE, "no such directory: " + dir, "Create it first, or name an existing one with -o.");
        }
        BackupRequest options = request.options();
        FilestoreMode mode = mode(options);
        OdooInstance inst = context.instance();
        List<String> dbs = DatabaseLister.list(inst.connection(), DatabaseLister.Options.of(inst), null);
        if (dbs.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE, "no Odoo database found on " + inst.connection(), "Check the instance settings.");
        }
        PgTools tools = context.tools();
        List<BackupAllResult.Entry> entries = new ArrayList<>();
        int failed = 0;
        for (String db : dbs) {
            BackupAllResult.Entry entry;
            try {
                Context.Target target = context.resolve(db);
                BackupResult r =
                        toFile(target, tools, mode, dir.resolve(defaultName(db, options)), null, options, progress);
                entry = new BackupAllResult.Entry(db, true, r, null);
            } catch (LifeboatException e) {
                if (e.kind() == Kind.CANCELLED) throw e;
                failed++;
                entry = new BackupAllResult.Entry(db, false, null, new BackupAllResult.Error(e.getMessage(), e.hint()));
            }
            entries.add(entry);
            request.onEach().accept(entry);
        }
        return new BackupAllResult(entries, failed);
    }

    /** The filestore mode of a zip or snapshot; a dump holds no files. */
    private static FilestoreMode mode(BackupRequest request) {
        if (request.target() == BackupRequest.Target.DUMP) return FilestoreMode.NONE;
        return switch (request.filestore()) {
            case REFERENCED -> FilestoreMode.REFERENCED;
            case ALL -> FilestoreMode.ALL;
            case NONE -> FilestoreMode.NONE;
        };
    }

    /** {@code <db>_<local time>.zip} (or {@code .dump}). */
    private static String defaultName(String database, BackupRequest request) {
        return database + "_" + LocalDateTime.now().format(STAMP)
                + (request.target() == BackupRequest.Target.DUMP ? ".dump" : ".zip");
    }

    /** A backup of {@code target} to {@code file}, or to {@code stream} when file is null. */
    private BackupResult toFile(
            Context.Target target,
            PgTools tools,
            FilestoreMode mode,
            Path file,
            OutputStream stream,
            BackupRequest request,
            Reporting progress) {
        requireFiles(target, mode, request);
        boolean zip = request.target() == BackupRequest.Target.ZIP;
        ZipOptions zipOptions = ZipOptions.defaults().withLevel(request.level());
        CaptureSink sink;
        try {
            sink = zip
                    ? (file == null
                            ? ZipCaptureSink.toStream(stream, zipOptions)
                            : ZipCaptureSink.toFile(file, zipOptions, request.verify()))
                    : (file == null ? DumpFileSink.toStream(stream) : DumpFileSink.toFile(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BackupReport report = capture(
                target,
                tools,
                new BackupEngine.Options(zip ? DumpFormat.PLAIN : DumpFormat.CUSTOM, -1, mode, request.strict()),
                request,
                progress,
                sink);
        return result(report, report.target, report.snapshot, null);
    }

    /** The same capture into a repository snapshot (a custom-format dump, uncompressed so it deduplicates). */
    private BackupResult toSnapshot(
            Context.Target target, PgTools tools, FilestoreMode mode, BackupRequest request, Reporting progress) {
        SnapshotKind k = SnapshotKind.parse(request.snapshotKind());
        if (k == SnapshotKind.IMPORT || k == SnapshotKind.BASE_BACKUP) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--kind " + request.snapshotKind() + " is not for backups",
                    "Use manual, scheduled or pre-restore.");
        }
        requireFiles(target, mode, request);
        BackupReport report;
        WriteStats stats;
        long adopted;
        try (Context.OpenRepository repo = context.openRepository(false)) {
            String instance = request.snapshotInstance() != null ? request.snapshotInstance() : machineName();
            SnapshotMeta meta =
                    new SnapshotMeta(instance, target.database(), k, request.tags(), null, null, null, null);
            SnapshotWriter writer = repo.repo().newSnapshot(meta, progress);
            report = capture(
                    target,
                    tools,
                    new BackupEngine.Options(DumpFormat.CUSTOM, 0, mode, request.strict()),
                    request,
                    progress,
                    writer);
            stats = writer.stats();
            adopted = writer.adoptedPacks();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BackupResult.Written written = new BackupResult.Written(
                stats.logicalBytes(),
                stats.bytesNew(),
                stats.storedBytes(),
                stats.blobs(),
                stats.blobsNew(),
                stats.packs(),
                adopted);
        return result(report, context.displayLocation(), report.target, written);
    }

    /**
     * Captures {@code target} into {@code sink}; with a bucket in the request, the files of its layout are
     * read from the bucket.
     */
    private static BackupReport capture(
            Context.Target target,
            PgTools tools,
            BackupEngine.Options options,
            BackupRequest request,
            Progress progress,
            CaptureSink sink) {
        if (request.bucket() == null) {
            return new BackupEngine(
                            new BackupEngine.Instance(
                                    target.connection(),
                                    target.database(),
                                    target.filestore(),
                                    tools.pgDump().path()),
                            options,
                            progress)
                    .run(sink, Backups::manifest);
        }
        try (ObjectStorage.Bucket bucket = ObjectStorage.open(request.bucket())) {
            return new BackupEngine(
                            new BackupEngine.Instance(
                                    target.connection(),
                                    target.database(),
                                    target.filestore(),
                                    tools.pgDump().path(),
                                    bucket.filestore(),
                                    bucket.layout()),
                            options,
                            progress)
                    .run(sink, Backups::manifest);
        } catch (IOException e) {
            sink.abort();
            throw new UncheckedIOException(e);
        }
    }

    /** Fails unless a backup with files can find them: in the bucket, or in the filestore directory. */
    private void requireFiles(Context.Target target, FilestoreMode mode, BackupRequest request) {
        if (mode == FilestoreMode.NONE) return;
        if (request.bucket() == null) {
            context.requireFilestore(target);
        } else if (mode == FilestoreMode.ALL) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--filestore all copies a filestore directory; it does not apply to a bucket",
                    "Back up the referenced files (the default) with --bucket.");
        }
    }

    private static JsonNode manifest(Connection conn, String database) throws SQLException {
        return JSON.valueToTree(OdooDatabaseInfo.read(conn).toManifest());
    }

    /** This machine's name, as snapshots and locks record it. */
    public static String machineName() {
        return Repository.Options.defaults().host();
    }

    private static BackupResult result(BackupReport r, String target, String snapshot, BackupResult.Written written) {
        return new BackupResult(
                r.database,
                r.format,
                r.dumpFormat,
                r.filestoreMode,
                target,
                snapshot,
                r.dumpBytes,
                r.files,
                r.fileBytes,
                r.referencedFiles,
                r.attachmentRows,
                r.missingFiles,
                r.corruptFiles,
                r.unsafeNames,
                r.affectedAttachmentIds,
                r.affectedFiles,
                r.dumpMillis,
                r.filestoreMillis,
                r.totalMillis,
                r.warnings,
                written);
    }

    // --------------------------------------------------------------------------------- databases

    /** The Odoo databases of the instance as Odoo lists them, with their filestore directories. */
    public DatabasesResult databases(DatabasesRequest request, Observer observer) {
        new Reporting(observer).checkCancelled();
        OdooInstance inst = context.instance();
        List<String> dbs = DatabaseLister.list(inst.connection(), DatabaseLister.Options.of(inst), request.httpHost());
        Map<String, String> filestores = new LinkedHashMap<>();
        dbs.forEach(d -> filestores.put(d, inst.filestore(d).toString()));
        return new DatabasesResult(inst.connection().toString(), inst.dataDir().toString(), filestores);
    }

    // ----------------------------------------------------------------------------------- cleanup

    /** Lists what interrupted or killed runs left behind and removes what the request allows. */
    public CleanupResult cleanup(CleanupRequest request, Observer observer) {
        new Reporting(observer).checkCancelled();
        OdooInstance inst = context.instance();
        List<Leftovers.Item> found = Leftovers.find(inst.connection(), inst.dataDir());
        List<Leftovers.Item> chosen = new ArrayList<>();
        for (Leftovers.Item i : found) if (i.proven() || request.force()) chosen.add(i);
        List<Leftovers.Item> removed =
                request.dryRun() ? List.of() : Leftovers.remove(inst.connection(), inst.dataDir(), chosen);
        List<CleanupResult.Leftover> rows = new ArrayList<>();
        for (Leftovers.Item i : found) {
            String action;
            if (removed.contains(i)) action = CleanupResult.REMOVED;
            else if (chosen.contains(i))
                action = request.dryRun() ? CleanupResult.WOULD_REMOVE : CleanupResult.COULD_NOT_REMOVE;
            else action = CleanupResult.KEPT;
            rows.add(new CleanupResult.Leftover(i.type(), i.name(), i.origin(), action));
        }
        return new CleanupResult(request.dryRun(), rows);
    }

    // -------------------------------------------------------------------------------------- demo

    /**
     * The whole cycle on a throwaway PostgreSQL: a synthetic instance, its backup to a zip, the zip
     * restored as a neutralized copy and verified. The server stops and the temporary data_dir goes; the
     * zip stays in the work directory.
     */
    public DemoResult demo(DemoRequest request, Observer observer) {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        Map<String, String> env = context.settings().environment();
        try {
            Path work = Files.createDirectories(request.directory()).toAbsolutePath();
            Path dataDir = Files.createTempDirectory(work, "data-");
            Path zip = work.resolve("demo_" + System.currentTimeMillis() + ".zip");
            try (PgCluster cluster = PgCluster.start()) {
                request.onStep().accept(new DemoStep.Started(cluster.majorVersion(), cluster.port()));
                cluster.createRole("odoo", "LOGIN", "CREATEDB", "CREATEROLE");
                cluster.createDatabase("demo", "odoo");
                var spec = SyntheticInstance.Spec.small()
                        .withAttachments(request.attachments())
                        .withFilestoreBytes(request.filestoreBytes())
                        .withBulkRows(request.bulkRows());
                Path filestore = dataDir.resolve("filestore").resolve("demo");
                SyntheticInstance.Result created;
                try (Connection c = cluster.connect("demo", "odoo")) {
                    created = SyntheticInstance.create(c, filestore, spec);
                }
                request.onStep()
                        .accept(new DemoStep.Created(
                                "demo", created.attachments(), created.distinctFiles(), created.filestoreBytes()));
                progress.checkCancelled();
                PgConnection conn = new PgConnection(cluster.host(), cluster.port(), "odoo", null, null);
                PgTools tools =
                        PgTools.find(cluster.majorVersion(), cluster.binDir(), env.get("PATH"), PgTools.DEBIAN_ROOT);
                BackupReport backup = new BackupEngine(
                                new BackupEngine.Instance(
                                        conn, "demo", filestore, tools.pgDump().path()),
                                new BackupEngine.Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, true),
                                progress)
                        .run(ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true), Backups::manifest);
                BackupResult backedUp = result(backup, backup.target, backup.snapshot, null);
                request.onStep().accept(new DemoStep.BackedUp(zip, Files.size(zip), backedUp));
                RestoreReport restore;
                try (var source = new ZipRestoreSource(zip)) {
                    restore = new RestoreEngine(
                                    RestoreEngine.Target.of(conn, dataDir, tools),
                                    new RestoreEngine.Options(
                                            "demo_copy", RestoreEngine.Mode.FULL, null, true, 2, false, true, false),
                                    progress)
                            .run(source);
                }
                DemoResult result = new DemoResult(backedUp, Restores.restored(restore));
                request.onStep()
                        .accept(new DemoStep.Restored("demo_copy", restore.newDatabaseUuid, restore.totalMillis));
                RestoreResult.Verification v = result.restore().verification();
                request.onStep()
                        .accept(new DemoStep.Verified(
                                v.baseInstalled(), v.users(), v.presentFiles(), v.referencedFiles()));
                return result;
            } finally {
                // the zip stays; the data directory goes
                deleteTree(dataDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT, "cannot create the demo database: " + e.getMessage(), null, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
