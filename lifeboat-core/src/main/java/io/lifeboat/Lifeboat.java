package io.lifeboat;

import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.api.RollbackRequest;
import io.lifeboat.api.RollbackResult;
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

    // (end of backups)

    // ---------------------------------------------------------------------------------------------
    // Restores: restore from a zip, a dump, a directory dump or a snapshot; rollback.
    // ---------------------------------------------------------------------------------------------

    /**
     * Restores a backup (a zip, a dump file or directory, a repository snapshot, or a stream) into a new
     * database, or over an existing one keeping it as a rollback point; with {@link
     * RestoreRequest#dryRun()}, only says what it would do. Everything is restored aside and verified before
     * it takes the target's name: a failure or a cancellation leaves no temporary database, role, filestore
     * directory or spooled file behind.
     */
    public RestoreResult restore(RestoreRequest request, Observer observer) {
        return restores.restore(request, observer);
    }

    /** Swaps the newest rollback point of a database back in, lists its rollback points, or discards them. */
    public RollbackResult rollback(RollbackRequest request, Observer observer) {
        return restores.rollback(request, observer);
    }

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
