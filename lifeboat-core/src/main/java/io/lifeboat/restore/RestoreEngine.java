package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.Filestores;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.ParallelPlainLoader;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Restores an Odoo instance from a {@link RestoreSource} without ever destroying current data first.
 *
 * <p>Everything is restored <em>aside</em>: into a temporary database and a temporary filestore
 * directory next to the target. The copy is then verified (base module installed, users present,
 * every referenced file present with the right SHA-1) and only then swapped in: connections to the
 * target are refused and terminated, the target database is renamed to a rollback name and the new
 * one to the target name in one transaction, and the filestore directories are renamed likewise. The
 * replaced database and filestore stay as a rollback point ({@link Rollbacks}).
 *
 * <p>A failure before the swap drops the temporary database and removes the temporary directory: the
 * target is untouched and nothing half-restored remains.
 *
 * <p>A dump is untrusted input: its SQL (plain script or custom-format TOC) and the code it defines
 * (functions called by indexes, constraints, triggers, views) run during the load. It is therefore
 * loaded, neutralized and verified in sessions of a throw-away login role ({@link RestoreRole}) that
 * owns nothing but the temporary database: it can neither reach the other databases of the Odoo role
 * nor change roles. After verification everything it owns is handed to the owner ({@link
 * Options#owner()}) and the role is dropped. The connecting role needs CREATEDB and CREATEROLE for
 * this; {@link Options#trustedDump()} loads as the connecting role instead. A superuser connection is
 * refused unless {@link Options#allowSuperuser()} is set. Plain dumps never reach {@code psql}: only
 * what pg_dump writes is accepted, and Lifeboat's own loader ({@link ParallelPlainLoader}) runs it over
 * the PostgreSQL protocol, where psql's meta-commands mean nothing.
 */
public final class RestoreEngine {

    /** What to restore. */
    /**
     * Refuses a dump the target server or its pg_restore cannot take (a newer pg_dump), before anything is
     * changed; the restore makes the same check, and a dry run reports it.
     */
    public static void checkDumpCompatibility(RestoreSource source, int serverMajor, Path pgRestore)
            throws IOException {
        DumpCompatibility.check(source, serverMajor, pgRestore);
    }

    public enum Mode {
        FULL,
        DB_ONLY,
        FILESTORE_ONLY
    }

    /**
     * @param target database name to restore to
     * @param copy whether to give the copy its own identity; null: when the target differs from the
     *     manifest's db_name (or there is no manifest)
     * @param jobs parallel jobs (pg_restore jobs for custom/directory dumps; filestore workers)
     * @param replace allow replacing an existing database/filestore (restored aside, then swapped)
     * @param strict fail when verification finds missing or corrupt files
     * @param trustedDump load the dump as the connecting role instead of a throw-away role (see the class
     *     documentation); only for backups the user trusts
     * @param owner role that owns the restored database; null: the owner of the database being replaced,
     *     else the connecting role
     */
    public record Options(
            String target,
            Mode mode,
            Boolean copy,
            boolean neutralize,
            int jobs,
            boolean replace,
            boolean strict,
            boolean allowSuperuser,
            boolean trustedDump,
            String owner) {

        /** Isolated load, owner chosen as documented. */
        public Options(
                String target,
                Mode mode,
                Boolean copy,
                boolean neutralize,
                int jobs,
                boolean replace,
                boolean strict,
                boolean allowSuperuser) {
            this(target, mode, copy, neutralize, jobs, replace, strict, allowSuperuser, false, null);
        }

        public Options withJobs(int n) {
            return new Options(target, mode, copy, neutralize, n, replace, strict, allowSuperuser, trustedDump, owner);
        }

        public Options withTrustedDump(boolean trusted) {
            return new Options(target, mode, copy, neutralize, jobs, replace, strict, allowSuperuser, trusted, owner);
        }

        public Options withOwner(String role) {
            return new Options(
                    target, mode, copy, neutralize, jobs, replace, strict, allowSuperuser, trustedDump, role);
        }
    }

    /** Where to restore: the server (as the connecting role), the Odoo data_dir, and pg_restore. */
    public record Target(PgConnection connection, Path dataDir, Path pgRestore) {

        /** A target using the pg_restore that {@code tools} found. */
        public static Target of(PgConnection connection, Path dataDir, io.lifeboat.postgres.PgTools tools) {
            return new Target(connection, dataDir, tools.pgRestore().path());
        }

        /** {@code <data_dir>/filestore/<db>}. */
        public Path filestore(String db) {
            return Filestores.directory(dataDir, db);
        }
    }

    private final Target target;
    private final Options options;
    private final Progress progress;
    private final RestoreReport report = new RestoreReport();
    private Path odooBin;
    private Path odooConfig;
    /** With {@link #filesInto}: the bucket the files go to, its layout and bucket name. */
    private Filestore bucketFiles;

    private AttachmentLayout bucketLayout;
    private String bucketName;
    /** The role the dump is loaded, neutralized and verified as (the restore role, or the connecting one). */
    private PgConnection loadAs;
    /** What this run made and has not committed yet. */
    private RunLedger ledger;

    public RestoreEngine(Target target, Options options, Progress progress) {
        this.target = target;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Delegates neutralization to {@code odoo-bin neutralize} (Odoo 16+), which runs the {@code
     * neutralize.sql} of every installed module, instead of Lifeboat's own steps. {@code config} (may be
     * null) is passed with {@code -c}; the connection is passed as flags and {@code PGPASSWORD}.
     */
    public RestoreEngine neutralizeWith(Path odooBinPath, Path config) {
        this.odooBin = odooBinPath;
        this.odooConfig = config;
        return this;
    }

    /**
     * Restores the files into a bucket filestore instead of the data_dir: content-addressed objects are only
     * ever added (never replaced), so nothing is restored aside or swapped there. The restored rows are
     * normalized to {@code xx/<sha1>}, verified against the bucket, and written in {@code layout}'s form.
     * A restore under another name than the backup's database (a copy) is refused before any file is written
     * when the backup's rows name {@code bucketName}: a copy never writes into its source's bucket. Only for a
     * full restore.
     */
    public RestoreEngine filesInto(Filestore bucket, AttachmentLayout layout, String bucketName) {
        this.bucketFiles = bucket;
        this.bucketLayout = layout;
        this.bucketName = bucketName;
        return this;
    }

    /** Runs the restore; see the class documentation for what happens on failure. */
    public RestoreReport run(RestoreSource source) {
        long start = System.nanoTime();
        String name = options.target();
        validateName(name);
        report.source = source.describe();
        report.target = name;
        report.mode = options.mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
        boolean wantDb = options.mode() != Mode.FILESTORE_ONLY;
        boolean wantFiles = options.mode() != Mode.DB_ONLY;
        if (wantDb && source.dumpFormat().isEmpty()) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    source.describe() + " holds no database dump",
                    "Restore with --filestore-only, or choose a source with a dump.");
        }
        report.dumpFormat =
                source.dumpFormat().map(f -> f.name().toLowerCase(Locale.ROOT)).orElse(null);
        String sourceDb =
                source.manifest().map(m -> m.path("db_name").asText(null)).orElse(null);
        report.copy = options.copy() != null ? options.copy() : sourceDb == null || !sourceDb.equals(name);

        try (Admin admin = new Admin(target.connection())) {
            boolean isolate = wantDb && !options.trustedDump();
            Admin.RoleInfo me = admin.checkRole(options.allowSuperuser(), isolate);
            if (wantDb) DumpCompatibility.check(source, admin.serverMajor(), target.pgRestore());
            boolean dbExists = admin.exists(name);
            String owner =
                    options.owner() != null ? options.owner() : wantDb && dbExists ? admin.owner(name) : me.name();
            if (wantDb && !owner.equals(me.name()) && !me.superuser() && !admin.canActAs(owner)) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        "role " + me.name() + " cannot give the restored database to role " + owner,
                        "Grant it membership once (GRANT " + Admin.q(owner) + " TO " + Admin.q(me.name())
                                + "), or name another owner with --owner.");
            }
            if (!wantDb && !dbExists) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "database " + name
                                + " does not exist: a filestore restored without its database would be an orphan",
                        "Restore the whole backup (without --filestore-only), or name the database the filestore belongs to with -d.");
            }
            report.owner = wantDb ? owner : null;
            Path finalDir = target.filestore(name);
            boolean toBucket = bucketFiles != null;
            if (toBucket && options.mode() != Mode.FULL) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "a restore into a bucket restores the database and its files together",
                        "Restore the whole backup with --bucket, or restore without --bucket.");
            }
            boolean dirExists = !toBucket && Files.exists(finalDir);
            if (!options.replace() && ((wantDb && dbExists) || (wantFiles && dirExists))) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        (wantDb && dbExists ? "database " + name : "filestore " + finalDir) + " already exists",
                        "Restore under another name, or pass --replace to restore aside and swap, keeping the current data as a rollback point.");
            }
            Leftovers.removeDead(admin, target.dataDir(), progress);
            String suffix = randomSuffix();
            String tmpName = shorten(name, "_lbnew_" + suffix);
            Path tmpDir = target.filestore(tmpName);
            boolean swapped = false;
            RestoreRole role = null;
            ledger = RunLedger.begin(target.dataDir(), "restore-" + suffix, "restore " + name);
            RunLedger.Resource roleRes = RunLedger.Resource.role(RestoreRole.PREFIX + suffix);
            RunLedger.Resource dbRes = RunLedger.Resource.database(tmpName);
            RunLedger.Resource dirRes = RunLedger.Resource.directory(tmpDir);
            try {
                if (isolate) {
                    ledger.add(roleRes, () -> withAdmin(a -> a.dropRoleQuietly(roleRes.name())));
                    role = RestoreRole.create(admin, target.connection(), suffix);
                    loadAs = role.connection();
                    report.isolated = true;
                } else {
                    loadAs = target.connection();
                }
                if (wantDb) {
                    ledger.add(dbRes, () -> withAdmin(a -> a.dropQuietly(tmpName)));
                    admin.createDatabase(tmpName, isolate ? role.name() : owner, loadAs);
                }
                if (wantFiles && !toBucket) ledger.add(dirRes, () -> Trees.remove(tmpDir));
                ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "lifeboat-restore");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    Future<?> files = wantFiles && !toBucket
                            ? pool.submit(() -> {
                                long t0 = System.nanoTime();
                                Files.createDirectories(tmpDir);
                                Filestore into = new LocalFilestore(tmpDir).withDeferredSync();
                                new FilestoreExtraction(source, into, options.jobs(), ledger, progress, report).run();
                                // write the files out while the load goes on: the sync before the swap then
                                // has little left to do
                                Trees.sync(tmpDir);
                                report.filestoreMillis = (System.nanoTime() - t0) / 1_000_000;
                                return null;
                            })
                            : null;
                    if (wantDb) {
                        long t0 = System.nanoTime();
                        database().load(source, tmpName);
                        report.loadMillis = (System.nanoTime() - t0) / 1_000_000;
                    }
                    if (files != null) await(files);
                } finally {
                    pool.shutdownNow();
                }
                String verifyDb = wantDb ? tmpName : (dbExists ? name : null);
                if (wantDb) database().finish(tmpName);
                if (toBucket) {
                    BucketRows.normalize(loadAs, tmpName, bucketName, report.copy);
                    long t0 = System.nanoTime();
                    new FilestoreExtraction(source, bucketFiles, options.jobs(), ledger, progress, report).run();
                    report.filestoreMillis = (System.nanoTime() - t0) / 1_000_000;
                }
                // a database-only restore next to no filestore at all: nothing to compare the files with
                Path checkFiles = toBucket ? null : wantFiles ? tmpDir : Files.isDirectory(finalDir) ? finalDir : null;
                if (checkFiles == null && !toBucket) {
                    report.verification.filesChecked = false;
                    report.notes.add("referenced files not checked: " + finalDir
                            + " does not exist (database-only restore); restore the filestore with --filestore-only");
                }
                Verifier verifier = new Verifier(report, progress);
                if (verifyDb != null) {
                    verifier.verify(
                            wantDb ? loadAs : target.connection(),
                            verifyDb,
                            toBucket ? bucketFiles : checkFiles == null ? null : new LocalFilestore(checkFiles),
                            wantDb);
                }
                verifier.failIfUnsafe(options.strict());
                if (toBucket) BucketRows.write(loadAs, tmpName, bucketLayout);
                if (role != null) {
                    admin.handOver(tmpName, role.name(), owner);
                    role.drop(admin);
                    ledger.release(roleRes);
                    role = null;
                } else if (wantDb && !owner.equals(me.name())) {
                    admin.handOver(tmpName, me.name(), owner);
                }
                if (wantFiles && !toBucket) Trees.sync(tmpDir);
                progress.checkCancelled(); // the last safe point: after it the verified copy is swapped in
                String rollbackName = Rollbacks.asideName(name);
                synchronized (ledger) { // an interruption waits for the swap, or comes before it
                    ledger.checkCancelled();
                    Rollbacks.Point point = Swap.withRollbackPoint(
                            admin,
                            target.dataDir(),
                            report.source,
                            new Swap.Plan(
                                    name,
                                    wantDb ? tmpName : null,
                                    wantDb && dbExists,
                                    rollbackName,
                                    finalDir,
                                    wantFiles && !toBucket ? tmpDir : null,
                                    dirExists,
                                    target.filestore(rollbackName)));
                    report.rollbackDatabase = point.database();
                    report.rollbackFilestore = point.filestore();
                    ledger.release(dbRes);
                    ledger.release(dirRes);
                }
                swapped = true;
            } finally {
                if (!swapped) {
                    if (!wantDb || admin.dropQuietly(tmpName)) ledger.release(dbRes);
                    if (Trees.remove(tmpDir)) ledger.release(dirRes);
                }
                if (role != null && admin.dropRoleQuietly(role.name())) ledger.release(roleRes);
                ledger.close();
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "database error: " + e.getMessage(),
                    "Check that the role can connect to the 'postgres' database and has CREATEDB.",
                    e);
        } catch (IOException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "restore failed: "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()),
                    null,
                    e);
        }
        report.totalMillis = (System.nanoTime() - start) / 1_000_000;
        return report;
    }

    /** Refuses names Odoo would refuse (and so anything that is not a plain identifier). */
    public static void validateName(String name) {
        io.lifeboat.odoo.DatabaseNames.check(name, Kind.USAGE, "", null);
    }

    private DatabaseLoad database() {
        return new DatabaseLoad(target, options, loadAs, progress, report, odooBin, odooConfig);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code base + suffix}, cutting {@code base} so the result fits PostgreSQL's 63-byte limit. */
    static String shorten(String base, String suffix) {
        int max = 63 - suffix.length();
        return (base.length() > max ? base.substring(0, max) : base) + suffix;
    }

    static String randomSuffix() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Runs an action with a new maintenance connection (for undoing from another thread); throws if it fails. */
    private void withAdmin(java.util.function.Predicate<Admin> action) {
        try (Admin a = new Admin(target.connection())) {
            if (!action.test(a)) throw new IllegalStateException("could not undo");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c);
        }
    }
}
