package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckFindingKind;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.DrillRequest;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoo.OdooInstance;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.repository.SnapshotSource;
import io.lifeboat.restore.RestoreReport;
import io.lifeboat.restore.Scratch;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restore drills: a backup restored into a scratch database and filestore (neutralized), verified, timed
 * (RTO, RPO) and removed; see {@link io.lifeboat.Lifeboat#drill} and docs/drills.md.
 *
 * <p>Only bad usage throws (the source does not exist, the scratch name is invalid or taken) and a
 * cancellation; whatever the backup turns out to be, the drill returns its findings, having removed what
 * it made.
 */
public final class Drills {
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    /** Failures named one by one in {@link DrillResult#failures()} before the rest are counted. */
    private static final int NAMED = 20;

    private final Context context;
    private final Restores restores;
    private final Integrity integrity;

    public Drills(Context context, Restores restores, Integrity integrity) {
        this.context = context;
        this.restores = restores;
        this.integrity = integrity;
    }

    /** Runs the drill {@code request}. */
    public DrillResult drill(DrillRequest request, Observer observer) {
        Observer obs = observer == null ? Observer.none() : observer;
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        String scratch = request.scratchDatabase() != null ? request.scratchDatabase() : defaultName(startedAt);
        DatabaseNames.check(scratch, Kind.USAGE, "", null);
        OdooInstance inst = context.instance();
        PgConnection server = inst.connection();
        Path dir = inst.filestore(scratch);
        RestoreRequest.Source source = request.source();
        Instant pointTime = request.pointTime();
        if (source.kind() == RestoreRequest.Source.Kind.FILE) {
            Path file = Path.of(source.location());
            if (!Files.exists(file)) {
                throw new LifeboatException(
                        Kind.USAGE, "no such file or directory: " + file, "Check the path of the backup to drill.");
            }
            if (pointTime == null) pointTime = modified(file);
        } else if (source.kind() == RestoreRequest.Source.Kind.SNAPSHOT) {
            // the snapshot's own id: a "latest" that moves during the drill still names the one proven
            SnapshotRef ref = snapshot(source.location());
            source = RestoreRequest.Source.snapshot(ref.id());
            if (pointTime == null) pointTime = ref.time();
        }
        try {
            if (Scratch.exists(server, scratch)) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        "database " + scratch + " already exists",
                        "A drill restores into a database of its own: name another with --scratch.");
            }
        } catch (SQLException e) {
            throw Restores.databaseError(e);
        }
        if (Files.exists(dir)) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "filestore " + dir + " already exists",
                    "A drill restores into a filestore of its own: name another database with --scratch.");
        }

        Run run = new Run(request, obs, scratch, dir, server, inst.dataDir());
        RunLedger ledger = RunLedger.begin(inst.dataDir(), "drill-" + suffix(4), "drill into " + scratch);
        RunLedger.Resource dbRes = RunLedger.Resource.database(scratch);
        RunLedger.Resource dirRes = RunLedger.Resource.directory(dir);
        boolean removed = false;
        long rtoMillis;
        try {
            ledger.add(dbRes, () -> {
                if (!Scratch.drop(server, scratch)) throw new IllegalStateException("could not drop " + scratch);
            });
            ledger.add(dirRes, () -> {
                if (!Scratch.removeDirectory(dir)) throw new IllegalStateException("could not remove " + dir);
            });
            run.restore(source);
            if (run.restored != null) {
                run.verifyRows();
                run.verifyFiles();
                if (request.probe() != null) run.probe(request.probe());
            }
            rtoMillis = (System.nanoTime() - start) / 1_000_000;
        } finally {
            // a cancelled or interrupted drill leaves nothing, --keep or not
            if (request.keep() && run.restored != null && run.cancelled == null && !RunLedger.interrupted()) {
                ledger.release(dbRes);
                ledger.release(dirRes);
                run.steps.add(
                        new DrillResult.Step("remove", 0, true, "kept: database " + scratch + " and filestore " + dir));
            } else {
                long t0 = System.nanoTime();
                // no safe point here: the removal runs after a cancellation too
                obs.listener()
                        .onEvent(new ProgressEvent(
                                run.progress.operation(),
                                ProgressEvent.Type.PHASE,
                                "remove",
                                "",
                                0,
                                -1,
                                0,
                                null,
                                null));
                boolean db = Scratch.drop(server, scratch);
                boolean files = Scratch.removeDirectory(dir);
                if (db) ledger.release(dbRes);
                if (files) ledger.release(dirRes);
                removed = db && files;
                String detail = removed
                        ? "database " + scratch + " dropped, filestore " + dir + " removed"
                        : (db ? "" : "database " + scratch + " could not be dropped; ")
                                + (files ? "" : "filestore " + dir + " could not be removed; ")
                                + "'lifeboat cleanup' removes it later";
                run.steps.add(new DrillResult.Step("remove", (System.nanoTime() - t0) / 1_000_000, removed, detail));
                if (!removed) run.failures.add("the scratch copy could not be removed: " + detail);
            }
            ledger.close();
        }
        if (run.cancelled != null) throw run.cancelled;
        Instant finishedAt = Instant.now();
        Long rpoMillis = pointTime == null
                ? null
                : Duration.between(pointTime, startedAt).toMillis();
        return new DrillResult(
                run.sourceName,
                scratch,
                run.failures.isEmpty(),
                startedAt,
                finishedAt,
                rtoMillis,
                rpoMillis,
                pointTime,
                run.steps,
                run.counts(),
                run.failures,
                removed);
    }

    /** {@code lifeboat_drill_<yyyyMMdd_HHmmss>_<4 hex>}, the time in UTC. */
    static String defaultName(Instant at) {
        return "lifeboat_drill_" + NAME_TIME.format(at) + "_" + suffix(2);
    }

    static String suffix(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private record SnapshotRef(String id, Instant time) {}

    private SnapshotRef snapshot(String ref) {
        try (Context.OpenRepository repo = context.openRepository(true);
                SnapshotSource s = repo.repo().openSnapshot(ref)) {
            return new SnapshotRef(s.info().id(), s.info().time());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --------------------------------------------------------------------------------- row counts

    /**
     * The tables whose rows are compared: the {@code n} with the most rows in the dump, leaving out those a
     * neutralized copy adds rows to ({@link Scratch#TABLES_WRITTEN_BY_RESTORE}).
     */
    static List<String> largestTables(Map<String, Long> dumpRows, int n) {
        return dumpRows.entrySet().stream()
                .filter(e -> !Scratch.TABLES_WRITTEN_BY_RESTORE.contains(unqualified(e.getKey())))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The differences between the rows a backup records and the rows of its copy, one line each. */
    static List<String> rowDifferences(List<DrillResult.TableCount> tables) {
        List<String> out = new ArrayList<>();
        for (DrillResult.TableCount t : tables) {
            if (t.expected() != null && t.expected() != t.actual()) {
                out.add("table " + t.table() + " has " + t.actual() + " rows in the copy, the backup holds "
                        + t.expected());
            }
        }
        return out;
    }

    /** {@code res_partner} for {@code public.res_partner} (and for {@code "public"."res_partner"}). */
    static String unqualified(String table) {
        int dot = table.lastIndexOf('.');
        String name = dot < 0 ? table : table.substring(dot + 1);
        return name.startsWith("\"") && name.endsWith("\"") && name.length() > 1
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"")
                : name;
    }

    // -------------------------------------------------------------------------------------- a run

    /** One drill: its steps, findings and counts as they accumulate. */
    private final class Run {
        final DrillRequest request;
        final Observer observer;
        final Reporting progress;
        final String scratch;
        final Path dir;
        final PgConnection server;
        final Path dataDir;
        final List<DrillResult.Step> steps = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<DrillResult.TableCount> tables = new ArrayList<>();
        String sourceName;
        RestoreResult.Restored restored;
        long corrupt;
        long missingFiles;
        long hashed;
        boolean sampled;
        LifeboatException cancelled;
        volatile String lastPhase;
        volatile boolean verifyReached;

        Run(DrillRequest request, Observer observer, String scratch, Path dir, PgConnection server, Path dataDir) {
            this.request = request;
            // the phases the restore reports tell which part of it a failure came from
            this.observer = new Observer(
                    observer.operation(),
                    e -> {
                        if (e.type() == ProgressEvent.Type.PHASE) {
                            lastPhase = e.phase();
                            if ("verify".equals(e.phase())) verifyReached = true;
                        }
                        observer.listener().onEvent(e);
                    },
                    observer.cancellation());
            this.progress = new Reporting(this.observer);
            this.scratch = scratch;
            this.dir = dir;
            this.server = server;
            this.dataDir = dataDir;
            this.sourceName = request.source().location();
        }

        DrillResult.Counts counts() {
            RestoreResult.Verification v = restored == null ? null : restored.verification();
            return new DrillResult.Counts(
                    v != null && v.baseInstalled(),
                    v == null ? 0 : v.users(),
                    v == null ? 0 : v.referencedFiles(),
                    v == null ? 0 : v.presentFiles(),
                    missingFiles,
                    corrupt,
                    hashed,
                    sampled,
                    tables);
        }

        /** A failure that is not a finding: the drill stops and rethrows it once the copy is removed. */
        private boolean stops(LifeboatException e) {
            return e.kind() == Kind.CANCELLED
                    || RunLedger.interrupted()
                    || observer.cancellation().isCancelled();
        }

        void restore(RestoreRequest.Source source) {
            RestoreRequest req = new RestoreRequest(
                    source,
                    scratch,
                    RestoreRequest.Mode.FULL,
                    true,
                    true,
                    request.jobs(),
                    false,
                    false,
                    false,
                    false,
                    null,
                    false,
                    null);
            long t0 = System.nanoTime();
            try {
                restored = restores.restore(req, observer).restored();
            } catch (LifeboatException e) {
                if (stops(e)) {
                    cancelled = e;
                    return;
                }
                steps.add(new DrillResult.Step(
                        failedStep(e), (System.nanoTime() - t0) / 1_000_000, false, e.getMessage()));
                failures.add("the restore failed: " + e.getMessage());
                return;
            } catch (UncheckedIOException e) {
                steps.add(new DrillResult.Step(
                        "restore_database",
                        (System.nanoTime() - t0) / 1_000_000,
                        false,
                        String.valueOf(e.getMessage())));
                failures.add("the restore failed: " + e.getMessage());
                return;
            }
            sourceName = restored.source();
            RestoreResult.Verification v = restored.verification();
            String format = restored.dumpFormat() == null ? "" : restored.dumpFormat() + " dump, ";
            steps.add(new DrillResult.Step(
                    "restore_database",
                    restored.loadMillis(),
                    true,
                    format
                            + (restored.dumpRows() == null
                                    ? ""
                                    : restored.dumpRows().size() + " tables, ") + "neutralized"));
            steps.add(new DrillResult.Step(
                    "restore_filestore",
                    restored.filestoreMillis(),
                    true,
                    restored.files() + " files, " + restored.fileBytes() + " bytes"));
            // the rest of the restore: identity, neutralization, verification, hand-over and rename
            long rest =
                    Math.max(0, restored.totalMillis() - Math.max(restored.loadMillis(), restored.filestoreMillis()));
            boolean baseOk = v.baseInstalled() && v.users() > 0;
            steps.add(new DrillResult.Step(
                    "verify_base",
                    rest,
                    baseOk,
                    "module base " + (v.baseInstalled() ? "installed" : "not installed") + ", " + v.users()
                            + " users"));
            if (!baseOk) failures.add(v.baseInstalled() ? "the copy has no users" : "module base is not installed");
        }

        /**
         * The step a failed restore failed in: the database load and the filestore run side by side, so the
         * phases tell only whether the verification was reached; the message tells the rest.
         */
        private String failedStep(LifeboatException e) {
            if (verifyReached) return "verify_base";
            String m = String.valueOf(e.getMessage());
            if (m.contains("dump") || m.contains("database")) return "restore_database";
            return "restore filestore".equals(lastPhase) ? "restore_filestore" : "restore_database";
        }

        void verifyRows() {
            if (cancelled != null || request.largestTables() == 0) return;
            long t0 = System.nanoTime();
            progress.phase("verify rows", request.largestTables(), "tables");
            Map<String, Long> dumpRows = restored.dumpRows();
            try (Connection c = server.open(scratch)) {
                c.setAutoCommit(false);
                c.setReadOnly(true);
                Map<String, Long> expected = new LinkedHashMap<>();
                if (dumpRows != null) {
                    for (String t : largestTables(dumpRows, request.largestTables())) expected.put(t, dumpRows.get(t));
                } else {
                    for (String t : largestBySize(c, request.largestTables())) expected.put(t, null);
                }
                List<String> absent = new ArrayList<>();
                for (Map.Entry<String, Long> e : expected.entrySet()) {
                    String relation = relation(c, e.getKey());
                    long actual = 0;
                    if (relation == null) absent.add(e.getKey());
                    else actual = count(c, relation);
                    tables.add(new DrillResult.TableCount(e.getKey(), e.getValue(), actual));
                    progress.advance(1);
                }
                c.rollback();
                List<String> found = new ArrayList<>(rowDifferences(tables));
                for (String t : absent) found.add("table " + t + " of the backup is missing from the copy");
                failures.addAll(found);
                String detail = dumpRows == null
                        ? "counted " + tables.size() + " largest tables; the " + restored.dumpFormat()
                                + " dump records no row counts, so none were compared"
                        : found.isEmpty()
                                ? tables.size() + " largest tables hold the rows the dump holds"
                                : String.join("; ", found);
                steps.add(new DrillResult.Step(
                        "verify_rows", (System.nanoTime() - t0) / 1_000_000, found.isEmpty(), detail));
            } catch (SQLException e) {
                steps.add(new DrillResult.Step(
                        "verify_rows",
                        (System.nanoTime() - t0) / 1_000_000,
                        false,
                        "database error: " + e.getMessage()));
                failures.add("the rows could not be counted: " + e.getMessage());
            } catch (LifeboatException e) {
                if (!stops(e)) throw e;
                cancelled = e;
            }
        }

        void verifyFiles() {
            if (cancelled != null) return;
            long t0 = System.nanoTime();
            RestoreResult.Verification v = restored.verification();
            // files of the backup whose content does not match their name: left out by the restore, so
            // also among the missing ones
            // (a corrupt file no attachment references does no harm)
            Set<String> leftOut = new LinkedHashSet<>();
            for (String w : restored.warnings()) {
                if (w.startsWith(RestoreReport.CORRUPT_IN_SOURCE)) {
                    leftOut.add(w.substring(RestoreReport.CORRUPT_IN_SOURCE.length()));
                }
            }
            Set<String> bad = new LinkedHashSet<>();
            List<String> missing = new ArrayList<>();
            for (String m : v.missing()) {
                if (leftOut.contains(
                        StoreFname.parse(m).map(StoreFname::relative).orElse(m))) bad.add(m);
                else missing.add(m);
            }
            missingFiles = v.missingFiles() - bad.size();
            List<String> found = new ArrayList<>();
            if (missingFiles > 0) {
                found.add(missingFiles + " referenced files are missing from the backup: "
                        + named(missing, missingFiles) + " (attachment ids " + v.missingAttachmentIds() + ")");
            }
            try {
                boolean deep = request.sampleFiles() == 0;
                CheckResult check = integrity.check(new CheckRequest(scratch, deep, request.jobs(), null), observer);
                for (CheckFindingKind kind : List.of(
                        CheckFindingKind.CORRUPT_FILE,
                        CheckFindingKind.SIZE_MISMATCH,
                        CheckFindingKind.UNREADABLE_FILE)) {
                    for (CheckFinding f : check.findings(kind)) bad.add(f.storeFname());
                }
                if (deep) {
                    hashed = check.totals().hashedFiles();
                } else {
                    sampled = true;
                    bad.addAll(hashSample(request.sampleFiles()));
                }
            } catch (LifeboatException e) {
                if (stops(e)) {
                    cancelled = e;
                    return;
                }
                found.add("the files could not be checked: " + e.getMessage());
            } catch (UncheckedIOException e) {
                found.add("the files could not be checked: " + e.getMessage());
            }
            corrupt = bad.size();
            if (corrupt > 0) {
                found.add(corrupt + " referenced files are corrupt (content or size does not match their name): "
                        + named(new ArrayList<>(bad), corrupt));
            }
            failures.addAll(found);
            String detail = found.isEmpty()
                    ? v.presentFiles() + " of " + v.referencedFiles() + " referenced files present, " + hashed
                            + (sampled ? " (a random sample)" : "") + " hashed"
                    : String.join("; ", found);
            steps.add(new DrillResult.Step(
                    "verify_files", (System.nanoTime() - t0) / 1_000_000, found.isEmpty(), detail));
        }

        /** Hashes at most {@code n} referenced files chosen at random; returns the store_fnames that do not match. */
        private List<String> hashSample(long n) {
            List<String> names = new ArrayList<>();
            try (Connection c = server.open(scratch);
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.setFetchSize(5000);
                try (ResultSet rs = st.executeQuery(
                        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                    while (rs.next()) names.add(rs.getString(1));
                }
                c.rollback();
            } catch (SQLException e) {
                throw Restores.databaseError(e);
            }
            Collections.shuffle(names, new SecureRandom());
            List<String> chosen = names.subList(0, (int) Math.min(n, names.size()));
            progress.phase("hash sample", chosen.size(), "files");
            List<String> bad = new ArrayList<>();
            byte[] buf = new byte[1 << 16];
            for (String name : chosen) {
                var parsed = StoreFname.parse(name);
                if (parsed.isEmpty()) continue; // the check reports unsafe names
                Path file = dir.resolve(parsed.get().relative());
                if (!Files.isRegularFile(file)) continue; // missing: already counted
                String sha1 = parsed.get().sha1();
                try (InputStream in = Files.newInputStream(file)) {
                    MessageDigest md = MessageDigest.getInstance("SHA-1");
                    for (int k; (k = in.read(buf)) > 0; ) md.update(buf, 0, k);
                    if (!HexFormat.of().formatHex(md.digest()).equalsIgnoreCase(sha1)) bad.add(name);
                } catch (IOException e) {
                    bad.add(name);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                hashed++;
                progress.advance(1);
            }
            return bad;
        }

        void probe(DrillRequest.Probe probe) {
            if (cancelled != null) return;
            long t0 = System.nanoTime();
            progress.phase("probe", -1, "");
            Probes.Outcome outcome;
            try {
                outcome = Probes.run(probe, scratch, dataDir, progress);
            } catch (LifeboatException e) {
                if (!stops(e)) throw e;
                cancelled = e;
                return;
            }
            steps.add(new DrillResult.Step(
                    "probe", (System.nanoTime() - t0) / 1_000_000, outcome.ok(), outcome.detail()));
            if (!outcome.ok()) failures.add("the probe failed: " + outcome.detail());
        }
    }

    static String named(List<String> names, long total) {
        List<String> first = names.size() > NAMED ? names.subList(0, NAMED) : names;
        return String.join(", ", first) + (total > first.size() ? " and " + (total - first.size()) + " more" : "");
    }

    /** The {@code n} largest tables of the copy by size on disk, as quoted names. */
    private static List<String> largestBySize(Connection c, int n) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                + " AND c.relname <> ALL (?) ORDER BY pg_total_relation_size(c.oid) DESC, 1 LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", Scratch.TABLES_WRITTEN_BY_RESTORE.toArray()));
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The table named as a dump writes it, as a safely quoted name; null when the copy has none. */
    private static String relation(Connection c, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long count(Connection c, String relation) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A free TCP port on this machine, for a probe's {@code {port}}. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP probe: a server started on the copy, polled, stopped. */
    static final class Probes {
        record Outcome(boolean ok, String detail) {}

        private Probes() {}

        static Outcome run(DrillRequest.Probe probe, String database, Path dataDir, Reporting progress) {
            String port = Integer.toString(freePort());
            List<String> argv = probe.command().stream()
                    .map(a -> a.replace("{database}", database)
                            .replace("{port}", port)
                            .replace("{data_dir}", dataDir.toString()))
                    .toList();
            URI url;
            try {
                url = URI.create(probe.url().replace("{port}", port));
            } catch (IllegalArgumentException e) {
                return new Outcome(false, "bad URL " + probe.url() + ": " + e.getMessage());
            }
            Path log;
            Process process;
            try {
                log = Files.createTempFile("lifeboat-probe-", ".log");
                process = new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                return new Outcome(false, "cannot start " + argv.get(0) + ": " + e.getMessage());
            }
            Thread stopper = new Thread(() -> stop(process), "lifeboat-probe-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            long deadline = System.nanoTime() + probe.timeout().toNanos();
            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String last = "no answer";
            try {
                while (true) {
                    progress.checkCancelled();
                    try {
                        HttpResponse<Void> r = http.send(
                                HttpRequest.newBuilder(url)
                                        .timeout(Duration.ofSeconds(10))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() < 400) {
                            return new Outcome(true, url + " answered HTTP " + r.statusCode());
                        }
                        last = "HTTP " + r.statusCode();
                    } catch (IOException e) {
                        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Outcome(false, "interrupted");
                    }
                    if (!process.isAlive()) {
                        return new Outcome(
                                false,
                                argv.get(0) + " exited with status " + process.exitValue() + " before " + url
                                        + " answered" + tail(log));
                    }
                    if (System.nanoTime() > deadline) {
                        return new Outcome(
                                false,
                                url + " did not answer within "
                                        + probe.timeout().toSeconds() + " s (last: " + last + ")" + tail(log));
                    }
                    progress.cancellation().await(Duration.ofMillis(250));
                }
            } finally {
                stop(process);
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException ignored) {
                    // the JVM is shutting down: the hook stops the process
                }
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }

        /** Stops the process and its children: politely, then forcibly. */
        static void stop(Process process) {
            List<ProcessHandle> children = process.descendants().toList();
            children.forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                if (lines.isEmpty()) return "";
                return "; its last output: "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                return "";
            }
        }
    }
}
