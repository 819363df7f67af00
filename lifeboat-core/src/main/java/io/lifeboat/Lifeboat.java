package io.lifeboat;

import io.lifeboat.api.BackupAllRequest;
import io.lifeboat.api.BackupAllResult;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.CleanupResult;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.DatabasesResult;
import io.lifeboat.api.DemoRequest;
import io.lifeboat.api.DemoResult;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RepairRequest;
import io.lifeboat.api.RepairResult;
import io.lifeboat.api.RepairUnquarantineRequest;
import io.lifeboat.api.RepairUnquarantineResult;
import io.lifeboat.usecase.Backups;
import io.lifeboat.usecase.Context;
import io.lifeboat.usecase.Integrity;
import io.lifeboat.usecase.Restores;
import io.lifeboat.usecase.Snapshots;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lifeboat as a library: one object opened from one immutable {@link LifeboatSettings}, with one method
 * per use case. Each method takes an immutable request record and an {@link io.lifeboat.api.Observer}
 * (progress events, cancellation) and returns an immutable result record of {@link io.lifeboat.api};
 * failures are {@link LifeboatException}s whose {@link LifeboatException.Kind} front ends map to exit
 * codes or HTTP statuses. The CLI and the server are thin adapters over this class.
 *
 * <p>The facade owns its worker threads and shuts them down on {@link #close()}. It is thread-safe: a
 * server may run several operations at once on one instance.
 */
public final class Lifeboat implements AutoCloseable {
    private final LifeboatSettings settings;
    private final ExecutorService pool;
    private final Context context;
    private final Backups backups;
    private final Restores restores;
    private final Integrity integrity;
    private final Snapshots snapshots;

    private Lifeboat(LifeboatSettings settings) {
        this.settings = settings;
        int threads = settings.threads() > 0
                ? settings.threads()
                : Runtime.getRuntime().availableProcessors();
        this.pool = Executors.newFixedThreadPool(threads, daemonThreads());
        this.context = new Context(settings, pool);
        this.backups = new Backups(context);
        this.restores = new Restores(context);
        this.integrity = new Integrity(context);
        this.snapshots = new Snapshots(context);
    }

    /** Opens a facade; nothing is connected until a use case needs it. */
    public static Lifeboat open(LifeboatSettings settings) {
        return new Lifeboat(settings);
    }

    public LifeboatSettings settings() {
        return settings;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "lifeboat-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Backups: backup to a zip, a dump or a repository; databases; cleanup of leftovers.
    // ---------------------------------------------------------------------------------------------

    /**
     * Backs up one database: to an Odoo zip or a pg_dump custom-format file (or a stream), or to a
     * snapshot in the repository of the settings (a writer key suffices).
     *
     * @throws LifeboatException {@code CONFLICT} when the output file exists, {@code INTEGRITY} when a
     *     strict backup finds a referenced file missing or corrupt, {@code CANCELLED} when cancelled; a
     *     failed backup leaves no file and no snapshot behind
     */
    public BackupResult backup(BackupRequest request, Observer observer) {
        return backups.backup(request, observer);
    }

    /**
     * Backs up every Odoo database of the instance into a directory, one file each; a failed backup
     * is reported in the result and the others go on. A cancellation stops them all.
     */
    public BackupAllResult backupAll(BackupAllRequest request, Observer observer) {
        return backups.backupAll(request, observer);
    }

    /** The Odoo databases of the instance as Odoo lists them (list_db, db_name, dbfilter). */
    public DatabasesResult databases(DatabasesRequest request, Observer observer) {
        return backups.databases(request, observer);
    }

    /**
     * Lists what interrupted or killed runs left behind (temporary databases, restore roles, temporary
     * filestore directories, partial files) and removes those of runs known to be gone.
     */
    public CleanupResult cleanup(CleanupRequest request, Observer observer) {
        return backups.cleanup(request, observer);
    }

    /**
     * The whole cycle with no Odoo at hand, on a throwaway PostgreSQL (the newest one installed): creates
     * a synthetic Odoo-like database, backs it up to a zip, restores the zip as a neutralized copy and
     * verifies it. Needs no instance or repository settings; pg_dump and pg_restore are looked for on the
     * {@code PATH} of the settings' environment too.
     */
    public DemoResult createDemo(DemoRequest request, Observer observer) {
        return backups.demo(request, observer);
    }

    /** This machine's name: the instance a snapshot is labelled with when a request names none. */
    public static String machineName() {
        return Backups.machineName();
    }

    // (end of backups)

    // ---------------------------------------------------------------------------------------------
    // Restores: restore from a zip, a dump, a directory dump or a snapshot; rollback.
    // ---------------------------------------------------------------------------------------------

    // (end of restores)

    // ---------------------------------------------------------------------------------------------
    // Integrity: check, repair (plan, apply, quarantine).
    // ---------------------------------------------------------------------------------------------

    /**
     * Compares a database's {@code ir_attachment} rows with its filestore, read-only: files missing,
     * orphans, corrupt content (deep), sizes and checksums that disagree, unsafe {@code store_fname}
     * values. Writes nothing to the database or the filestore (only {@link CheckRequest#metricsFile()}
     * when asked).
     *
     * @throws LifeboatException when the check cannot run (the filestore directory is missing while
     *     rows reference files, the database cannot be read, cancelled)
     */
    public CheckResult check(CheckRequest request, Observer observer) {
        return integrity.check(request, observer);
    }

    /** Writes a check's findings as CSV (RFC 4180, a header row, one finding per line) to {@code out}. */
    public void writeFindingsCsv(List<CheckFinding> findings, Writer out) throws IOException {
        Integrity.writeCsv(findings, out);
    }

    /**
     * Restores the filestore files a database references but lacks, from Odoo zips, directories or the
     * repository's snapshots: a fast check, the plan, and — with {@link RepairRequest#apply()} — the
     * files placed (never overwriting, verified by SHA-1, in re-checked batches), orphans quarantined
     * when asked, and a check after. Nothing is ever deleted.
     */
    public RepairResult repair(RepairRequest request, Observer observer) {
        return integrity.repair(request, observer);
    }

    /** Moves the files a quarantine's manifest lists back into the filestore, never overwriting. */
    public RepairUnquarantineResult unquarantine(RepairUnquarantineRequest request, Observer observer) {
        return integrity.unquarantine(request, observer);
    }

    // (end of integrity)

    // ---------------------------------------------------------------------------------------------
    // Repository: snapshots, forget, prune, verify, export, import, stats, init, keys, unlock.
    // ---------------------------------------------------------------------------------------------

    // (end of repository)

    /** Stops the worker threads; running operations are expected to have returned. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
