package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lifeboat.LifeboatException;
import io.lifeboat.api.Cancellation;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.testkit.PitrInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole runbook against a real cluster: archive_command is the spool script, the resident
 * archiver moves WAL into an encrypted repository, a base backup goes into the repository, then
 * marker rows, a restore point and an accident; a side copy recovered to each kind of target holds
 * exactly the marker state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PitrEndToEndTest {
    Path work;
    Path spool;
    PgCluster prod;
    LocalBackend backend;
    SecretKey key;
    WriterKey writer;
    String systemId;
    SnapshotInfo base;
    String markerTime;
    String markerXid;
    String markerLsn;
    List<String> sideDirs = new ArrayList<>();
    Path filestore;
    String missingFile;
    String afterAccident;
    int files;

    static final List<String> BASE_STATE = List.of("1:a", "2:b", "3:c");
    static final List<String> MARKER_STATE = List.of("1:a", "2:b", "3:c", "4:marker");

    @BeforeAll
    void production() throws Exception {
        work = Files.createTempDirectory("lifeboat-pitr-test");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        spool = Files.createDirectory(work.resolve("spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxrwx"));
        key = SecretKey.generate();
        backend = new LocalBackend(Files.createDirectories(work.resolve("repo")));
        writer = Repository.init(backend, List.of(key.recipient()));
        prod = PitrInstance.archivingCluster(work, spool);
        sql(prod, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        systemId = query(prod, "SELECT system_identifier::text FROM pg_control_system()")
                .get(0);
        prod.createDatabase("odoo");
        sqlIn(prod, "odoo", "CREATE TABLE ir_attachment (id serial PRIMARY KEY, store_fname varchar)");
        filestore = Files.createDirectories(work.resolve("filestore"));
        attach("before the base backup");
        captureFiles();
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            var taken = BaseBackups.take(
                    w, conn(prod), prod.binDir().resolve("pg_basebackup"), "prod", List.of(), Cancellation.none());
            base = w.snapshot(taken.snapshotId());
        }
        attach("after the base backup, captured");
        captureFiles();
        missingFile = attach("after the base backup, never captured");
        Files.delete(filestore.resolve(missingFile));
        try (Connection c = connect(prod);
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (4, 'marker')");
            try (ResultSet rs = s.executeQuery("SELECT txid_current()::text")) {
                rs.next();
                markerXid = rs.getString(1);
            }
            c.commit();
        }
        markerLsn = query(prod, "SELECT pg_current_wal_insert_lsn()::text").get(0);
        markerTime = query(
                        prod,
                        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
                .get(0);
        sql(prod, "SELECT pg_create_restore_point('before-accident')");
        sql(prod, "UPDATE t SET v = 'oops'", "DELETE FROM t WHERE id = 2");
        afterAccident = attach("after the accident");
        captureFiles();
        sql(prod, "CREATE TABLE later (n int)");
        String last = null;
        for (int i = 0; i < 3; i++) {
            // more segments after the accident, so that removing one of them makes a gap
            sql(prod, "INSERT INTO later VALUES (" + i + ")");
            last = query(prod, "SELECT pg_walfile_name(pg_switch_wal())").get(0);
        }
        archiveUntil(last);
    }

    /** Runs archiver passes until {@code name} is in the repository. */
    void archiveUntil(String name) throws Exception {
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            WalArchiver a =
                    new WalArchiver(w.wal(), spool, work.resolve("metrics.prom"), 2, Clock.systemUTC(), m -> {});
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                a.run(true, Duration.ZERO, Cancellation.none());
                return w.wal().exists(systemId, name);
            });
            assertThat(a.totals().rejected()).isZero();
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (String d : sideDirs) stopSide(Path.of(d));
        if (prod != null) prod.close();
        io.lifeboat.restore.Trees.deleteQuietly(work);
    }

    @Test
    void theArchiveHoldsTheBackupLabelAndNoGap() throws Exception {
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            var archived = w.wal().list(systemId);
            assertThat(archived).anyMatch(a -> a.file().kind() == WalFile.Kind.BACKUP_HISTORY);
            var report = Continuity.of(systemId, archived, List.of(base));
            assertThat(report.timelines()).hasSize(1);
            assertThat(report.timelines().get(0).gaps()).isEmpty();
            var window = report.baseBackups().get(0);
            assertThat(WalFile.parseLsn(window.to())).isGreaterThan(WalFile.parseLsn(markerLsn));
            assertThat(window.gapAfter()).isNull();
        }
        assertThat(Files.readString(work.resolve("metrics.prom")))
                .contains("lifeboat_wal_last_archived_timestamp_seconds");
        try (var left = Files.list(spool.resolve(systemId))) {
            assertThat(left).isEmpty(); // every spooled file went into the repository
        }
    }

    @Test
    void recoversToATime() throws Exception {
        assertThat(recover(SideCopy.TargetKind.TIME, markerTime, SideCopy.Action.PROMOTE))
                .isEqualTo(MARKER_STATE);
    }

    @Test
    void recoversToAnXid() throws Exception {
        assertThat(recover(SideCopy.TargetKind.XID, markerXid, SideCopy.Action.PAUSE))
                .isEqualTo(MARKER_STATE);
    }

    @Test
    void recoversToAnLsn() throws Exception {
        assertThat(recover(SideCopy.TargetKind.LSN, markerLsn, SideCopy.Action.PROMOTE))
                .isEqualTo(MARKER_STATE);
    }

    @Test
    void recoversToARestorePoint() throws Exception {
        assertThat(recover(SideCopy.TargetKind.NAME, "before-accident", SideCopy.Action.PAUSE))
                .isEqualTo(MARKER_STATE);
    }

    @Test
    void recoversToTheBaseBackupAndToTheEnd() throws Exception {
        assertThat(recover(SideCopy.TargetKind.IMMEDIATE, null, SideCopy.Action.PROMOTE))
                .isEqualTo(BASE_STATE);
        assertThat(recover(SideCopy.TargetKind.LATEST, null, SideCopy.Action.PROMOTE))
                .containsExactly("1:oops", "3:oops", "4:oops");
        // production was never touched by the side copies
        assertThat(query(prod, "SELECT id || ':' || v FROM t ORDER BY id"))
                .containsExactly("1:oops", "3:oops", "4:oops");
    }

    @Test
    void aTargetOutsideTheWindowIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = work.resolve("refused");
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            SideCopy side = new SideCopy(r, prod.binDir(), 2, m -> {});
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(SideCopy.TargetKind.LSN, "FF/0"),
                            SideCopy.Action.PAUSE,
                            Cancellation.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("outside the recoverable window");
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(SideCopy.TargetKind.TIME, "2999-01-01T00:00:00Z"),
                            SideCopy.Action.PAUSE,
                            Cancellation.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("after the last archived transaction");
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(SideCopy.TargetKind.TIME, "2001-01-01 10:00:00"),
                            SideCopy.Action.PAUSE,
                            Cancellation.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("time zone");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void aGapIsReportedAndATargetBeyondItRefused() throws Exception {
        // a copy of the repository with one segment after the marker removed
        Path copy = work.resolve("gap-repo");
        copyTree(work.resolve("repo"), copy);
        LocalBackend gapped = new LocalBackend(copy);
        String stopWal = base.baseBackup().stopWal();
        String missing = WalFile.segmentName(1, WalFile.parse(stopWal).segment() + 1);
        gapped.delete("wal/" + systemId + "/" + missing);
        try (Repository r = Repository.open(gapped, Keys.secret(key))) {
            var report = Continuity.of(systemId, r.wal().list(systemId), List.of(base));
            var window = report.baseBackups().get(0);
            assertThat(window.gapAfter()).isEqualTo(missing);
            assertThat(window.lastSegment()).isEqualTo(stopWal);
            assertThat(report.timelines().get(0).gaps())
                    .extracting(Continuity.Gap::from)
                    .containsExactly(missing);
            SideCopy side = new SideCopy(r, prod.binDir(), 2, m -> {});
            Path dir = work.resolve("gap-side");
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(
                                    SideCopy.TargetKind.LSN,
                                    WalFile.formatLsn(
                                            (WalFile.parse(missing).segment() + 1) * WalFile.DEFAULT_SEGMENT_SIZE)),
                            SideCopy.Action.PAUSE,
                            Cancellation.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("gap at " + missing);
            assertThat(dir).doesNotExist();
        }
    }

    @Test
    void theFilestoreAsOfTheTargetIsPlacedAndWhatNoSnapshotHoldsIsReported() throws Exception {
        Path dir = work.resolve("side-filestore");
        sideDirs.add(dir.toString());
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            SideCopy side = new SideCopy(r, prod.binDir(), 2, m -> {});
            SideCopy.Result res = side.recover(
                    base,
                    dir,
                    new SideCopy.Target(SideCopy.TargetKind.XID, markerXid),
                    SideCopy.Action.PAUSE,
                    "odoo",
                    Cancellation.none());
            assertThat(res.filestore().referenced())
                    .isEqualTo(3); // the file written after the target is not referenced
            assertThat(res.filestore().placed()).isEqualTo(2);
            assertThat(res.filestore().missing()).containsExactly(missingFile);
            assertThat(res.warnings()).anyMatch(w -> w.contains("1 referenced files are in no snapshot"));
        }
        Path placed = dir.resolve("filestore").resolve("odoo");
        try (var walk = Files.walk(placed)) {
            List<String> names = walk.filter(Files::isRegularFile)
                    .map(p -> placed.relativize(p).toString())
                    .sorted()
                    .toList();
            assertThat(names).hasSize(2).doesNotContain(missingFile, afterAccident);
            for (String n : names)
                assertThat(Files.readAllBytes(placed.resolve(n))).isEqualTo(Files.readAllBytes(filestore.resolve(n)));
        }
    }

    @Test
    void aCaptureStoresEachNewFileOnceAndSkipsFilesThatDoNotMatchTheirName() throws Exception {
        Path fs = Files.createDirectories(work.resolve("fs-capture"));
        Path state = work.resolve("fs-capture-state.txt");
        byte[] good = "good file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String goodName = writeFile(fs, good);
        String badName = writeFile(fs, "original".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(fs.resolve(badName), "tampered");
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            var first = FilestoreIncrements.capture(w, fs, "prod", "capture", state, Cancellation.none());
            assertThat(first.files()).isEqualTo(1);
            assertThat(first.corrupt()).containsExactly(badName.substring(3));
            var second = FilestoreIncrements.capture(w, fs, "prod", "capture", state, Cancellation.none());
            assertThat(second.snapshot()).isNull(); // nothing new
            assertThat(w.snapshot(first.snapshot()).database()).isEqualTo("capture" + FilestoreIncrements.GROUP_SUFFIX);
        }
        assertThat(Files.readAllLines(state)).containsExactly(goodName.substring(3));
    }

    @Test
    void aTargetNeverReachedFailsAndLeavesNothingBehind() throws Exception {
        Path dir = work.resolve("never");
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            SideCopy side = new SideCopy(r, prod.binDir(), 2, m -> {});
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(SideCopy.TargetKind.XID, "99999999"),
                            SideCopy.Action.PAUSE,
                            Cancellation.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("before the target was reached");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void cancellingWhileTheSideCopyStartsStopsItAndRemovesIt() throws Exception {
        Path dir = work.resolve("cancelled");
        Cancellation cancel = new Cancellation();
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            SideCopy side = new SideCopy(r, prod.binDir(), 2, m -> {
                if (m.startsWith("starting the side copy")) cancel.cancel("interrupted");
            });
            assertThatThrownBy(() -> side.recover(
                            base,
                            dir,
                            new SideCopy.Target(SideCopy.TargetKind.LATEST, null),
                            SideCopy.Action.PAUSE,
                            cancel))
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(e ->
                            assertThat(((LifeboatException) e).kind()).isEqualTo(LifeboatException.Kind.CANCELLED));
        }
        assertThat(dir).doesNotExist();
    }

    private List<String> recover(SideCopy.TargetKind kind, String value, SideCopy.Action action) throws Exception {
        Path dir = work.resolve("side-" + kind + "-" + System.nanoTime());
        sideDirs.add(dir.toString());
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            SideCopy side = new SideCopy(r, prod.binDir(), 4, m -> {});
            SideCopy.Result res =
                    side.recover(base, dir, new SideCopy.Target(kind, value), action, Cancellation.none());
            assertThat(res.reached()).as(res.stop()).isTrue();
            assertThat(res.state()).isEqualTo(action == SideCopy.Action.PAUSE ? "paused" : "promoted");
            assertThat(res.systemId()).isEqualTo(systemId);
            // archiving is off in the copy: it never writes into production's history
            assertThat(sideQuery(res, "SHOW archive_mode")).containsExactly("off");
            // production's passwords guard TCP; the private socket directory is how Lifeboat and the admin get in
            assertThat(res.socketDir()).isEqualTo(dir.toString());
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(
                            "jdbc:postgresql://" + res.host() + ":" + res.port() + "/postgres", "postgres", ""))
                    .isInstanceOf(java.sql.SQLException.class);
            return sideQuery(res, "SELECT id || ':' || v FROM t ORDER BY id");
        }
    }

    private List<String> sideQuery(SideCopy.Result res, String sql) throws Exception {
        Process p = new ProcessBuilder(
                        prod.binDir().resolve("psql").toString(),
                        "-X",
                        "-A",
                        "-t",
                        "-h",
                        res.socketDir(),
                        "-p",
                        Integer.toString(res.port()),
                        "-U",
                        "postgres",
                        "-d",
                        "postgres",
                        "-c",
                        sql)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Writes a new filestore file with its checklist marker and an ir_attachment row; returns xx/sha1. */
    private String attach(String what) throws Exception {
        String name = writeFile(filestore, (what + " " + files++).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sqlIn(prod, "odoo", "INSERT INTO ir_attachment (store_fname) VALUES ('" + name + "')");
        return name;
    }

    private static String writeFile(Path fs, byte[] content) throws Exception {
        String sha1 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(content));
        String name = sha1.substring(0, 2) + "/" + sha1;
        Files.createDirectories(fs.resolve(sha1.substring(0, 2)));
        Files.write(fs.resolve(name), content);
        Files.createDirectories(fs.resolve("checklist").resolve(sha1.substring(0, 2)));
        Files.write(fs.resolve("checklist").resolve(name), new byte[0]);
        return name;
    }

    private void captureFiles() throws Exception {
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            FilestoreIncrements.capture(
                    w, filestore, "prod", "odoo", work.resolve("captured.txt"), Cancellation.none());
        }
    }

    private static void sqlIn(PgCluster c, String db, String... statements) throws Exception {
        try (Connection conn = c.connect(db);
                Statement s = conn.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private void stopSide(Path dir) {
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("postmaster.pid"))) return;
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(
                prod.binDir().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor();
        } catch (Exception e) {
            // best effort
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    private static PgConnection conn(PgCluster c) {
        return new PgConnection(c.host(), c.port(), PgCluster.SUPERUSER, null, null);
    }

    private static Connection connect(PgCluster c) throws Exception {
        return c.connect("postgres");
    }

    private static void sql(PgCluster c, String... statements) throws Exception {
        try (Connection conn = c.connect("postgres");
                Statement s = conn.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private static List<String> query(PgCluster c, String sql) throws Exception {
        try (Connection conn = c.connect("postgres");
                Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
