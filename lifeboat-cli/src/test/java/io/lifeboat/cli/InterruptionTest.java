package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupted runs (SIGTERM, in a separate JVM; SIGINT takes the same path) leave nothing behind; killed
 * runs (SIGKILL) leave what the next run or {@code lifeboat cleanup} removes.
 */
@ExtendWith(PostgresExtension.class)
class InterruptionTest {

    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    Path zip;
    List<String> instance;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c,
                    dataDir.resolve("filestore").resolve(db.name()),
                    SyntheticInstance.Spec.small()
                            .withAttachments(1500)
                            .withFilestoreBytes(96L << 20)
                            .withIncompressibleFraction(0.9)
                            .withBulkRows(50_000)
                            .withSeed(7));
        }
        instance = RepoCli.instance(db, dataDir);
        zip = tmp.resolve("backup.zip");
        run(args(List.of("backup", "-d", db.name(), "-o", zip.toString()), instance))
                .expect(ExitCode.OK);
    }

    @Test
    void terminatedRestoreLeavesNothing() throws Exception {
        String target = "intr_t";
        Process p = spawn(List.of("restore", zip.toString(), "-d", target), "restore-term");
        awaitOrExit(p, () -> temporaryDatabases().size() == 1 && Files.isDirectory(tempDir()));
        assertThat(p.isAlive())
                .as("restore still running when signalled; %s", err("restore-term"))
                .isTrue();
        signal(p, "TERM");
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(tmp.resolve("restore-term.log.err"))).contains("interrupted; removed");
        assertThat(temporaryDatabases()).isEmpty();
        assertThat(restoreRoles()).isEmpty();
        assertThat(RepoCli.databaseExists(db, target)).isFalse();
        assertThat(filestoreDirs()).containsExactly(db.name());
        assertThat(ledgers()).isEmpty();
    }

    @Test
    void terminatedBackupLeavesNoPartialFile() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Process p = spawn(
                args(
                        List.of(
                                "backup",
                                "-d",
                                db.name(),
                                "-o",
                                out.resolve("b.zip").toString()),
                        instance),
                "backup-term");
        awaitOrExit(p, () -> partials(out).stream().anyMatch(f -> f.toFile().length() > (8 << 20)));
        assertThat(p.isAlive()).isTrue();
        signal(p, "TERM");
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void killedBackupsPartialFileIsRemovedByTheNextBackup() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path file = out.resolve("b.zip");
        Process p = spawn(args(List.of("backup", "-d", db.name(), "-o", file.toString()), instance), "backup-kill");
        awaitOrExit(p, () -> !partials(out).isEmpty());
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        List<Path> left = partials(out);
        assertThat(left).hasSize(1);
        run(args(List.of("backup", "-d", db.name(), "-o", file.toString()), instance))
                .expect(ExitCode.OK);
        assertThat(partials(out)).isEmpty();
        assertThat(file).exists();
    }

    @Test
    void killedRestoreIsCleanedUpByCleanupAndByTheNextRestore() throws Exception {
        String target = "intr_k";
        killRestoreMidway(target, "restore-kill1");
        assertThat(temporaryDatabases()).hasSize(1);
        assertThat(restoreRoles()).hasSize(1);
        assertThat(ledgers()).hasSize(1);

        JsonNode dry = run(args(List.of("cleanup", "--dry-run", "--json"), instance))
                .expect(ExitCode.OK)
                .json();
        List<String> types = new ArrayList<>();
        for (JsonNode n : dry.path("leftovers")) {
            assertThat(n.path("action").asText()).isEqualTo("would remove");
            assertThat(n.path("origin").asText()).contains("restore " + target).contains("pid ");
            types.add(n.path("type").asText());
        }
        assertThat(types).contains("database", "role", "directory");
        assertThat(temporaryDatabases()).hasSize(1);

        run(args(List.of("cleanup"), instance)).expect(ExitCode.OK);
        assertThat(temporaryDatabases()).isEmpty();
        assertThat(restoreRoles()).isEmpty();
        assertThat(filestoreDirs()).containsExactly(db.name());
        assertThat(ledgers()).isEmpty();

        // killed again: the next restore removes what the dead run left, and says so
        killRestoreMidway(target, "restore-kill2");
        assertThat(temporaryDatabases()).hasSize(1);
        var next = run(args(List.of("restore", zip.toString(), "-d", target), instance));
        next.expect(ExitCode.OK);
        assertThat(next.err()).contains("left by restore " + target);
        assertThat(temporaryDatabases()).isEmpty();
        assertThat(restoreRoles()).isEmpty();
        assertThat(ledgers()).isEmpty();

        // a name that only looks like a leftover is kept unless --force
        String stray = "stray_lbnew_0000";
        db.cluster().createDatabase(stray, db.owner());
        run(args(List.of("cleanup"), instance)).expect(ExitCode.WARNINGS);
        assertThat(RepoCli.databaseExists(db, stray)).isTrue();
        run(args(List.of("cleanup", "--force"), instance)).expect(ExitCode.OK);
        assertThat(RepoCli.databaseExists(db, stray)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private void killRestoreMidway(String target, String log) throws Exception {
        Process p = spawn(List.of("restore", zip.toString(), "-d", target), log);
        awaitOrExit(p, () -> temporaryDatabases().size() == 1 && Files.isDirectory(tempDir()));
        assertThat(p.isAlive())
                .as("restore still running when killed; %s", err(log))
                .isTrue();
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }

    private String err(String log) throws IOException {
        return Files.readString(tmp.resolve(log + ".log.err"));
    }

    private Process spawn(List<String> command, String log) throws IOException {
        List<String> all = new ArrayList<>(command);
        if (!command.containsAll(instance)) all.addAll(instance);
        return RepoCli.spawn(all, tmp.resolve(log + ".log"));
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertThat(kill.waitFor()).isZero();
    }

    private static void awaitOrExit(Process p, java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !p.isAlive() || condition.call());
    }

    private Path tempDir() throws IOException {
        return filestoreDirs().stream()
                .filter(n -> n.contains("_lbnew_"))
                .findFirst()
                .map(n -> dataDir.resolve("filestore").resolve(n))
                .orElse(dataDir.resolve("none"));
    }

    private List<String> filestoreDirs() throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("filestore"))) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private List<Path> ledgers() throws IOException {
        Path runs = dataDir.resolve("lifeboat").resolve("runs");
        if (!Files.isDirectory(runs)) return List.of();
        try (Stream<Path> s = Files.list(runs)) {
            return s.toList();
        }
    }

    private static List<Path> partials(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".partial"))
                    .toList();
        }
    }

    private List<String> temporaryDatabases() throws SQLException {
        return db.cluster().databases().stream()
                .filter(d -> d.startsWith("intr_") && d.contains("_lbnew_"))
                .toList();
    }

    private List<String> restoreRoles() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.cluster().connect("postgres");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT rolname FROM pg_roles WHERE rolname LIKE 'lifeboat\\_restore\\_%'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
