package io.lifeboat;

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
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.usecase.Backups;
import io.lifeboat.usecase.Context;
import io.lifeboat.usecase.Integrity;
import io.lifeboat.usecase.Restores;
import io.lifeboat.usecase.Snapshots;
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
