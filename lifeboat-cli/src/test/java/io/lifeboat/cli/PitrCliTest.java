package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.pitr.WalFixtures;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The PITR commands as a user and PostgreSQL call them: exit codes, --json, errors. */
@ExtendWith(PostgresExtension.class)
class PitrCliTest {
    static final long SYS = 6999000111222333444L;
    static final String SYS_ID = Long.toUnsignedString(SYS);

    @TempDir
    Path tmp;

    List<String> withWriter;
    List<String> withKey;

    @BeforeEach
    void repo() {
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("k");
        Path writer = tmp.resolve("w");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
        withWriter = List.of("--repo", repo.toString(), "--writer-key", writer.toString());
        withKey = List.of("--repo", repo.toString(), "--key", key.toString());
    }

    @Test
    void pushIsIdempotentAndRefusesADifferentFileUnderAnArchivedName() throws Exception {
        Path data = WalFixtures.dataDir(Files.createDirectories(tmp.resolve("pgdata")), SYS);
        String name = WalFile.segmentName(1, 5);
        Path seg =
                WalFixtures.write(Files.createDirectories(tmp.resolve("a")), name, WalFixtures.segment(SYS, 1, 5, 1));
        var first = run(args(List.of("wal", "push", seg.toString(), "--pgdata", data.toString(), "--json"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(first.path("outcome").asText()).isEqualTo("stored");
        assertThat(first.path("systemId").asText()).isEqualTo(SYS_ID);
        var again = run(args(List.of("wal", "push", seg.toString(), "--system-id", SYS_ID, "--json"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(again.path("outcome").asText()).isEqualTo("already-archived");
        Path other =
                WalFixtures.write(Files.createDirectories(tmp.resolve("b")), name, WalFixtures.segment(SYS, 1, 5, 2));
        var refused = run(args(List.of("wal", "push", other.toString(), "--system-id", SYS_ID), withWriter))
                .expect(ExitCode.CONFLICT);
        assertThat(refused.err()).contains("different");
        // no cluster named, none in the working directory
        assertThat(run(args(List.of("wal", "push", seg.toString()), withWriter))
                        .expect(ExitCode.USAGE)
                        .err())
                .contains("pg_control");

        Path dest = tmp.resolve("restored");
        run(args(List.of("wal", "get", name, dest.toString(), "--system-id", SYS_ID), withKey))
                .expect(ExitCode.OK);
        assertThat(Files.readAllBytes(dest)).isEqualTo(WalFixtures.segment(SYS, 1, 5, 1));
        // the end of the archive: a non-zero exit, nothing written
        Path absent = tmp.resolve("absent");
        run(args(List.of("wal", "get", WalFile.segmentName(1, 6), absent.toString(), "--system-id", SYS_ID), withKey))
                .expect(ExitCode.USAGE);
        assertThat(absent).doesNotExist();
        // reading needs the secret key
        run(args(List.of("wal", "get", name, dest.toString(), "--system-id", SYS_ID), withWriter))
                .expect(ExitCode.USAGE);
    }

    @Test
    void verifyReportsGapsWithExitCode4() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("segs"));
        for (long s : new long[] {1, 2, 4}) {
            String name = WalFile.segmentName(1, s);
            Path f = WalFixtures.write(dir, name, WalFixtures.segment(SYS, 1, s, s));
            run(args(List.of("wal", "push", f.toString(), "--system-id", SYS_ID), withWriter))
                    .expect(ExitCode.OK);
        }
        var json = run(args(List.of("wal", "verify", "--json"), withWriter))
                .expect(ExitCode.PROBLEMS_FOUND)
                .json();
        var tl = json.path("systems").get(0).path("timelines").get(0);
        assertThat(tl.path("segments").asInt()).isEqualTo(3);
        assertThat(tl.path("gaps").get(0).path("from").asText()).isEqualTo(WalFile.segmentName(1, 3));
        var human = run(args(List.of("wal", "verify"), withWriter)).expect(ExitCode.PROBLEMS_FOUND);
        assertThat(human.out()).contains(WalFile.segmentName(1, 3)).contains("no base backup");
    }

    @Test
    void archiverEmptiesTheSpoolAndSetsAsideWhatTheRepositoryRefuses() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Path sys = Files.createDirectories(spool.resolve(SYS_ID));
        for (long s = 1; s <= 3; s++)
            WalFixtures.write(sys, WalFile.segmentName(1, s), WalFixtures.segment(SYS, 1, s, s));
        WalFixtures.write(sys, WalFile.segmentName(1, 9), WalFixtures.segment(SYS + 1, 1, 9, 9)); // another cluster's
        WalFixtures.write(sys, ".00000001000000000000000A.123", new byte[] {1}); // still being written
        Path metrics = tmp.resolve("wal.prom");
        var r = run(args(
                        List.of(
                                "wal",
                                "archiver",
                                "--spool",
                                spool.toString(),
                                "--once",
                                "--metrics-file",
                                metrics.toString(),
                                "--json"),
                        withWriter))
                .expect(ExitCode.WARNINGS)
                .json();
        assertThat(r.path("pushed").asInt()).isEqualTo(3);
        assertThat(r.path("rejected").asInt()).isEqualTo(1);
        try (var left = Files.list(sys)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".00000001000000000000000A.123");
        }
        try (var rejected = Files.list(spool.resolve("rejected").resolve(SYS_ID))) {
            assertThat(rejected.map(p -> p.getFileName().toString()))
                    .singleElement()
                    .asString()
                    .startsWith(WalFile.segmentName(1, 9));
        }
        assertThat(Files.readString(metrics))
                .contains("lifeboat_wal_rejected_total 1")
                .contains("lifeboat_wal_archived_total 3");
    }

    @Test
    void baseBackupThenARecoveryTargetOutsideTheWindowIsRefused(PgCluster cluster) throws Exception {
        var taken = run(args(
                        List.of(
                                "basebackup",
                                "--db-host",
                                cluster.host(),
                                "--db-port",
                                Integer.toString(cluster.port()),
                                "--db-user",
                                PgCluster.SUPERUSER,
                                "--instance",
                                "prod",
                                "--no-progress",
                                "--json"),
                        withWriter))
                .expect(ExitCode.OK)
                .json();
        String snapshot = taken.path("snapshot").asText();
        assertThat(taken.path("wal").path("stopWal").asText()).matches("[0-9A-F]{24}");
        var list = run(args(List.of("snapshots", "--json"), withKey))
                .expect(ExitCode.OK)
                .out();
        assertThat(list).contains(snapshot).contains("base-backup");
        // restore refuses a base backup clearly
        Path into = tmp.resolve("side");
        var refused = run(args(
                        List.of("recover", "--into", into.toString(), "--lsn", "FFFF/0", "--no-progress"), withKey))
                .expect(ExitCode.USAGE);
        assertThat(refused.err()).contains("outside the recoverable window");
        assertThat(into).doesNotExist();
        var noZone = run(args(List.of("recover", "--into", into.toString(), "--time", "2026-12-01 10:31:00"), withKey))
                .expect(ExitCode.USAGE);
        assertThat(noZone.err()).contains("time zone");
        run(args(List.of("recover", "--into", into.toString(), "--latest"), withWriter))
                .expect(ExitCode.USAGE);
        assertThat(into).doesNotExist();
    }

    @Test
    void filestoreCaptureStoresMarkedFilesOnceAndReportsTamperedOnes(io.lifeboat.testkit.TestDatabase db)
            throws Exception {
        Path dataDir = tmp.resolve("data");
        Path fs = dataDir.resolve("filestore").resolve(db.name());
        try (var c = db.connect()) {
            io.lifeboat.demo.SyntheticInstance.create(c, fs, io.lifeboat.demo.SyntheticInstance.Spec.small());
        }
        List<Path> files;
        try (var walk = Files.walk(fs)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !fs.relativize(p).toString().startsWith("checklist"))
                    .sorted()
                    .limit(3)
                    .toList();
        }
        for (Path f : files) {
            Path marker = fs.resolve("checklist").resolve(fs.relativize(f).toString());
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) Files.createFile(marker);
        }
        Files.writeString(files.get(2), "tampered after it was written");
        List<String> capture = args(
                List.of("filestore", "capture", "--instance", "prod", "--json"),
                RepoCli.instance(db, dataDir),
                List.of("-d", db.name()),
                withWriter);
        var first = run(capture).expect(ExitCode.WARNINGS).json();
        assertThat(first.path("files").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(first.path("corrupt").toString())
                .contains(files.get(2).getFileName().toString());
        var second = run(capture).expect(ExitCode.WARNINGS).json();
        assertThat(second.path("files").asInt()).isZero();
        assertThat(second.path("snapshots").size()).isZero();
        assertThat(dataDir.resolve("lifeboat").resolve("filestore-captured-" + db.name() + ".txt"))
                .exists();
        var list = run(args(List.of("snapshots", "--json"), withKey))
                .expect(ExitCode.OK)
                .out();
        assertThat(list).contains(db.name() + "+files");
    }

    @Test
    void theSpoolScriptIsDurableIdempotentAndBounded() throws Exception {
        Path script =
                Path.of("../packaging/pitr/lifeboat-wal-spool").toAbsolutePath().normalize();
        Path data = WalFixtures.dataDir(Files.createDirectories(tmp.resolve("pgdata")), SYS);
        Path spool = tmp.resolve("spool");
        String name = WalFile.segmentName(1, 7);
        Path wal = WalFixtures.write(
                Files.createDirectories(data.resolve("pg_wal")), name, WalFixtures.segment(SYS, 1, 7, 1));
        assertThat(spoolRun(script, data, spool.toString(), "pg_wal/" + name, name))
                .isZero();
        assertThat(Files.readAllBytes(spool.resolve(SYS_ID).resolve(name))).isEqualTo(Files.readAllBytes(wal));
        assertThat(spoolRun(script, data, spool.toString(), "pg_wal/" + name, name))
                .isZero(); // same again
        Files.write(wal, WalFixtures.segment(SYS, 1, 7, 2));
        assertThat(spoolRun(script, data, spool.toString(), "pg_wal/" + name, name))
                .isEqualTo(1); // different content
        String next = WalFile.segmentName(1, 8);
        WalFixtures.write(data.resolve("pg_wal"), next, WalFixtures.segment(SYS, 1, 8, 1));
        assertThat(spoolRun(script, data, spool.toString(), "pg_wal/" + next, next, "1"))
                .isEqualTo(1); // full
        assertThat(spool.resolve(SYS_ID).resolve(next)).doesNotExist();
        assertThat(spoolRun(script, data, spool.toString(), "pg_wal/" + next, "../" + next))
                .isEqualTo(2); // hostile name
        try (var files = Files.list(spool.resolve(SYS_ID))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name); // no temporary file left
        }
    }

    private static int spoolRun(Path script, Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit != 0) assertThat(out).isNotBlank(); // every refusal says why
        return exit;
    }
}
