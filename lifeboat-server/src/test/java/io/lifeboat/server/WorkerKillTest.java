package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with SIGKILL in the middle of a job: {@code web2} runs as a separate JVM ({@link ServerMain})
 * next to {@code web1} in this one, on one PostgreSQL catalog. While it is dead its job stays as it was, nothing
 * half-made shows under the target's name, and the others see it stop reporting; once it is back, the job is
 * failed cleanly (the step it died in, the new environment and the temporary database gone, nothing stored) and
 * not run a second time.
 */
@ExtendWith(PostgresExtension.class)
class WorkerKillTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    private PgCluster cluster;
    private String catalog;
    private ServerHarness web1;
    private Path web2Conf;
    private Process web2;
    private int web2Starts;
    private final List<String> databases = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        try {
            if (web2 != null && web2.isAlive()) {
                web2.destroy();
                if (!web2.waitFor(1, TimeUnit.MINUTES)) web2.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
        } finally {
            try {
                if (web1 != null) web1.close();
            } finally {
                if (cluster != null) {
                    ServerHarness.drop(cluster, databases.toArray(String[]::new));
                    ServerHarness.dropCatalog(cluster, catalog);
                }
            }
        }
    }

    @Test
    void aWorkerKilledDuringABackupOrARestoreFailsTheJobCleanlyOnceItIsBack(TestDatabase db) throws Exception {
        cluster = db.cluster();
        catalog = ServerHarness.createCatalog(cluster);
        Path store = tmp.resolve("store");
        web1 = ServerHarness.postgres(tmp, cluster, "web1", catalog, store);
        web2Conf = ServerHarness.postgresConfig(tmp, cluster, "web2", catalog, store);
        startWeb2();
        String admin = web1.adminToken;

        // an instance big enough that dumping and loading it take seconds; a copy of it on web2's instance
        ServerHarness.fill(
                cluster,
                web1.dataDir(),
                db.name(),
                SyntheticInstance.Spec.small()
                        .withAttachments(300)
                        .withFilestoreBytes(24L << 20)
                        .withBulkRows(60_000));
        String db2 = "lbkill2_" + Long.toHexString(System.nanoTime());
        databases.add(db2);
        try (Connection c = cluster.connect("postgres");
                var st = c.createStatement()) {
            st.execute(
                    "CREATE DATABASE " + db2 + " TEMPLATE \"" + db.name() + "\" OWNER " + PostgresExtension.ODOO_ROLE);
        }
        copyTree(
                web1.dataDir().resolve("filestore").resolve(db.name()),
                tmp.resolve("data-web2").resolve("filestore").resolve(db2));
        ServerHarness.Setup s = web1.setup(db.name(), "production");
        String env2 = web1.ok(
                        "POST",
                        "/api/v1/projects/" + s.project() + "/environments",
                        admin,
                        Map.of(
                                "name",
                                "prod2",
                                "type",
                                "production",
                                "server",
                                "web2",
                                "instance",
                                "main",
                                "database",
                                db2))
                .path("id")
                .asText();

        // ---- killed while it writes a backup: the backup fails after the restart, and nothing is stored
        String backupId = web1.ok("POST", "/api/v1/environments/" + env2 + "/backups", admin, Map.of())
                .path("id")
                .asText();
        Path partial = tmp.resolve("spool-web2").resolve("backup-" + backupId + ".zip");
        awaitWhileWeb2Runs(() -> {
            String st = status("/api/v1/backups/" + backupId);
            assertThat(st).as("the backup ended before it could be killed").isIn("pending", "running");
            return "running".equals(st) && Files.isRegularFile(partial) && Files.size(partial) > (1 << 20);
        });
        killWeb2();
        JsonNode dead = web1.ok("GET", "/api/v1/backups/" + backupId, admin, null);
        assertThat(dead.path("status").asText()).as(dead.toString()).isEqualTo("running");
        assertThat(storedFiles(store, env2)).isEmpty();
        awaitWeb2Alive(false);

        startWeb2();
        JsonNode failedBackup = web1.await("/api/v1/backups/" + backupId, admin, ServerHarness::ended);
        assertThat(failedBackup.path("status").asText())
                .as(failedBackup.toString())
                .isEqualTo("failed");
        assertThat(failedBackup.path("error_message").asText()).contains("worker stopped");
        assertThat(failedBackup.path("store_key").isNull()).isTrue();
        assertThat(partial).as("the partial zip in the spool").doesNotExist();
        assertThat(storedFiles(store, env2)).isEmpty();
        assertThat(events("backup.started", "backup_id", backupId))
                .as("the backup ran once")
                .isEqualTo(1);
        assertThat(events("backup.failed", "backup_id", backupId)).isEqualTo(1);

        // ---- killed while it restores into a new environment on web2
        String completed = web1.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, Map.of())
                .path("id")
                .asText();
        JsonNode source = web1.await("/api/v1/backups/" + completed, admin, ServerHarness::ended);
        assertThat(source.path("status").asText()).as(source.toString()).isEqualTo("completed");
        String target = "lbkill_" + Long.toHexString(System.nanoTime());
        databases.add(target);
        JsonNode queued = web1.ok(
                "POST",
                "/api/v1/restores/v2",
                admin,
                Map.of(
                        "backup_id",
                        completed,
                        "target",
                        Map.of(
                                "mode",
                                "cross_server",
                                "server",
                                "web2",
                                "instance",
                                "main",
                                "name",
                                "staging",
                                "type",
                                "staging",
                                "database",
                                target)));
        String restoreId = queued.path("id").asText();
        String newEnv = queued.path("target_environment_id").asText();
        assertThat(web1.ok("GET", "/api/v1/environments/" + newEnv, admin, null)
                        .path("state")
                        .asText())
                .isEqualTo("restoring");
        // killed in the middle of the load: the step is a restore step and the core's temporary database exists
        awaitWhileWeb2Runs(() -> {
            List<String> dbs = cluster.databases();
            assertThat(dbs)
                    .as("nothing under the target's name before the swap")
                    .doesNotContain(target);
            JsonNode r = web1.ok("GET", "/api/v1/restores/" + restoreId, admin, null);
            assertThat(r.path("status").asText())
                    .as("the restore ended before it could be killed")
                    .isIn("pending", "running");
            return List.of("restoring_db", "restoring_files")
                            .contains(r.path("step").asText())
                    && dbs.stream().anyMatch(d -> d.startsWith(target + "_lbnew_"));
        });
        killWeb2();
        List<String> temporary = cluster.databases().stream()
                .filter(d -> d.startsWith(target + "_lbnew_"))
                .toList();
        assertThat(temporary).as("the killed restore's temporary database").hasSize(1);
        String suffix = temporary.get(0).substring((target + "_lbnew_").length());
        assertThat(cluster.databases())
                .as("no half-made database under the target's name")
                .doesNotContain(target);
        JsonNode interrupted = web1.ok("GET", "/api/v1/restores/" + restoreId, admin, null);
        assertThat(interrupted.path("status").asText())
                .as(interrupted.toString())
                .isEqualTo("running");
        String diedIn = interrupted.path("step").asText();
        assertThat(diedIn).isIn("restoring_db", "restoring_files");
        awaitWeb2Alive(false);

        startWeb2();
        JsonNode failed = web1.await("/api/v1/restores/" + restoreId, admin, ServerHarness::ended);
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.path("error_step").asText()).as(failed.toString()).isEqualTo(diedIn);
        assertThat(failed.path("error_message").asText())
                .as(failed.toString())
                .contains("worker stopped")
                .contains(diedIn);
        assertThat(failed.path("cross_server").asBoolean()).isTrue();
        assertThat(web1.call("GET", "/api/v1/environments/" + newEnv, admin, null)
                        .status())
                .as("the new environment's record")
                .isEqualTo(404);
        assertThat(web1.ok("GET", "/api/v1/environments", admin, null).path("items"))
                .noneMatch(e -> e.path("name").asText().equals("staging"));
        List<String> after = cluster.databases();
        assertThat(after).doesNotContain(target);
        assertThat(after).as("temporary databases of the restore").noneMatch(d -> d.contains("_lbnew_" + suffix));
        assertThat(roles("lifeboat_restore_" + suffix)).as("the restore's role").isZero();
        Path filestores = tmp.resolve("data-web2").resolve("filestore");
        assertThat(filestores.resolve(target)).doesNotExist();
        assertThat(tmp.resolve("spool-web2").resolve("restore-" + restoreId + ".zip"))
                .as("the download in the spool")
                .doesNotExist();
        assertThat(filestores.resolve(temporary.get(0))).doesNotExist();
        assertThat(events("restore.started", "restore_id", restoreId))
                .as("the restore ran once")
                .isEqualTo(1);
        assertThat(events("restore.failed", "restore_id", restoreId)).isEqualTo(1);

        // the restarted worker works: a backup of its environment completes
        String again = web1.ok("POST", "/api/v1/environments/" + env2 + "/backups", admin, Map.of())
                .path("id")
                .asText();
        JsonNode ok = web1.await("/api/v1/backups/" + again, admin, ServerHarness::ended);
        assertThat(ok.path("status").asText()).as(ok.toString()).isEqualTo("completed");
        assertThat(storedFiles(store, env2)).containsExactly(again + ".zip");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Starts web2 as its own JVM: {@code java -cp <this classpath> io.lifeboat.server.ServerMain web2.yaml}. */
    private void startWeb2() throws IOException {
        String home = System.getenv("JAVA_HOME");
        if (home == null || home.isBlank()) home = System.getProperty("java.home");
        Path log = tmp.resolve("web2-" + ++web2Starts + ".log");
        web2 = new ProcessBuilder(
                        Path.of(home, "bin", "java").toString(),
                        "-Xmx512m",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServerMain.class.getName(),
                        web2Conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitWhileWeb2Runs(() -> Files.readString(log).contains("lifeboat server web2 listening on"));
        awaitWeb2Alive(true);
    }

    /** SIGKILL; the process must still have been running (exit status 128 + 9). */
    private void killWeb2() throws InterruptedException {
        assertThat(web2.isAlive()).as("web2 runs until it is killed: " + log()).isTrue();
        web2.destroyForcibly();
        assertThat(web2.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(web2.exitValue()).isEqualTo(137);
    }

    private void awaitWhileWeb2Runs(Callable<Boolean> condition) {
        Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(web2.isAlive()).as("web2 stopped on its own: " + log()).isTrue();
            return condition.call();
        });
    }

    private void awaitWeb2Alive(boolean alive) {
        MultiWorkerTest.awaitServers(
                web1, m -> m.containsKey("web2") && m.get("web2").path("alive").asBoolean() == alive);
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("web2-" + web2Starts + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String status(String path) {
        return web1.ok("GET", path, web1.adminToken, null).path("status").asText();
    }

    private static List<String> storedFiles(Path store, String environment) throws IOException {
        Path dir = store.resolve("backups").resolve(environment);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir))
                    .map(p -> dir.relativize(p).toString())
                    .toList();
        }
    }

    /** Events of a type in the catalog whose data names an id ({@code backup_id} or {@code restore_id}). */
    private long events(String type, String key, String id) throws SQLException, IOException {
        long n = 0;
        try (Connection c = cluster.connect(catalog);
                var ps = c.prepareStatement("select data from events where type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (ServerHarness.JSON
                            .readTree(rs.getString(1))
                            .path(key)
                            .asText()
                            .equals(id)) n++;
                }
            }
        }
        return n;
    }

    private long roles(String name) throws SQLException {
        try (Connection c = cluster.connect("postgres");
                var ps = c.prepareStatement("select count(*) from pg_roles where rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }
}
