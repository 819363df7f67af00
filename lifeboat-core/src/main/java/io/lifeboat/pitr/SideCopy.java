package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.FileIndex;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotSource;
import io.lifeboat.repository.WalStore;
import io.lifeboat.restore.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Recovers a side copy of a cluster at a chosen target: restores a base backup from the repository
 * into a new data directory, fetches the archived WAL it needs in parallel ahead of replay, starts
 * a server on a free local port with recovery settings that win over the production configuration
 * (archiving off: the side copy never writes into the production archive), and waits until the
 * target is reached (paused or promoted) or recovery ends without reaching it. A target outside the
 * recoverable window is refused before anything is written. The production cluster is never
 * contacted.
 */
public final class SideCopy {

    /** Kinds of recovery target, as PostgreSQL's {@code recovery_target*} settings. */
    public enum TargetKind {
        IMMEDIATE,
        LATEST,
        TIME,
        XID,
        LSN,
        NAME
    }

    /** A recovery target; {@code value} is null for IMMEDIATE and LATEST. */
    public record Target(TargetKind kind, String value) {

        /**
         * Parses a time with an explicit zone: ISO-8601 with an offset ({@code 2026-12-01T10:31:00+01:00},
         * {@code …Z}) or a local time followed by a zone name ({@code 2026-12-01 10:31:00 Europe/Brussels}).
         */
        public static Instant parseTime(String text) {
            String t = text.strip();
            try {
                return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
            } catch (DateTimeParseException e) {
                // try "local time + zone name"
            }
            int sp = t.lastIndexOf(' ');
            if (sp > 0) {
                try {
                    LocalDateTime local =
                            LocalDateTime.parse(t.substring(0, sp).strip().replace(' ', 'T'));
                    return ZonedDateTime.of(local, ZoneId.of(t.substring(sp + 1)))
                            .toInstant();
                } catch (java.time.DateTimeException e) {
                    // fall through to the error
                }
            }
            throw new LifeboatException(
                    Kind.USAGE,
                    "not a time with a time zone: " + text,
                    "Write it as 2026-12-01T10:31:00+01:00, 2026-12-01T09:31:00Z or '2026-12-01 10:31:00 Europe/Brussels';"
                            + " a time without a zone is ambiguous and refused.");
        }
    }

    /** What to do at the target: stay paused (inspect, then decide), promote (accept writes) or shut down. */
    public enum Action {
        PAUSE,
        PROMOTE,
        SHUTDOWN;

        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The outcome.
     *
     * @param reached whether recovery stopped at the target (for LATEST: reached the end of the archive)
     * @param stop the server's own words on where it stopped ("recovery stopping before commit of
     *     transaction 743, time …"), or why it ended
     * @param lastReplayed the commit time of the last replayed transaction, null when none was replayed
     * @param state paused, promoted, shut down or failed
     */
    public record Result(
            String baseBackup,
            String systemId,
            String dataDir,
            String host,
            int port,
            String socketDir,
            boolean reached,
            String stop,
            String lastReplayed,
            String state,
            int walFetched,
            List<String> warnings,
            double seconds,
            FilestoreIncrements.Placed filestore) {}

    private static final DateTimeFormatter PG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);
    private static final Pattern STOPPING = Pattern.compile("(recovery stopping [^\\n]*)");
    private static final Pattern COMMIT =
            Pattern.compile("COMMIT (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) UTC");

    private final Repository repo;
    private final Path binDir;
    private final int fetchThreads;
    private final Consumer<String> log;

    public SideCopy(Repository repo, Path binDir, int fetchThreads, Consumer<String> log) {
        this.repo = repo;
        this.binDir = binDir;
        this.fetchThreads = Math.max(1, fetchThreads);
        this.log = log;
    }

    /**
     * The base backup to start from: {@code ref} when given, else the newest base backup of {@code
     * instance} (of any instance when null) taken before a time target, or the newest one.
     */
    public SnapshotInfo chooseBase(String ref, String instance, Target target) throws IOException {
        if (ref != null) {
            SnapshotInfo s = repo.snapshot(ref);
            if (s.kind() != SnapshotKind.BASE_BACKUP || s.baseBackup() == null)
                throw new LifeboatException(
                        Kind.USAGE,
                        "snapshot " + s.shortId() + " is not a base backup",
                        "Take one with 'lifeboat basebackup'; 'lifeboat wal verify' lists them with their windows.");
            return s;
        }
        Instant before = target.kind() == TargetKind.TIME ? Target.parseTime(target.value()) : null;
        return repo.snapshots().stream()
                .filter(s -> s.kind() == SnapshotKind.BASE_BACKUP && s.baseBackup() != null)
                .filter(s -> instance == null || instance.equals(s.instance()))
                .filter(s -> before == null || !s.time().isAfter(before))
                .max(Comparator.comparing(SnapshotInfo::time))
                .orElseThrow(
                        () -> new LifeboatException(
                                Kind.USAGE,
                                before == null
                                        ? "no base backup in the repository"
                                        : "no base backup taken before " + before,
                                "Take one with 'lifeboat basebackup'; a side copy starts from the newest base backup before the target."));
    }

    /** Recovers {@code base} into {@code target}/data (target must not exist or be empty). */
    public Result recover(SnapshotInfo base, Path dir, Target target, Action action, Cancellation cancel)
            throws IOException {
        return recover(base, dir, target, action, null, cancel);
    }

    /**
     * As {@link #recover(SnapshotInfo, Path, Target, Action, Cancellation)}, then, when {@code
     * filestore} is given, places the files the recovered database references into {@code
     * dir/filestore/<database>} (the side copy must be paused or promoted to be read).
     */
    public Result recover(
            SnapshotInfo base, Path dir, Target target, Action action, String filestoreDatabase, Cancellation cancel)
            throws IOException {
        long t0 = System.nanoTime();
        SnapshotInfo.BaseBackupInfo info = base.baseBackup();
        WalStore wal = repo.wal();
        List<WalStore.Archived> archived = wal.list(info.systemId());
        Continuity.Window window = Continuity.of(info.systemId(), archived, List.of(base))
                .baseBackups()
                .get(0);
        List<String> warnings = new ArrayList<>();
        preflight(base, window, target, archived, warnings);
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent())
                    throw new LifeboatException(
                            Kind.CONFLICT,
                            dir + " exists and is not empty",
                            "Name a new directory for the side copy; nothing was written.");
            }
        }
        boolean created = !Files.exists(dir);
        Files.createDirectories(dir);
        PgCluster cluster = null;
        ExecutorService fetchers = null;
        boolean ok = false;
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path data = Files.createDirectory(dir.resolve("data"));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            log.accept("restoring base backup " + base.shortId() + " into " + data);
            try (SnapshotSource src = repo.openSnapshot(base.id());
                    InputStream tar = src.openBaseBackup()) {
                extract(tar, data, cancel);
            }
            Path fetch = Files.createDirectory(dir.resolve("wal-fetch"));
            List<String> plan = plan(archived, info, target);
            Files.write(fetch.resolve(".plan"), plan, StandardCharsets.UTF_8);
            Path script = dir.resolve("restore-wal.sh");
            Files.writeString(script, restoreScript(fetch), StandardCharsets.UTF_8);
            AtomicInteger fetched = new AtomicInteger();
            fetchers = Executors.newFixedThreadPool(
                    fetchThreads,
                    Thread.ofPlatform().daemon().name("lifeboat-wal-fetch-", 0).factory());
            startFetching(fetchers, wal, info.systemId(), plan, fetch, fetched, warnings, cancel);
            var overrides = new java.util.LinkedHashMap<String, String>();
            overrides.put("archive_mode", "off");
            overrides.put("archive_command", "");
            overrides.put("restore_command", "/bin/sh '" + script + "' %f %p");
            overrides.put("hot_standby", "on");
            // production's pg_hba.conf may not let Lifeboat in: local connections through the side copy's own
            // socket directory (mode 0700: the server's user and root only) are trusted, TCP needs a password
            Path hba = dir.resolve("pg_hba.lifeboat.conf");
            Files.writeString(
                    hba,
                    "# Lifeboat side copy: the socket directory is private to the server's user and root\n"
                            + "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
            Path ident = dir.resolve("pg_ident.lifeboat.conf");
            Files.writeString(ident, "");
            overrides.put("hba_file", hba.toString());
            overrides.put("ident_file", ident.toString());
            overrides.put("recovery_target_timeline", "latest");
            overrides.put("recovery_target_action", action.setting());
            overrides.put("recovery_target_inclusive", "on");
            switch (target.kind()) {
                case IMMEDIATE -> overrides.put("recovery_target", "immediate");
                case TIME ->
                    overrides.put(
                            "recovery_target_time",
                            PG_TIME.format(Target.parseTime(target.value()).atOffset(java.time.ZoneOffset.UTC))
                                    + "+00");
                case XID -> overrides.put("recovery_target_xid", target.value());
                case LSN -> overrides.put("recovery_target_lsn", target.value());
                case NAME -> overrides.put("recovery_target_name", target.value());
                case LATEST -> {}
            }
            log.accept("starting the side copy (replaying WAL)");
            try {
                cluster = PgCluster.startRecovery(
                        dir, overrides, PgCluster.Options.defaults().withBinDir(binDir));
            } catch (IllegalStateException e) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        "the side copy did not start: " + e.getMessage(),
                        "Check that --pg-bin names production's PostgreSQL major version. Nothing was left behind.");
            }
            Result r = await(cluster, base, dir, target, action, fetched, warnings, cancel, t0);
            if (!r.reached()) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "recovery ended before the target was reached: " + r.stop(),
                        "The archive may have a gap or end before the target; run 'lifeboat wal verify'.");
            }
            if (filestoreDatabase != null) {
                if (action == Action.SHUTDOWN)
                    throw new LifeboatException(
                            Kind.USAGE,
                            "the filestore needs a running side copy",
                            "Use --action pause or promote with --filestore-of.");
                log.accept("placing the filestore of " + filestoreDatabase);
                List<String> names = query(
                        cluster,
                        filestoreDatabase,
                        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL");
                var placed = FilestoreIncrements.place(
                        FileIndex.load(repo), names, dir.resolve("filestore").resolve(filestoreDatabase), cancel);
                if (!placed.missing().isEmpty())
                    warnings.add(placed.missing().size() + " referenced files are in no snapshot of the repository");
                r = new Result(
                        r.baseBackup(),
                        r.systemId(),
                        r.dataDir(),
                        r.host(),
                        r.port(),
                        r.socketDir(),
                        r.reached(),
                        r.stop(),
                        r.lastReplayed(),
                        r.state(),
                        r.walFetched(),
                        List.copyOf(warnings),
                        (System.nanoTime() - t0) / 1e9,
                        placed);
            }
            ok = true;
            cluster.detach();
            if (action != Action.PAUSE) Trees.deleteQuietly(fetch);
            return r;
        } finally {
            if (fetchers != null) fetchers.shutdownNow();
            if (!ok) {
                if (cluster != null) cluster.close(); // stops the server and deletes its directory
                if (created) Trees.deleteQuietly(dir);
                else clearDirectory(dir);
            }
        }
    }

    private void preflight(
            SnapshotInfo base,
            Continuity.Window window,
            Target target,
            List<WalStore.Archived> archived,
            List<String> warnings)
            throws IOException {
        long from = WalFile.parseLsn(window.from());
        long to = WalFile.parseLsn(window.to());
        switch (target.kind()) {
            case LSN -> {
                long lsn = WalFile.parseLsn(target.value());
                if (lsn < from || lsn > to) throw outside("LSN " + target.value(), window);
            }
            case TIME -> {
                Instant t = Target.parseTime(target.value());
                if (t.isBefore(base.time()))
                    throw new LifeboatException(
                            Kind.USAGE,
                            "the target " + t + " is before base backup " + base.shortId() + " finished (" + base.time()
                                    + ")",
                            "Recover from an older base backup (--from), or choose a later target.");
                if (window.lastSegment() == null) throw outside("time " + t, window);
                Instant last = lastCommit(base.baseBackup().systemId(), window, archived);
                if (last == null) {
                    warnings.add("no commit found in the last archived segments; the window's end in time is unknown");
                } else if (t.isAfter(last)) {
                    throw new LifeboatException(
                            Kind.USAGE,
                            "the target " + t + " is after the last archived transaction (" + last
                                    + "), outside the recoverable window " + window.from() + " – " + window.to(),
                            "Wait for the next WAL segment to be archived (archive_timeout), or choose an earlier target;"
                                    + " 'lifeboat wal verify' shows the windows.");
                }
            }
            default -> {
                if (window.gapAfter() != null)
                    warnings.add("the archive has a gap at " + window.gapAfter() + "; recovery cannot go past "
                            + window.to());
            }
        }
    }

    private static LifeboatException outside(String what, Continuity.Window w) {
        return new LifeboatException(
                Kind.USAGE,
                "the target " + what + " is outside the recoverable window of base backup "
                        + w.snapshot().substring(0, 8) + " (" + w.from() + " – " + w.to()
                        + (w.gapAfter() != null ? ", gap at " + w.gapAfter() : "") + ")",
                "Nothing was written. 'lifeboat wal verify' lists every base backup's window.");
    }

    /** The commit time of the newest transaction in the last segments of the window (pg_waldump). */
    private Instant lastCommit(String systemId, Continuity.Window window, List<WalStore.Archived> archived)
            throws IOException {
        long last = WalFile.parse(window.lastSegment()).segment();
        long first = WalFile.parse(repo.snapshot(window.snapshot()).baseBackup().stopWal())
                .segment();
        Path tmp = Files.createTempDirectory("lifeboat-waldump");
        try {
            for (long s = last; s >= Math.max(first, last - 3); s--) {
                String name = WalFile.segmentName(window.timeline(), s);
                Path f = tmp.resolve(name);
                Files.write(f, repo.wal().read(systemId, name));
                ProcessBuilder pb = new ProcessBuilder(
                                binDir.resolve("pg_waldump").toString(), "--rmgr=Transaction", f.toString())
                        .redirectErrorStream(true);
                pb.environment().put("TZ", "UTC");
                Process p = pb.start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Matcher m = COMMIT.matcher(out);
                Instant newest = null;
                while (m.find())
                    newest = LocalDateTime.parse(m.group(1).replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
                Files.delete(f);
                if (newest != null) return newest;
            }
            return null;
        } finally {
            Trees.deleteQuietly(tmp);
        }
    }

    /** History files, then every segment from the base backup's start onward, in replay order. */
    static List<String> plan(List<WalStore.Archived> archived, SnapshotInfo.BaseBackupInfo info, Target target) {
        long start = WalFile.parse(info.startWal()).segment();
        long end =
                target.kind() == TargetKind.LSN ? WalFile.segmentOf(WalFile.parseLsn(target.value())) : Long.MAX_VALUE;
        List<WalFile> history = new ArrayList<>();
        List<WalFile> segments = new ArrayList<>();
        for (WalStore.Archived a : archived) {
            WalFile f = a.file();
            if (f.kind() == WalFile.Kind.TIMELINE_HISTORY) history.add(f);
            else if (f.isSegment() && f.timeline() >= info.timeline() && f.segment() >= start && f.segment() <= end)
                segments.add(f);
        }
        segments.sort(Comparator.comparingLong(WalFile::segment).thenComparingInt(WalFile::timeline));
        List<String> out = new ArrayList<>();
        history.forEach(h -> out.add(h.name()));
        segments.forEach(s -> out.add(s.name()));
        return out;
    }

    private void startFetching(
            ExecutorService pool,
            WalStore wal,
            String systemId,
            List<String> plan,
            Path fetch,
            AtomicInteger fetched,
            List<String> warnings,
            Cancellation cancel) {
        AtomicInteger left = new AtomicInteger(plan.size());
        Runnable finish = () -> {
            try {
                Files.writeString(fetch.resolve(".done"), "");
            } catch (IOException e) {
                log.accept("cannot mark the WAL fetch as done: " + e.getMessage());
            }
        };
        if (plan.isEmpty()) finish.run();
        for (String name : plan) {
            pool.submit(() -> {
                try {
                    if (!cancel.isCancelled()) {
                        byte[] content = wal.read(systemId, name);
                        Path tmp = fetch.resolve("." + name + ".tmp");
                        Files.write(tmp, content);
                        Files.move(tmp, fetch.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        fetched.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (warnings) {
                        warnings.add("cannot fetch " + name + ": " + e.getMessage());
                    }
                } finally {
                    if (left.decrementAndGet() == 0) finish.run();
                }
            });
        }
    }

    private static String restoreScript(Path fetch) {
        String d = fetch.toString().replace("'", "'\\''");
        return "#!/bin/sh\n"
                + "# restore_command of a Lifeboat side copy: hands PostgreSQL the WAL files Lifeboat fetches ahead.\n"
                + "d='" + d + "'\n"
                + "grep -qx \"$1\" \"$d/.plan\" || exit 1\n"
                + "while [ ! -e \"$d/$1\" ]; do\n"
                + "    [ -e \"$d/.done\" ] && [ ! -e \"$d/$1\" ] && exit 1\n"
                + "    sleep 0.05\n"
                + "done\n"
                + "exec cp \"$d/$1\" \"$2\"\n";
    }

    private Result await(
            PgCluster c,
            SnapshotInfo base,
            Path dir,
            Target target,
            Action action,
            AtomicInteger fetched,
            List<String> warnings,
            Cancellation cancel,
            long t0) {
        Path serverLog = dir.resolve("server.log");
        long launched = System.nanoTime();
        boolean seenRunning = false;
        while (true) {
            cancel.check();
            boolean running = c.isRunning();
            seenRunning |= running;
            if (!running && (seenRunning || System.nanoTime() - launched > 10_000_000_000L)) {
                String stop = lastStop(serverLog, "the server stopped");
                boolean reached = action == Action.SHUTDOWN && stop.startsWith("recovery stopping");
                return result(
                        base, dir, c, reached, stop, null, reached ? "shut down" : "failed", fetched, warnings, t0);
            }
            String[] state = probe(c);
            if (state != null) {
                boolean inRecovery = "t".equals(state[0]);
                String paused = state[1];
                String last = state[2].isEmpty() ? null : state[2];
                if (!inRecovery) {
                    String stop = lastStop(serverLog, "end of the archive");
                    boolean reached = target.kind() == TargetKind.LATEST || stop.startsWith("recovery stopping");
                    return result(base, dir, c, reached, stop, last, "promoted", fetched, warnings, t0);
                }
                if ("paused".equals(paused)) {
                    return result(
                            base, dir, c, true, lastStop(serverLog, "paused"), last, "paused", fetched, warnings, t0);
                }
            }
            if (cancel.await(Duration.ofMillis(200))) cancel.check();
        }
    }

    /**
     * Asks the side copy (psql over its private socket directory, where the side copy trusts local
     * connections) whether it is in recovery, paused, and when the last replayed transaction
     * committed; null while it does not accept connections.
     */
    private String[] probe(PgCluster c) {
        String sql =
                "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() END,"
                        + " pg_last_xact_replay_timestamp()";
        try {
            List<String> out = query(c, "postgres", sql);
            String[] f = out.size() == 1 ? out.get(0).split("\\|", -1) : new String[0];
            return f.length == 3 ? f : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Runs {@code sql} in {@code database} of the side copy with psql; one line per row, fields split by |. */
    private List<String> query(PgCluster c, String database, String sql) throws IOException {
        return query(binDir, c.socketDir(), c.port(), database, sql);
    }

    /**
     * Runs {@code sql} in {@code database} of a side copy (of a {@link Result}: its socket directory and port)
     * with psql as the superuser over the socket, where the side copy trusts local connections; one line per
     * row, fields split by |.
     */
    public static List<String> query(Path binDir, Path socketDir, int port, String database, String sql)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        binDir.resolve("psql").toString(),
                        "-X",
                        "-q",
                        "-A",
                        "-t",
                        "-F",
                        "|",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-h",
                        socketDir.toString(),
                        "-p",
                        Integer.toString(port),
                        "-U",
                        PgCluster.SUPERUSER,
                        "-d",
                        database,
                        "-c",
                        sql)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (p.waitFor() != 0) throw new IOException("psql on the side copy failed in database " + database);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    private Result result(
            SnapshotInfo base,
            Path dir,
            PgCluster c,
            boolean reached,
            String stop,
            String last,
            String state,
            AtomicInteger fetched,
            List<String> warnings,
            long t0) {
        List<String> w;
        synchronized (warnings) {
            w = List.copyOf(warnings);
        }
        return new Result(
                base.id(),
                base.baseBackup().systemId(),
                dir.resolve("data").toString(),
                c.host(),
                c.port(),
                c.socketDir().toString(),
                reached,
                stop,
                last,
                state,
                fetched.get(),
                w,
                (System.nanoTime() - t0) / 1e9,
                null);
    }

    /** The server log's last "recovery stopping …" line, else its last FATAL line, else {@code otherwise}. */
    static String lastStop(Path serverLog, String otherwise) {
        try {
            String text = Files.readString(serverLog, StandardCharsets.UTF_8);
            Matcher m = STOPPING.matcher(text);
            String found = null;
            while (m.find()) found = m.group(1).strip();
            if (found != null) return found;
            Matcher f = Pattern.compile("FATAL:\\s*([^\\n]*)").matcher(text);
            while (f.find()) found = f.group(1).strip();
            return found != null ? found : otherwise;
        } catch (IOException e) {
            return otherwise;
        }
    }

    /** Extracts a base backup's tar into {@code data}: regular files and directories only, never outside it. */
    static void extract(InputStream tar, Path data, Cancellation cancel) throws IOException {
        Path root = data.toAbsolutePath().normalize();
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                cancel.check();
                String name = e.getName();
                Path target = root.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || !target.startsWith(root))
                    throw new LifeboatException(
                            Kind.BAD_INPUT,
                            "the base backup has an entry outside its directory: " + name,
                            "The base backup is damaged or was not made by pg_basebackup; nothing outside the new directory was written.");
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        in.transferTo(out);
                    }
                } else {
                    throw new LifeboatException(
                            Kind.BAD_INPUT,
                            "the base backup has an entry that is not a file or directory: " + name,
                            "Clusters with tablespaces or links in the data directory are not supported.");
                }
            }
        }
    }

    private static void clearDirectory(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(Trees::deleteQuietly);
        } catch (IOException e) {
            // best effort
        }
    }
}
