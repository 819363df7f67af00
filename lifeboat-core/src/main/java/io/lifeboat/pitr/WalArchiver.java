package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.api.Cancellation;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.WalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The resident half of asynchronous WAL archiving: empties the spool that {@code lifeboat-wal-spool}
 * (PostgreSQL's {@code archive_command}) fills, pushing every file into the repository and deleting
 * it from the spool only once the repository holds it durably. A file the repository refuses (a
 * different content under its name, a segment of another cluster) moves to {@code rejected/} and
 * is counted as an alarm; nothing is ever dropped. Storage failures leave files in the spool and are
 * retried. After every pass it writes Prometheus metrics (textfile collector format).
 *
 * <p>Spool layout: {@code SPOOL/<system id>/<file name>}; names starting with a dot are files being
 * written and are skipped.
 */
public final class WalArchiver {

    /** Counters of one archiver run. */
    public record Totals(long pushed, long alreadyArchived, long rejected, long errors, long waiting) {}

    private final WalStore store;
    private final Path spool;
    private final Path metricsFile;
    private final int parallel;
    private final Clock clock;
    private final Consumer<String> log;
    private final AtomicLong pushed = new AtomicLong();
    private final AtomicLong already = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long lastArchivedEpoch = -1;
    private volatile long waiting;

    public WalArchiver(WalStore store, Path spool, Path metricsFile, int parallel, Clock clock, Consumer<String> log) {
        this.store = store;
        this.spool = spool;
        this.metricsFile = metricsFile;
        this.parallel = Math.max(1, parallel);
        this.clock = clock;
        this.log = log;
    }

    /**
     * Runs passes until {@code cancel} trips ({@code once}: a single pass, then returns). Waits {@code
     * poll} between passes that found nothing, and backs off up to a minute after storage errors.
     */
    public Totals run(boolean once, Duration poll, Cancellation cancel) throws IOException {
        if (!Files.isDirectory(spool))
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "the spool " + spool + " is not a directory",
                    "Create it (owned by the PostgreSQL server's user) and point lifeboat-wal-spool at it.");
        ExecutorService pool = Executors.newFixedThreadPool(
                parallel,
                Thread.ofPlatform().daemon().name("lifeboat-wal-push-", 0).factory());
        try {
            long backoff = 0;
            while (true) {
                int failed = pass(pool);
                writeMetrics();
                if (once || cancel.isCancelled()) break;
                backoff = failed > 0 ? Math.min(60_000, Math.max(1000, backoff * 2)) : 0;
                long wait = failed > 0 ? backoff : (waiting > 0 ? 0 : poll.toMillis());
                if (wait > 0 && cancel.await(Duration.ofMillis(wait))) break;
            }
            return totals();
        } finally {
            pool.shutdownNow();
        }
    }

    public Totals totals() {
        return new Totals(pushed.get(), already.get(), rejected.get(), errors.get(), waiting);
    }

    /** One pass over the spool; returns how many files failed with a retryable error. */
    int pass(ExecutorService pool) throws IOException {
        List<Path> files = spooled();
        List<Future<Boolean>> results = new ArrayList<>();
        for (Path f : files) results.add(pool.submit(() -> pushOne(f)));
        int failed = 0;
        for (Future<Boolean> r : results) {
            try {
                if (!r.get()) failed++;
            } catch (ExecutionException e) {
                failed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(LifeboatException.Kind.CANCELLED, "interrupted", null);
            }
        }
        waiting = spooled().size();
        return failed;
    }

    /** Files waiting in the spool, oldest name first (history files of a timeline after its segments). */
    List<Path> spooled() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> systems = Files.newDirectoryStream(spool)) {
            for (Path sys : systems) {
                if (!Files.isDirectory(sys) || !sys.getFileName().toString().matches("[0-9]{1,20}")) continue;
                try (DirectoryStream<Path> names = Files.newDirectoryStream(sys)) {
                    for (Path f : names) {
                        String n = f.getFileName().toString();
                        if (!n.startsWith(".") && Files.isRegularFile(f)) out.add(f);
                    }
                }
            }
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** Pushes one spooled file; true when it is settled (archived or rejected), false to retry. */
    private boolean pushOne(Path file) {
        String system = file.getParent().getFileName().toString();
        String name = file.getFileName().toString();
        try {
            WalStore.Pushed p = store.push(system, name, file);
            Files.delete(file);
            if (p == WalStore.Pushed.STORED) pushed.incrementAndGet();
            else already.incrementAndGet();
            lastArchivedEpoch = clock.instant().getEpochSecond();
            return true;
        } catch (LifeboatException e) {
            if (e.kind() == LifeboatException.Kind.CONFLICT || e.kind() == LifeboatException.Kind.BAD_INPUT) {
                reject(file, system, name, e.getMessage());
                return true;
            }
            errors.incrementAndGet();
            log.accept("cannot archive " + name + " (will retry): " + e.getMessage());
            return false;
        } catch (IOException | UncheckedIOException e) {
            errors.incrementAndGet();
            log.accept("cannot archive " + name + " (will retry): " + e.getMessage());
            return false;
        }
    }

    private void reject(Path file, String system, String name, String why) {
        rejected.incrementAndGet();
        try {
            Path dir = Files.createDirectories(spool.resolve("rejected").resolve(system));
            String target = WalFile.isValid(name) ? name : "invalid-name";
            Path dest = dir.resolve(target + "." + clock.millis());
            try {
                Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, dest);
            }
            log.accept("ALARM: " + name + " was refused and kept as " + dest + ": " + why);
        } catch (IOException e) {
            log.accept("ALARM: " + name + " was refused (" + why + ") and could not be moved aside: " + e.getMessage());
        }
    }

    private void writeMetrics() {
        if (metricsFile == null) return;
        StringBuilder m = new StringBuilder();
        metric(m, "lifeboat_wal_spool_files", "gauge", "WAL files waiting in the spool.", waiting);
        metric(m, "lifeboat_wal_archived_total", "counter", "WAL files pushed into the repository.", pushed.get());
        metric(
                m,
                "lifeboat_wal_rejected_total",
                "counter",
                "WAL files the repository refused (kept in the spool's rejected/ directory): an alarm.",
                rejected.get());
        metric(m, "lifeboat_wal_errors_total", "counter", "Failed pushes that will be retried.", errors.get());
        if (lastArchivedEpoch >= 0) {
            metric(
                    m,
                    "lifeboat_wal_last_archived_timestamp_seconds",
                    "gauge",
                    "When the last WAL file reached the repository (age: time() minus this).",
                    lastArchivedEpoch);
        }
        try {
            Path tmp = metricsFile.resolveSibling("." + metricsFile.getFileName() + ".tmp");
            Files.writeString(tmp, m, StandardCharsets.UTF_8);
            Files.move(tmp, metricsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.accept("cannot write the metrics file " + metricsFile + ": " + e.getMessage());
        }
    }

    private static void metric(StringBuilder m, String name, String type, String help, long value) {
        m.append("# HELP ").append(name).append(' ').append(help).append('\n');
        m.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        m.append(name)
                .append(' ')
                .append(String.format(Locale.ROOT, "%d", value))
                .append('\n');
    }
}
