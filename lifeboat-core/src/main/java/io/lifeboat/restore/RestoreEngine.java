package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.ParallelPlainLoader;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PlainDumpFilter;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

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

        public Path filestore(String db) {
            return dataDir.resolve("filestore").resolve(db);
        }
    }

    private final Target target;
    private final Options options;
    private final Progress progress;
    private final RestoreReport report = new RestoreReport();
    private Path odooBin;
    private Path odooConfig;
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
            boolean dirExists = Files.exists(finalDir);
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
                if (wantFiles) ledger.add(dirRes, () -> removeTree(tmpDir));
                ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "lifeboat-restore");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    Future<?> files = wantFiles
                            ? pool.submit(() -> {
                                long t0 = System.nanoTime();
                                extractFilestore(source, tmpDir);
                                report.filestoreMillis = (System.nanoTime() - t0) / 1_000_000;
                                return null;
                            })
                            : null;
                    if (wantDb) {
                        long t0 = System.nanoTime();
                        loadDump(source, tmpName);
                        report.loadMillis = (System.nanoTime() - t0) / 1_000_000;
                    }
                    if (files != null) await(files);
                } finally {
                    pool.shutdownNow();
                }
                String verifyDb = wantDb ? tmpName : (dbExists ? name : null);
                if (wantDb) finishDatabase(tmpName);
                // a database-only restore next to no filestore at all: nothing to compare the files with
                Path checkFiles = wantFiles ? tmpDir : Files.isDirectory(finalDir) ? finalDir : null;
                if (checkFiles == null) {
                    report.verification.filesChecked = false;
                    report.notes.add("referenced files not checked: " + finalDir
                            + " does not exist (database-only restore); restore the filestore with --filestore-only");
                }
                if (verifyDb != null) verify(verifyDb, checkFiles, wantDb);
                failIfUnsafe();
                if (role != null) {
                    admin.handOver(tmpName, role.name(), owner);
                    role.drop(admin);
                    ledger.release(roleRes);
                    role = null;
                } else if (wantDb && !owner.equals(me.name())) {
                    admin.handOver(tmpName, me.name(), owner);
                }
                if (wantFiles) syncTree(tmpDir);
                String rollbackName = Rollbacks.asideName(name);
                synchronized (ledger) { // an interruption waits for the swap, or comes before it
                    ledger.checkCancelled();
                    swap(
                            admin,
                            name,
                            tmpName,
                            wantDb,
                            wantDb && dbExists,
                            wantFiles,
                            tmpDir,
                            finalDir,
                            rollbackName,
                            dirExists);
                    ledger.release(dbRes);
                    ledger.release(dirRes);
                }
                swapped = true;
            } finally {
                if (!swapped) {
                    if (!wantDb || admin.dropQuietly(tmpName)) ledger.release(dbRes);
                    if (removeTree(tmpDir)) ledger.release(dirRes);
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

    // ---------------------------------------------------------------- database

    private void loadDump(RestoreSource source, String db) throws IOException {
        DumpFormat format = source.dumpFormat().orElseThrow();
        boolean streamed = format == DumpFormat.PLAIN || (format == DumpFormat.CUSTOM && options.jobs() <= 1);
        if (streamed) progress.phase("load database", source.dumpSize().orElse(-1), "bytes");
        else progress.phase("load database", -1, "");
        var env = loadAs.env(db);
        if (format == DumpFormat.PLAIN) {
            if (!writtenByPgDump(source)) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "the plain SQL dump was not written by pg_dump (it does not start with pg_dump's header)",
                        "Lifeboat loads only pg_dump's output, never arbitrary SQL scripts; restore a pg_dump"
                                + " dump (plain, custom or directory format) or an Odoo backup zip.");
            }
            try (InputStream dump = new PlainDumpFilter(source.openDump())) {
                new ParallelPlainLoader(loadAs, db, Math.max(1, options.jobs()), progress).load(dump);
            } catch (SQLException e) {
                throw new LifeboatException(
                        Kind.BAD_INPUT, "loading the dump failed: " + e.getMessage(), "The target was not changed.", e);
            } catch (UncheckedIOException e) {
                throw unwrap(e);
            }
            return;
        }
        List<String> cmd =
                new ArrayList<>(List.of(target.pgRestore().toString(), "--no-owner", "--exit-on-error", "-d", db));
        int jobs = Math.max(1, options.jobs());
        Path scratch = null;
        try {
            if (jobs > 1 || format == DumpFormat.DIRECTORY) {
                scratch = Files.createDirectories(
                                target.dataDir().resolve("lifeboat").resolve("tmp"))
                        .resolve("restore-" + randomSuffix());
                Files.createDirectories(scratch);
                Path path = source.dumpPath(scratch);
                if (jobs > 1) cmd.add("--jobs=" + jobs);
                cmd.add(path.toString());
                ProcessRunner.command(cmd)
                        .env(env)
                        .failureKind(Kind.BAD_INPUT)
                        .hint("pg_restore stopped at the first error; the target was not changed.")
                        .run();
            } else {
                try (InputStream dump = new ProgressInputStream(source.openDump(), progress)) {
                    ProcessRunner.command(cmd)
                            .env(env)
                            .stdin(dump)
                            .failureKind(Kind.BAD_INPUT)
                            .hint("pg_restore stopped at the first error; the target was not changed.")
                            .run();
                }
            }
        } finally {
            if (scratch != null) deleteTreeQuietly(scratch);
        }
    }

    /** Copy identity and neutralization, in one transaction on the new database. */
    private void finishDatabase(String db) throws SQLException {
        try (Connection c = loadAs.open(db)) {
            c.setAutoCommit(false);
            if (!tableExists(c, "ir_config_parameter")) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "the restored database is not an Odoo database (no ir_config_parameter table)",
                        "Check that the archive is an Odoo backup.");
            }
            if (report.copy) report.newDatabaseUuid = CopyIdentity.apply(c);
            if (options.neutralize() && odooBin == null) {
                report.neutralization = Neutralizer.apply(c);
                report.neutralized = true;
            }
            c.commit();
        }
        if (options.neutralize() && odooBin != null) {
            List<String> cmd = new ArrayList<>(List.of(odooBin.toString(), "neutralize", "-d", db));
            if (odooConfig != null) cmd.addAll(List.of("-c", odooConfig.toString()));
            PgConnection pg = loadAs;
            if (pg.host() != null) cmd.addAll(List.of("--db_host", pg.host()));
            if (pg.port() != null) cmd.addAll(List.of("--db_port", Integer.toString(pg.port())));
            if (pg.user() != null) cmd.addAll(List.of("--db_user", pg.user()));
            ProcessRunner.command(cmd)
                    .env(pg.env(db))
                    .hint(
                            "Check that odoo-bin runs (Odoo 16 or newer) or restore without --odoo-bin to use Lifeboat's neutralization.")
                    .run();
            report.neutralization = List.of("odoo-bin neutralize: the neutralize.sql of every installed module");
            report.neutralized = true;
        }
    }

    // ---------------------------------------------------------------- filestore

    private void extractFilestore(RestoreSource source, Path dir) throws IOException {
        List<RestoreSource.FileRef> files = source.files();
        Files.createDirectories(dir);
        progress.phase("restore filestore", files.size(), "files");
        int workers = Math.max(1, Math.min(options.jobs(), 4));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "lifeboat-filestore");
            t.setDaemon(true);
            return t;
        });
        AtomicLong bytes = new AtomicLong();
        AtomicLong count = new AtomicLong();
        List<Future<?>> results = new ArrayList<>();
        try {
            int chunk = Math.max(1, files.size() / (workers * 8) + 1);
            for (int i = 0; i < files.size(); i += chunk) {
                List<RestoreSource.FileRef> part = files.subList(i, Math.min(files.size(), i + chunk));
                results.add(pool.submit(() -> {
                    for (RestoreSource.FileRef f : part) {
                        if (place(source, f, dir)) {
                            bytes.addAndGet(f.size());
                            count.incrementAndGet();
                        }
                        progress.advance(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) await(f);
        } finally {
            pool.shutdownNow();
        }
        report.files = count.get();
        report.fileBytes = bytes.get();
    }

    /** Writes one file under a temporary name, checks its SHA-1, then renames it into place. */
    private boolean place(RestoreSource source, RestoreSource.FileRef f, Path dir) throws IOException {
        ledger.checkCancelled();
        StoreFname name = StoreFname.parse(f.relative())
                .orElseThrow(() ->
                        new LifeboatException(Kind.BAD_INPUT, "unsafe filestore name in source: " + f.relative()));
        Path dest = dir.resolve(name.relative());
        Path parent = Files.createDirectories(dest.getParent());
        Path tmp = parent.resolve("." + name.sha1() + ".tmp");
        MessageDigest sha1 = sha1();
        try (InputStream in = source.open(f);
                OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha1)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String actual = HexFormat.of().formatHex(sha1.digest());
        if (!actual.equals(name.sha1())) {
            Files.deleteIfExists(tmp);
            synchronized (report) {
                report.verification.corruptFiles++;
                warn("file in source does not match its name, not restored: " + name.relative());
            }
            return false;
        }
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    // ---------------------------------------------------------------- verification

    private void verify(String db, Path filestore, boolean restoredDb) throws SQLException {
        progress.phase("verify", -1, "");
        RestoreReport.Verification v = report.verification;
        try (Connection c = (restoredDb ? loadAs : target.connection()).open(db)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            if (tableExists(c, "ir_module_module")) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT state FROM ir_module_module WHERE name = 'base'")) {
                    v.baseInstalled = rs.next() && "installed".equals(rs.getString(1));
                }
            }
            if (tableExists(c, "res_users")) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM res_users")) {
                    rs.next();
                    v.users = rs.getLong(1);
                }
            }
            if (restoredDb && (!v.baseInstalled || v.users == 0)) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "restored database failed verification: "
                                + (!v.baseInstalled ? "module base is not installed" : "it has no users"),
                        "The backup is not a complete Odoo database; the target was not changed.");
            }
            if (filestore == null || !tableExists(c, "ir_attachment")) return;
            List<String> missing = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                st.setFetchSize(5000);
                try (ResultSet rs = st.executeQuery(
                        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                    while (rs.next()) {
                        String s = rs.getString(1);
                        v.referencedFiles++;
                        var parsed = StoreFname.parse(s);
                        if (parsed.isPresent()
                                && Files.isRegularFile(
                                        filestore.resolve(parsed.get().relative()))) {
                            v.presentFiles++;
                        } else {
                            v.missingFiles++;
                            if (missing.size() < 1000) missing.add(s);
                        }
                    }
                }
            }
            v.missing = missing;
            if (!missing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM ir_attachment WHERE store_fname = ANY(?) ORDER BY id LIMIT 1000")) {
                    ps.setArray(1, c.createArrayOf("text", missing.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) v.missingAttachmentIds.add(rs.getLong(1));
                    }
                }
                warn(v.missingFiles + " referenced files are missing from the restored filestore (attachment ids "
                        + v.missingAttachmentIds + ")");
            }
            c.rollback();
        }
    }

    private void failIfUnsafe() {
        RestoreReport.Verification v = report.verification;
        if (options.strict() && (v.missingFiles > 0 || v.corruptFiles > 0)) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "verification failed: " + v.missingFiles + " referenced files missing, " + v.corruptFiles
                            + " corrupt",
                    "The target was not changed. Restore without --strict to accept the backup as it is, then repair with 'lifeboat repair'.");
        }
    }

    // ---------------------------------------------------------------- swap

    private void swap(
            Admin admin,
            String name,
            String tmpName,
            boolean wantDb,
            boolean dbExists,
            boolean wantFiles,
            Path tmpDir,
            Path finalDir,
            String rollbackName,
            boolean dirExists)
            throws SQLException, IOException {
        Rollbacks.Point point = new Rollbacks.Point(
                wantDb && dbExists ? rollbackName : null,
                wantFiles && dirExists ? target.filestore(rollbackName).toString() : null,
                report.source,
                java.time.Instant.now().toString());
        if (point.database() != null || point.filestore() != null) {
            Rollbacks.of(target.dataDir()).add(name, point); // recorded first: a crash mid-swap stays explainable
        }
        if (wantDb) admin.swapDatabases(name, tmpName, dbExists ? rollbackName : null);
        try {
            if (wantFiles) {
                if (dirExists) Files.move(finalDir, target.filestore(rollbackName), StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmpDir, finalDir, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            // put the databases back as they were so database and filestore stay one unit
            if (wantDb) {
                admin.swapDatabases(tmpName, name, null);
                if (dbExists) admin.swapDatabases(name, rollbackName, null);
            }
            if (wantFiles && dirExists && !Files.exists(finalDir) && Files.exists(target.filestore(rollbackName))) {
                Files.move(target.filestore(rollbackName), finalDir, StandardCopyOption.ATOMIC_MOVE);
            }
            Rollbacks.of(target.dataDir()).removeLatest(name);
            throw e;
        }
        report.rollbackDatabase = point.database();
        report.rollbackFilestore = point.filestore();
    }

    // ---------------------------------------------------------------- helpers

    private void warn(String message) {
        report.warnings.add(message);
        progress.warn(message);
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** {@code base + suffix}, cutting {@code base} so the result fits PostgreSQL's 63-byte limit. */
    static String shorten(String base, String suffix) {
        int max = 63 - suffix.length();
        return (base.length() > max ? base.substring(0, max) : base) + suffix;
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flushes the new files to disk before they become the live filestore. */
    private static void syncTree(Path dir) {
        try {
            ProcessRunner.command("sync", "-f", dir.toString()).checkExit(false).run();
        } catch (LifeboatException e) {
            // sync(1) missing: the rename order still keeps readers consistent
        }
    }

    /** Runs an action with a new maintenance connection (for undoing from another thread); throws if it fails. */
    private void withAdmin(java.util.function.Predicate<Admin> action) {
        try (Admin a = new Admin(target.connection())) {
            if (!action.test(a)) throw new IllegalStateException("could not undo");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes a temporary directory; tries again while workers that have not seen the cancellation yet may
     * still create entries in it. True when it is gone.
     */
    static boolean removeTree(Path dir) {
        for (int i = 0; i < 5 && Files.exists(dir); i++) {
            deleteTreeQuietly(dir);
            if (Files.exists(dir)) Thread.onSpinWait();
        }
        return !Files.exists(dir);
    }

    static void deleteTreeQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the directory name marks it as temporary
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private static void await(Future<?> f) throws IOException {
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

    /**
     * Whether a plain dump starts the way pg_dump writes it; Lifeboat's loader relies on pg_dump's entry
     * headers and loads nothing else.
     */
    static boolean writtenByPgDump(RestoreSource source) throws IOException {
        try (InputStream in = source.openDump()) {
            String head = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            return head.startsWith("--\n-- PostgreSQL database dump\n");
        }
    }

    /** The Lifeboat error that made reading the source fail, if that is what happened. */
    static RuntimeException unwrap(UncheckedIOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LifeboatException le) return le;
        }
        return e;
    }

    /** Reports bytes read as progress. */
    static final class ProgressInputStream extends java.io.FilterInputStream {
        private final Progress progress;

        ProgressInputStream(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) progress.advance(n);
            return n;
        }
    }
}
