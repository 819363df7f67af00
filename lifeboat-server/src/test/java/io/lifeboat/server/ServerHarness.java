package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A real {@code lifeboat server} for tests: a catalog (SQLite in the test's directory, or a PostgreSQL
 * database), a local backup store, and one instance on the test cluster; plus a small HTTP client.
 */
final class ServerHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path dir;
    final PgCluster cluster;
    final LifeboatServer server;
    final String adminToken;
    final HttpClient http = HttpClient.newHttpClient();
    final String base;

    ServerHarness(Path dir, PgCluster cluster, String serverName, String catalog, Path store) throws IOException {
        this(dir, cluster, writeConfig(dir, cluster, serverName, catalog, null, store));
    }

    private ServerHarness(Path dir, PgCluster cluster, Path conf) throws IOException {
        this.dir = dir;
        this.cluster = cluster;
        this.server = LifeboatServer.start(ServerConfig.load(conf));
        this.adminToken = Files.readString(dir.resolve("admin.token")).strip();
        this.base = "http://127.0.0.1:" + server.port();
    }

    /**
     * Writes the configuration of a server {@code serverName} to {@code <dir>/<serverName>.yaml} and returns
     * its path: its own data dir {@code data-<server>} and spool {@code spool-<server>}, the secret and bootstrap
     * token files shared by every server of {@code dir}, and the instance {@code main} on the test cluster.
     */
    static Path writeConfig(
            Path dir, PgCluster cluster, String serverName, String catalog, String catalogUser, Path store)
            throws IOException {
        Files.createDirectories(dir);
        Path data = dir.resolve("data-" + serverName);
        String yaml = "listen: 127.0.0.1:0\n"
                + "server-name: " + serverName + "\n"
                + "catalog: " + catalog + "\n"
                + (catalogUser == null ? "" : "catalog-user: " + catalogUser + "\n")
                + "store: " + store + "\n"
                + "spool: " + dir.resolve("spool-" + serverName) + "\n"
                + "secret-file: " + dir.resolve("server.key") + "\n"
                + "bootstrap-token-file: " + dir.resolve("admin.token") + "\n"
                + "poll-seconds: 0.2\n"
                + "heartbeat-seconds: 1\n"
                + "schedule-seconds: 1\n"
                + "instances:\n"
                + "  main:\n"
                + "    host: " + cluster.host() + "\n"
                + "    port: " + cluster.port() + "\n"
                + "    user: " + PostgresExtension.ODOO_ROLE + "\n"
                + "    data-dir: " + data + "\n"
                + "    pg-bin: " + cluster.binDir() + "\n";
        Path conf = dir.resolve(serverName + ".yaml");
        Files.writeString(conf, yaml);
        return conf;
    }

    /** A server on a SQLite catalog whose backup store is another location (e.g. s3:…) with its options. */
    static ServerHarness withStore(Path dir, PgCluster cluster, String location, java.util.Map<String, String> options)
            throws IOException {
        Path conf =
                writeConfig(dir, cluster, "web1", "sqlite:" + dir.resolve("catalog.db"), null, dir.resolve("store"));
        StringBuilder store = new StringBuilder("store: " + location + "\nstore-options:\n");
        options.forEach(
                (k, v) -> store.append("  ").append(k).append(": ").append(v).append('\n'));
        Files.writeString(
                conf, Files.readString(conf).replace("store: " + dir.resolve("store") + "\n", store.toString()));
        return new ServerHarness(dir, cluster, conf);
    }

    static ServerHarness sqlite(Path dir, PgCluster cluster) throws IOException {
        return new ServerHarness(dir, cluster, "web1", "sqlite:" + dir.resolve("catalog.db"), dir.resolve("store"));
    }

    /** A server on a SQLite catalog whose configuration has more top-level sections (YAML) at its end. */
    static ServerHarness sqlite(Path dir, PgCluster cluster, String moreYaml) throws IOException {
        Path conf =
                writeConfig(dir, cluster, "web1", "sqlite:" + dir.resolve("catalog.db"), null, dir.resolve("store"));
        Files.writeString(conf, Files.readString(conf) + moreYaml);
        return new ServerHarness(dir, cluster, conf);
    }

    /**
     * A server on a PostgreSQL catalog (a database of the test cluster, see {@link #createCatalog}); servers
     * started with the same {@code dir}, catalog and store are workers of one installation.
     */
    static ServerHarness postgres(Path dir, PgCluster cluster, String serverName, String catalogDb, Path store)
            throws IOException {
        return new ServerHarness(dir, cluster, postgresConfig(dir, cluster, serverName, catalogDb, store));
    }

    /** A server started from a configuration file written by {@link #writeConfig} (and perhaps extended). */
    static ServerHarness fromConfig(Path dir, PgCluster cluster, Path conf) throws IOException {
        return new ServerHarness(dir, cluster, conf);
    }

    static Path postgresConfig(Path dir, PgCluster cluster, String serverName, String catalogDb, Path store)
            throws IOException {
        return writeConfig(dir, cluster, serverName, cluster.jdbcUrl(catalogDb), cluster.superuser(), store);
    }

    /** Creates an empty database for a PostgreSQL catalog and returns its name; {@link #dropCatalog} removes it. */
    static String createCatalog(PgCluster cluster) throws SQLException {
        String name = "lbcat_" + Long.toHexString(System.nanoTime());
        cluster.createDatabase(name);
        return name;
    }

    static void dropCatalog(PgCluster cluster, String name) throws SQLException {
        if (name != null) cluster.dropDatabase(name);
    }

    Path dataDir() {
        return dir.resolve("data-" + server.serverName());
    }

    /** Runs a statement on the SQLite catalog of this server, beside the server, and returns its rows. */
    List<Map<String, Object>> sqlite(String sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db"));
                var st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 30000");
            if (!sql.stripLeading().toLowerCase(java.util.Locale.ROOT).startsWith("select")) {
                st.executeUpdate(sql);
                return List.of();
            }
            return Catalog.rows(c, sql);
        }
    }

    /** Makes the schedules of the (SQLite) catalog due now, as if their period had passed. */
    void makeSchedulesDue() throws SQLException {
        sqlite("UPDATE schedules SET last_backup_at = 0, last_check_at = 0");
    }

    /** Deletes one file of a database's filestore (not the checklist), for checks to find missing. */
    void removeAFilestoreFile(String database) throws IOException {
        try (var walk = Files.walk(dataDir().resolve("filestore").resolve(database))) {
            Path victim = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("checklist"))
                    .findFirst()
                    .orElseThrow();
            Files.delete(victim);
        }
    }

    /** Fills a test database with a small synthetic Odoo instance, its filestore under this server's data dir. */
    SyntheticInstance.Result fill(String database) throws SQLException, IOException {
        return fill(cluster, dataDir(), database, SyntheticInstance.Spec.small());
    }

    /** Fills a database of the cluster with a synthetic Odoo instance whose filestore is under {@code dataDir}. */
    static SyntheticInstance.Result fill(PgCluster cluster, Path dataDir, String database, SyntheticInstance.Spec spec)
            throws SQLException, IOException {
        try (Connection c = cluster.connect(database, PostgresExtension.ODOO_ROLE)) {
            return SyntheticInstance.create(c, dataDir.resolve("filestore").resolve(database), spec);
        }
    }

    record Response(int status, JsonNode body, String text) {}

    Response call(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/json");
                b.method(
                        method,
                        HttpRequest.BodyPublishers.ofString(
                                body instanceof String s ? s : JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = null;
            if (r.body() != null
                    && !r.body().isBlank()
                    && r.headers().firstValue("Content-Type").orElse("").contains("json")) {
                n = JSON.readTree(r.body());
            }
            return new Response(r.statusCode(), n, r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads a file as the request body (an Odoo zip for the import endpoint). */
    Response upload(String path, String token, Path file) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/zip")
                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            return new Response(resp.statusCode(), JSON.readTree(resp.body()), resp.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode ok(String method, String path, String token, Object body) {
        Response r = call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + ": " + r.text()).isBetween(200, 299);
        return r.body();
    }

    /** Polls a resource until a condition holds (the jobs run asynchronously). */
    JsonNode await(String path, String token, Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last[0] = ok("GET", path, token, null);
                    return done.test(last[0]);
                });
        return last[0];
    }

    static boolean ended(JsonNode n) {
        return List.of("completed", "passed", "failed", "cancelled")
                .contains(n.path("status").asText());
    }

    /** An organization, a project and a production environment on this server's instance. */
    record Setup(String org, String project, String env) {}

    Setup setup(String database, String envType) {
        String org = ok("POST", "/api/v1/organizations", adminToken, Map.of("name", "acme"))
                .path("id")
                .asText();
        String project = ok("POST", "/api/v1/organizations/" + org + "/projects", adminToken, Map.of("name", "shop"))
                .path("id")
                .asText();
        String env = ok(
                        "POST",
                        "/api/v1/projects/" + project + "/environments",
                        adminToken,
                        Map.of(
                                "name",
                                "prod",
                                "type",
                                envType,
                                "server",
                                server.serverName(),
                                "instance",
                                "main",
                                "database",
                                database))
                .path("id")
                .asText();
        return new Setup(org, project, env);
    }

    /** Makes a user with one role and returns its token. */
    String user(String name, String role, String scope) {
        Map<String, Object> binding = scope == null ? Map.of("role", role) : Map.of("role", role, "scope_id", scope);
        String id = ok("POST", "/api/v1/users", adminToken, Map.of("name", name, "roles", List.of(binding)))
                .path("id")
                .asText();
        return ok("POST", "/api/v1/users/" + id + "/tokens", adminToken, Map.of("name", "t"))
                .path("token")
                .asText();
    }

    /** Drops databases a test made (the restored copies), with the rollback points the core kept of them. */
    void drop(String... names) throws SQLException {
        drop(cluster, names);
    }

    /** Drops the named databases of a cluster and those named after them ({@code <name>_…}). */
    static void drop(PgCluster cluster, String... names) throws SQLException {
        List<String> all = cluster.databases();
        try (Connection c = cluster.connect("postgres")) {
            for (String d : all) {
                for (String n : names) {
                    if (d.equals(n) || d.startsWith(n + "_")) {
                        try (var st = c.createStatement()) {
                            st.execute("DROP DATABASE IF EXISTS \"" + d + "\" WITH (FORCE)");
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
