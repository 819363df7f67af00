package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers, {@code web1} and {@code web2}, in this JVM on one PostgreSQL catalog, one backup store and one
 * secret file: each reports itself, runs the jobs of its own environments and no other, a restore across
 * servers runs on the target's worker, and a job queued once runs once.
 */
@ExtendWith(PostgresExtension.class)
class MultiWorkerTest {
    @TempDir
    Path tmp;

    private PgCluster cluster;
    private String catalog;
    private ServerHarness web1;
    private ServerHarness web2;
    private final List<String> databases = new ArrayList<>();

    @BeforeEach
    void start(PgCluster cluster) throws Exception {
        this.cluster = cluster;
        catalog = ServerHarness.createCatalog(cluster);
        Path store = tmp.resolve("store");
        web1 = ServerHarness.postgres(tmp, cluster, "web1", catalog, store);
        web2 = ServerHarness.postgres(tmp, cluster, "web2", catalog, store);
    }

    @AfterEach
    void stop() throws SQLException {
        try {
            if (web2 != null) web2.close();
        } finally {
            try {
                if (web1 != null) web1.close();
            } finally {
                ServerHarness.drop(cluster, databases.toArray(String[]::new));
                ServerHarness.dropCatalog(cluster, catalog);
            }
        }
    }

    @Test
    void eachWorkerReportsItselfAndRunsOnlyTheJobsOfItsServer(TestDatabase db) throws Exception {
        String admin = web1.adminToken;
        JsonNode servers = awaitServers(
                web1,
                m -> m.size() == 2
                        && m.values().stream().allMatch(s -> s.path("alive").asBoolean()));
        for (String name : List.of("web1", "web2")) {
            JsonNode s = servers.get(name);
            assertThat(s.path("cores").asInt()).as(s.toString()).isPositive();
            assertThat(s.path("memory").asLong()).as(s.toString()).isPositive();
            assertThat(s.path("free_disk").asLong()).as(s.toString()).isPositive();
            assertThat(s.path("heartbeat_age_seconds").asLong())
                    .as(s.toString())
                    .isLessThan(3);
            assertThat(s.path("instances").toString()).isEqualTo("[\"main\"]");
        }
        // the other worker's API reads the same catalog
        assertThat(byName(web2.ok("GET", "/api/v1/servers", web2.adminToken, null))
                        .keySet())
                .containsExactly("web1", "web2");

        var filled = web1.fill(db.name());
        ServerHarness.Setup s = web1.setup(db.name(), "production");

        try (Watch spools = new Watch(spool("web1"), spool("web2"))) {
            // queued through web2's API, run by web1's worker: web1's spool holds the zip, web2's sees nothing
            JsonNode queued = web2.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, Map.of());
            String backupId = queued.path("id").asText();
            JsonNode backup = web1.await("/api/v1/backups/" + backupId, admin, ServerHarness::ended);
            assertThat(backup.path("status").asText()).as(backup.toString()).isEqualTo("completed");
            assertThat(backup.path("server_name").asText()).isEqualTo("web1");
            assertThat(tmp.resolve("store").resolve(BackupStore.key(s.env(), backupId)))
                    .isRegularFile();
            spools.awaitCreated(spool("web1"), "backup-" + backupId + ".zip");
            Map<Path, List<String>> seen = spools.created();
            assertThat(seen.get(spool("web2"))).noneMatch(n -> n.contains(backupId));

            // across servers: web2's worker restores it into its own data dir
            String copyDb = "lbcross_" + Long.toHexString(System.nanoTime());
            databases.add(copyDb);
            JsonNode r = web1.ok(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of(
                            "backup_id",
                            backupId,
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
                                    copyDb)));
            assertThat(r.path("server_name").asText()).isEqualTo("web2");
            JsonNode done = web1.await("/api/v1/restores/" + r.path("id").asText(), admin, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("cross_server").asBoolean()).isTrue();
            assertThat(done.path("mode").asText()).isEqualTo("cross_server");
            assertThat(done.path("is_new").asBoolean()).isTrue();
            assertThat(done.path("result")
                            .path("verification")
                            .path("missing_files")
                            .asLong())
                    .isZero();
            JsonNode staging = web1.ok(
                    "GET",
                    "/api/v1/environments/" + done.path("target_environment_id").asText(),
                    admin,
                    null);
            assertThat(staging.path("server_name").asText()).isEqualTo("web2");
            assertThat(staging.path("state").asText()).isEqualTo("ready");
            assertThat(cluster.databases()).contains(copyDb);

            Path restored = web2.dataDir().resolve("filestore").resolve(copyDb);
            assertThat(files(restored)).isEqualTo(filled.distinctFiles()).isPositive();
            assertThat(web1.dataDir().resolve("filestore").resolve(copyDb)).doesNotExist();
            String restoreId = r.path("id").asText();
            spools.awaitCreated(spool("web2"), "restore-" + restoreId + ".zip");
            seen = spools.created();
            assertThat(seen.get(spool("web1"))).noneMatch(n -> n.contains(restoreId));
        }
    }

    @Test
    void backupsQueuedTogetherOnBothServersRunExactlyOnceEachOnTheirOwnWorker(TestDatabase db) throws Exception {
        String admin = web1.adminToken;
        web1.fill(db.name());
        ServerHarness.Setup s = web1.setup(db.name(), "production");
        String db2 = "lbweb2_" + Long.toHexString(System.nanoTime());
        databases.add(db2);
        cluster.createDatabase(db2, PostgresExtension.ODOO_ROLE);
        web2.fill(db2);
        String env2 = environment(s.project(), "prod2", "web2", db2);
        Map<String, String> serverOf = Map.of(s.env(), "web1", env2, "web2");

        // a picked execution is held by the worker of its task's server, never by another one
        Set<String> strangers = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (Connection c = cluster.connect(catalog)) {
            sampler.scheduleWithFixedDelay(
                    () -> strangers.addAll(pickedByAnotherServer(c)), 0, 20, TimeUnit.MILLISECONDS);

            List<CompletableFuture<JsonNode>> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String env = i % 2 == 0 ? s.env() : env2;
                ServerHarness api = i % 4 < 2 ? web1 : web2;
                requests.add(CompletableFuture.supplyAsync(() ->
                        api.ok("POST", "/api/v1/environments/" + env + "/backups", admin, Map.of("reason", "load"))));
            }
            Map<String, String> envOf = new LinkedHashMap<>();
            for (var f : requests) {
                JsonNode q = f.join();
                envOf.put(q.path("id").asText(), q.path("environment_id").asText());
            }
            assertThat(envOf).hasSize(8);
            for (var e : envOf.entrySet()) {
                JsonNode b = web2.await("/api/v1/backups/" + e.getKey(), admin, ServerHarness::ended);
                assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("completed");
                assertThat(b.path("server_name").asText()).isEqualTo(serverOf.get(e.getValue()));
                assertThat(tmp.resolve("store").resolve(BackupStore.key(e.getValue(), e.getKey())))
                        .isRegularFile();
            }
            sampler.shutdown();
            assertThat(sampler.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

            Map<String, Integer> started = eventsPerBackup(c, "backup.started");
            Map<String, Integer> completed = eventsPerBackup(c, "backup.completed");
            for (String id : envOf.keySet()) {
                assertThat(started.get(id)).as("backup.started events of " + id).isEqualTo(1);
                assertThat(completed.get(id))
                        .as("backup.completed events of " + id)
                        .isEqualTo(1);
            }
            assertThat(started).hasSize(8);
            assertThat(strangers)
                    .as("executions picked by a worker of another server")
                    .isEmpty();
            try (Stream<Path> zips = Files.walk(tmp.resolve("store").resolve("backups"))) {
                assertThat(zips.filter(Files::isRegularFile).count()).isEqualTo(8);
            }
            assertThat(web1.ok("GET", "/api/v1/environments/" + env2 + "/backups", admin, null)
                            .path("items"))
                    .hasSize(4);
        } finally {
            sampler.shutdownNow();
        }
    }

    @Test
    void compatibleServersListsBothWorkersAndWhyOneThatStoppedReportingIsNotSuitable(TestDatabase db) throws Exception {
        String admin = web1.adminToken;
        web1.fill(db.name());
        ServerHarness.Setup s = web1.setup(db.name(), "production");
        String backupId = web1.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, Map.of())
                .path("id")
                .asText();
        JsonNode backup = web1.await("/api/v1/backups/" + backupId, admin, ServerHarness::ended);
        assertThat(backup.path("status").asText()).as(backup.toString()).isEqualTo("completed");
        long size = backup.path("size").asLong();
        awaitServers(
                web1,
                m -> m.size() == 2
                        && m.values().stream().allMatch(x -> x.path("alive").asBoolean()));

        Map<String, JsonNode> both =
                byName(web1.ok("GET", "/api/v1/backups/" + backupId + "/compatible-servers", admin, null));
        assertThat(both.keySet()).containsExactly("web1", "web2");
        for (JsonNode srv : both.values()) {
            assertThat(srv.path("suitable").asBoolean()).as(srv.toString()).isTrue();
            assertThat(srv.path("reason").isNull()).as(srv.toString()).isTrue();
            assertThat(srv.path("needed_disk").asLong()).isEqualTo(4 * size);
            assertThat(srv.path("free_disk").asLong()).isGreaterThan(4 * size);
            assertThat(srv.path("cores").asInt()).isPositive();
        }

        web2.close();
        web2 = null;
        awaitServers(web1, m -> !m.get("web2").path("alive").asBoolean());
        Map<String, JsonNode> after =
                byName(web1.ok("GET", "/api/v1/backups/" + backupId + "/compatible-servers", admin, null));
        assertThat(after.keySet()).containsExactly("web1", "web2");
        assertThat(after.get("web1").path("suitable").asBoolean()).isTrue();
        JsonNode gone = after.get("web2");
        assertThat(gone.path("suitable").asBoolean()).as(gone.toString()).isFalse();
        assertThat(gone.path("reason").asText()).as(gone.toString()).matches("no heartbeat for \\d+ s");
        assertThat(gone.path("heartbeat_age_seconds").asLong()).isGreaterThanOrEqualTo(3);

        // nor is a restore queued for a worker that does not report
        ServerHarness.Response refused = web1.call(
                "POST",
                "/api/v1/restores/v2",
                admin,
                Map.of(
                        "backup_id",
                        backupId,
                        "target",
                        Map.of("mode", "cross_server", "server", "web2", "instance", "main", "name", "late")));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.body().path("message").asText()).contains("web2").contains("has not reported");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Path spool(String server) {
        return tmp.resolve("spool-" + server);
    }

    private String environment(String project, String name, String server, String database) {
        return web1.ok(
                        "POST",
                        "/api/v1/projects/" + project + "/environments",
                        web1.adminToken,
                        Map.of(
                                "name",
                                name,
                                "type",
                                "production",
                                "server",
                                server,
                                "instance",
                                "main",
                                "database",
                                database))
                .path("id")
                .asText();
    }

    static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (JsonNode n : list.path("items")) m.put(n.path("name").asText(), n);
        return m;
    }

    /** Polls {@code GET /api/v1/servers} until the servers, by name, satisfy a condition. */
    static JsonNode awaitServers(ServerHarness api, java.util.function.Predicate<Map<String, JsonNode>> ok) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Map<String, JsonNode> m = byName(api.ok("GET", "/api/v1/servers", api.adminToken, null));
                    last[0] = ServerHarness.JSON.valueToTree(m);
                    return ok.test(m);
                });
        return last[0];
    }

    /** Picked executions of a job bound to one server held by a worker of another ({@code task@server}). */
    private static List<String> pickedByAnotherServer(Connection c) {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "select task_name, task_instance, picked_by from scheduled_tasks where picked")) {
            while (rs.next()) {
                String task = rs.getString(1);
                String server = task.substring(task.indexOf('@') + 1);
                String by = rs.getString(3);
                if (by == null || !by.startsWith(server + "-")) out.add(task + "/" + rs.getString(2) + " by " + by);
            }
        } catch (SQLException e) {
            out.add("query failed: " + e.getMessage());
        }
        return out;
    }

    private static Map<String, Integer> eventsPerBackup(Connection c, String type) throws SQLException, IOException {
        Map<String, Integer> m = new HashMap<>();
        try (var ps = c.prepareStatement("select data from events where type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = ServerHarness.JSON
                            .readTree(rs.getString(1))
                            .path("backup_id")
                            .asText();
                    m.merge(id, 1, Integer::sum);
                }
            }
        }
        return m;
    }

    static long files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** Names created in some directories (inotify): a file that came and went is still seen. */
    static final class Watch implements AutoCloseable {
        private final WatchService service = FileSystems.getDefault().newWatchService();
        private final Map<WatchKey, Path> keys = new HashMap<>();
        private final Map<Path, List<String>> created = new LinkedHashMap<>();

        Watch(Path... dirs) throws IOException {
            for (Path d : dirs) {
                Files.createDirectories(d);
                keys.put(d.register(service, StandardWatchEventKinds.ENTRY_CREATE), d);
                created.put(d, new ArrayList<>());
            }
        }

        /** Waits until a name was created in a directory (events arrive asynchronously). */
        void awaitCreated(Path dir, String name) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> created().get(dir).contains(name));
        }

        Map<Path, List<String>> created() {
            WatchKey k;
            while ((k = service.poll()) != null) {
                Path dir = keys.get(k);
                for (WatchEvent<?> e : k.pollEvents()) {
                    assertThat(e.kind()).as("events lost in " + dir).isNotEqualTo(StandardWatchEventKinds.OVERFLOW);
                    created.get(dir).add(e.context().toString());
                }
                k.reset();
            }
            return created;
        }

        @Override
        public void close() throws IOException {
            service.close();
        }
    }
}
