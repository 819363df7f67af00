package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.api.RollbackPoint;
import io.lifeboat.api.RollbackRequest;
import io.lifeboat.api.RollbackResult;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoo.OdooInstance;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.PgConnectException;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.progress.Progress;
import io.lifeboat.restore.RestoreEngine;
import io.lifeboat.restore.RestoreReport;
import io.lifeboat.restore.Rollbacks;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Restores (from a backup file or dump directory, a repository snapshot or a stream) and rollbacks of
 * restores that replaced a database; see {@link io.lifeboat.Lifeboat}.
 *
 * <p>Failures are {@link LifeboatException}s, except an {@link IOException} nobody explained (reading a
 * source or the repository), which is thrown as it came, wrapped in an {@link UncheckedIOException}.
 */
public final class Restores {
    private final Context context;

    public Restores(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    // ------------------------------------------------------------------------------------- restore

    /** Runs (or, for a dry run, plans) the restore {@code request}. */
    public RestoreResult restore(RestoreRequest request, Observer observer) {
        Reporting progress = new Reporting(observer == null ? Observer.none() : observer);
        if (request.database() != null) DatabaseNames.check(request.database(), Kind.USAGE, "", null);
        RestoreRequest.Source from = request.source();
        boolean fromRepo = from.kind() == RestoreRequest.Source.Kind.SNAPSHOT;
        try (Spool spool = from.kind() == RestoreRequest.Source.Kind.STREAM
                ? Spool.copy(from.stream(), from.location(), context.instance().dataDir(), progress)
                : null) {
            // the progress starts before the repository is opened: reading a snapshot takes a while
            if (fromRepo) progress.phase("reading snapshot", -1, "");
            try (Context.OpenRepository repo = fromRepo ? context.openRepository(true) : null;
                    RestoreSource source = fromRepo
                            ? repo.repo().openSnapshot(from.location())
                            : spool != null ? spool.open() : DumpRestoreSource.open(Path.of(from.location()))) {
                return restore(request, source, progress);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RestoreResult restore(RestoreRequest request, RestoreSource source, Reporting progress) {
        String target = request.database() != null
                ? request.database()
                : source.manifest()
                        .map(m -> m.path("db_name").asText(null))
                        .orElseThrow(() -> new LifeboatException(
                                Kind.USAGE,
                                "the backup does not name its database",
                                "Name the target database with -d."));
        DatabaseNames.check(target, Kind.USAGE, " in the backup's manifest", null);
        OdooInstance inst = context.instance();
        PgTools tools = context.tools();
        RestoreEngine.Mode mode = switch (request.mode()) {
            case FULL -> RestoreEngine.Mode.FULL;
            case DB_ONLY -> RestoreEngine.Mode.DB_ONLY;
            case FILESTORE_ONLY -> RestoreEngine.Mode.FILESTORE_ONLY;
        };
        if (request.dryRun()) return RestoreResult.of(plan(request, source, target, mode, inst, tools));
        progress.checkCancelled();
        if (request.bucket() != null) {
            try (ObjectStorage.Bucket bucket = ObjectStorage.open(request.bucket())) {
                return RestoreResult.of(restored(engine(request, target, mode, inst, tools, progress)
                        .filesInto(bucket.filestore(), bucket.layout(), ObjectStorage.bucketName(bucket))
                        .run(source)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return RestoreResult.of(
                restored(engine(request, target, mode, inst, tools, progress).run(source)));
    }

    private static RestoreEngine engine(
            RestoreRequest request,
            String target,
            RestoreEngine.Mode mode,
            OdooInstance inst,
            PgTools tools,
            Reporting progress) {
        return new RestoreEngine(
                        RestoreEngine.Target.of(inst.connection(), inst.dataDir(), tools),
                        new RestoreEngine.Options(
                                target,
                                mode,
                                request.copy(),
                                request.neutralize(),
                                request.jobs(),
                                request.replace(),
                                request.strict(),
                                request.allowSuperuser(),
                                request.trustedDump(),
                                request.owner()),
                        progress)
                .neutralizeWith(inst.odooBin(), inst.odooBin() == null ? null : inst.configFile());
    }

    /** The restore engine's report as the result record (also what the demo reports of its restore). */
    static RestoreResult.Restored restored(RestoreReport r) {
        RestoreReport.Verification v = r.verification;
        return new RestoreResult.Restored(
                r.source,
                r.target,
                r.mode,
                r.copy,
                r.neutralized,
                r.neutralization,
                r.newDatabaseUuid,
                r.dumpFormat,
                r.owner,
                r.isolated,
                r.files,
                r.fileBytes,
                r.loadMillis,
                r.filestoreMillis,
                r.totalMillis,
                r.rollbackDatabase,
                r.rollbackFilestore,
                new RestoreResult.Verification(
                        v.baseInstalled,
                        v.users,
                        v.filesChecked,
                        v.referencedFiles,
                        v.presentFiles,
                        v.missingFiles,
                        v.corruptFiles,
                        v.missing,
                        v.missingAttachmentIds),
                r.warnings,
                r.notes,
                r.dumpRows);
    }

    /** The plan, from the source and the server's and data_dir's current state; changes nothing. */
    private RestoreResult.Plan plan(
            RestoreRequest request,
            RestoreSource source,
            String target,
            RestoreEngine.Mode mode,
            OdooInstance inst,
            PgTools tools) {
        DatabaseNames.check(target, Kind.USAGE, "", null);
        boolean wantDb = mode != RestoreEngine.Mode.FILESTORE_ONLY;
        boolean wantFiles = mode != RestoreEngine.Mode.DB_ONLY;
        String sourceDb =
                source.manifest().map(m -> m.path("db_name").asText(null)).orElse(null);
        boolean asCopy = request.copy() != null ? request.copy() : sourceDb == null || !sourceDb.equals(target);
        boolean dbExists;
        int serverMajor;
        try (Connection c = inst.connection().open("postgres");
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                dbExists = rs.next();
            }
            try (var st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW server_version_num")) {
                rs.next();
                serverMajor = Integer.parseInt(rs.getString(1)) / 10000;
            }
        } catch (SQLException e) {
            throw databaseError(e);
        }
        Path dir = inst.filestore(target);
        boolean dirExists = Files.exists(dir);
        boolean replace = request.replace();
        String refused = null;
        Kind refusal = null;
        if (wantDb && source.dumpFormat().isEmpty()) {
            refused = source.describe() + " holds no database dump";
            refusal = Kind.BAD_INPUT;
        } else if (!replace && ((wantDb && dbExists) || (wantFiles && dirExists))) {
            refused = (wantDb && dbExists ? "database " + target : "filestore " + dir) + " already exists";
            refusal = Kind.CONFLICT;
        }
        if (refused == null && wantDb) {
            // the same check the restore makes before it changes anything: a dump from a newer pg_dump is refused
            try {
                RestoreEngine.checkDumpCompatibility(
                        source, serverMajor, tools.pgRestore().path());
            } catch (LifeboatException e) {
                refused = e.getMessage();
                refusal = e.kind();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RestoreResult.Plan(
                true,
                source.describe(),
                source.dumpFormat().map(f -> f.name().toLowerCase(Locale.ROOT)).orElse(null),
                target,
                mode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                asCopy,
                request.neutralize(),
                replace,
                replace && wantDb && dbExists ? target : null,
                replace && wantFiles && dirExists ? dir.toString() : null,
                refused,
                refusal);
    }

    // ------------------------------------------------------------------------------------ rollback

    /** Lists, swaps back in, or discards the rollback points of a database; or says what it would do. */
    public RollbackResult rollback(RollbackRequest request, Observer observer) {
        Reporting progress = new Reporting(observer == null ? Observer.none() : observer);
        String database = request.database();
        if (database == null) {
            throw new LifeboatException(
                    Kind.USAGE, "no database given", "Name the database: lifeboat rollback -d DATABASE.");
        }
        DatabaseNames.check(database, Kind.USAGE, "", null);
        OdooInstance inst = context.instance();
        Rollbacks rollbacks = Rollbacks.of(inst.dataDir());
        RollbackRequest.Action action = request.action();
        try {
            if (action == RollbackRequest.Action.LIST) {
                return new RollbackResult(action, false, database, points(rollbacks.list(database)));
            }
            if (request.dryRun()) {
                List<Rollbacks.Point> points = rollbacks.list(database);
                if (points.isEmpty()) {
                    throw new LifeboatException(
                            Kind.USAGE,
                            "no rollback point for " + database,
                            "Rollback points are created by 'lifeboat restore --replace'.");
                }
                List<Rollbacks.Point> chosen =
                        action == RollbackRequest.Action.DISCARD ? points : List.of(points.get(points.size() - 1));
                return new RollbackResult(action, true, database, points(chosen));
            }
            progress.checkCancelled();
            if (action == RollbackRequest.Action.DISCARD) {
                return new RollbackResult(
                        action, false, database, points(rollbacks.discard(inst.connection(), database)));
            }
            Rollbacks.Point point = rollbacks.rollback(inst.connection(), database);
            return new RollbackResult(action, false, database, points(List.of(point)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw databaseError(e);
        }
    }

    private static List<RollbackPoint> points(List<Rollbacks.Point> points) {
        return points.stream()
                .map(p -> new RollbackPoint(p.database(), p.filestore(), p.source(), p.createdAt()))
                .toList();
    }

    /** A database failure no engine explained; a connection that could not be opened keeps its own words. */
    static LifeboatException databaseError(SQLException e) {
        PgConnectException connect = PgConnectException.in(e);
        if (connect != null) {
            return new LifeboatException(Kind.ENVIRONMENT, connect.getMessage(), connect.hint(), e);
        }
        return new LifeboatException(Kind.ENVIRONMENT, "database error: " + e.getMessage(), null, e);
    }

    // ------------------------------------------------------------------------------ stream spool

    /**
     * A backup read from a stream (e.g. standard input), copied to {@code
     * <data_dir>/lifeboat/tmp/stdin-<pid>-<random>.partial} so it can be read like a file (a zip needs its
     * central directory, at the end). The copy streams; the file is recorded in a {@link RunLedger} so an
     * interruption (or {@code lifeboat cleanup} after a kill) removes it, and {@link #close()} removes it on
     * every other way out.
     */
    static final class Spool implements AutoCloseable {
        private static final String TO_FILE =
                "A backup restored from a file needs no copy: save it to a file and restore that.";

        private final Path path;
        private final String name;
        private final RunLedger ledger;

        private Spool(Path path, String name, RunLedger ledger) {
            this.path = path;
            this.name = name;
            this.ledger = ledger;
        }

        /** {@code <data_dir>/lifeboat/tmp}, made owner-only. */
        static Path tmpDir(Path dataDir) {
            return dataDir.resolve("lifeboat").resolve("tmp");
        }

        /** Copies {@code in} to end of stream into a new temporary file under {@code dataDir}. */
        static Spool copy(InputStream in, String name, Path dataDir, Progress progress) {
            Path dir = tmpDir(dataDir);
            Path file;
            RunLedger ledger;
            try {
                Files.createDirectories(dir.getParent());
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                long pid = ProcessHandle.current().pid();
                file = Files.createTempFile(dir, "stdin-" + pid + "-", ".partial");
                ledger = RunLedger.begin(dataDir, "stdin-" + pid + "-" + System.nanoTime(), "restore from " + name);
            } catch (IOException e) {
                String m = "cannot create a temporary file in " + dir + " to hold " + name + ": " + e.getMessage();
                throw new LifeboatException(Kind.ENVIRONMENT, m, "Check that the data_dir is writable. " + TO_FILE, e);
            }
            Spool spool = new Spool(file, name, ledger);
            try {
                ledger.addFile(file);
                progress.phase("reading " + name, -1, "bytes");
                byte[] buf = new byte[1 << 16];
                try (OutputStream out = Files.newOutputStream(file)) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        progress.advance(n);
                        ledger.checkCancelled();
                    }
                }
                return spool;
            } catch (IOException e) {
                spool.close();
                throw writeFailed(dir, name, e);
            } catch (RuntimeException e) {
                spool.close();
                throw e;
            }
        }

        private static LifeboatException writeFailed(Path dir, String name, IOException e) {
            long free = -1;
            try {
                free = Files.getFileStore(dir).getUsableSpace();
            } catch (IOException ignored) {
                // the message below says enough
            }
            boolean full = (e instanceof FileSystemException
                            && String.valueOf(e.getMessage()).contains("No space"))
                    || (free >= 0 && free < (1 << 20));
            String m = full
                    ? "no space left in " + dir + " to hold " + name
                    : "cannot copy " + name + " to " + dir + ": " + e.getMessage();
            String hint = full
                    ? "A backup read from " + name + " is first copied there: free space on that disk. " + TO_FILE
                    : TO_FILE;
            return new LifeboatException(Kind.ENVIRONMENT, m, hint, e);
        }

        /**
         * The copy opened as a backup file is (recognised by content), describing itself by the stream's
         * name; so do the errors opening it.
         */
        RestoreSource open() throws IOException {
            try {
                return DumpRestoreSource.open(path, name);
            } catch (LifeboatException e) {
                String m = e.getMessage();
                if (m == null || !m.contains(path.toString())) throw e;
                throw new LifeboatException(e.kind(), m.replace(path.toString(), name), e.hint(), e);
            }
        }

        /** Removes the temporary file and ends the ledger. */
        @Override
        public void close() {
            ledger.abort();
        }
    }
}
