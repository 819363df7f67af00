package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document ({@code src/main/resources/openapi.json}) against the code and the running server:
 * every route that {@link Api} registers is documented and nothing else is; and every response of every
 * documented operation, successes and failures, has a status the document lists for that path and method,
 * the content type it names, and a JSON body valid against the schema it gives (JSON Schema 2020-12, with
 * format assertions).
 */
@ExtendWith(PostgresExtension.class)
class OpenApiContractTest {
    private static final String DOC_IRI = "https://lifeboat.invalid/openapi.json";
    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERBS = "get|post|put|patch|delete|head|options|sse|ws";
    /** A route registration with a literal path, e.g. {@code r.get("/api/v1/me", ...)}. */
    private static final Pattern ROUTE = Pattern.compile("\\br\\s*\\.\\s*(" + VERBS + ")\\s*\\(\\s*\"([^\"]*)\"");
    /** Any route registration, to catch one whose path is not a literal. */
    private static final Pattern ANY_ROUTE = Pattern.compile("\\br\\s*\\.\\s*(" + VERBS + ")\\s*\\(");
    /** A route registered on any receiver, e.g. {@code c.routes.get("/x", ...)} elsewhere than in Api.java. */
    private static final Pattern ROUTE_ANYWHERE = Pattern.compile("\\.\\s*(" + VERBS + ")\\s*\\(\\s*\"/");

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch");
    /** Operations that take no bearer token: the document must say so with an empty security list. */
    private static final Set<String> PUBLIC =
            Set.of("GET /health", "GET /metrics", "GET /api/v1/openapi.json", "GET /api/v1/downloads/{id}");

    private static final String STREAM = "GET /api/v1/events/stream";
    /** The core's result records, described loosely on purpose: they may gain fields without breaking clients. */
    private static final Set<String> LOOSE = Set.of("BackupResult", "RestoreResult", "RestoreVerification");

    private static final String NOBODY = "00000000-0000-4000-8000-000000000000";

    @TempDir
    Path tmp;

    private final String docText = resource();
    private final JsonNode doc = parse(docText);
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(Map.of(DOC_IRI, docText))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .formatAssertionsEnabled(true)
                            .build()));
    private final Map<String, Schema> compiled = new HashMap<>();
    /** Operation ("GET /api/v1/me") → the statuses whose responses were checked against the document. */
    private final Map<String, Set<Integer>> seen = new TreeMap<>();

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    // ---------------------------------------------------------------- the document against the code

    @Test
    void everyRouteOfTheApiIsDocumentedAndNothingElse() throws IOException {
        Path source = Path.of("src/main/java/io/lifeboat/server/Api.java");
        assertThat(source).as("run from the lifeboat-server module").exists();
        String text = Files.readString(source);
        assertThat(text)
                .as("the routes are registered on r = config.routes, which the patterns here read")
                .contains("var r = config.routes;");
        Set<String> routes = new TreeSet<>();
        Matcher m = ROUTE.matcher(text);
        int literal = 0;
        while (m.find()) {
            literal++;
            String verb = m.group(1);
            String method = verb.equals("sse") || verb.equals("ws") ? "GET" : verb.toUpperCase(Locale.ROOT);
            routes.add(method + " " + m.group(2).replaceAll("<([^>]+)>", "{$1}"));
        }
        int all = 0;
        Matcher any = ANY_ROUTE.matcher(text);
        while (any.find()) all++;
        assertThat(literal)
                .as("every route of Api.java has a literal path, so it can be compared with the document")
                .isEqualTo(all);
        assertThat(routes).as("routes registered in Api.java").hasSizeGreaterThan(30);
        assertThat(count(ROUTE_ANYWHERE, text))
                .as("route registrations of Api.java")
                .isEqualTo(literal);
        try (Stream<Path> files = Files.list(source.getParent())) {
            Path dashboard = source.resolveSibling("Dashboard.java");
            for (Path f : files.filter(f -> f.toString().endsWith(".java") && !f.equals(source))
                    .toList()) {
                if (f.equals(dashboard)) {
                    // the web pages are not the API: all under /ui (and / sending there), none under /api
                    Matcher d = Pattern.compile("\\.\\s*(" + VERBS + ")\\s*\\(\\s*\"(/[^\"]*)\"")
                            .matcher(Files.readString(f));
                    int pages = 0;
                    while (d.find()) {
                        pages++;
                        assertThat(d.group(2)).as("a dashboard route").matches("/|/ui/.*");
                    }
                    assertThat(pages).as("dashboard routes").isEqualTo(count(ROUTE_ANYWHERE, Files.readString(f)));
                    continue;
                }
                assertThat(count(ROUTE_ANYWHERE, Files.readString(f)))
                        .as("%s registers no route: they all are in Api.java, which this test reads", f)
                        .isZero();
            }
        }
        assertThat(operations())
                .as("the operations of openapi.json are exactly the routes of Api.java")
                .containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void theDocumentIsWellFormed() {
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText())
                .isEqualTo("bearer");
        Set<String> ids = new TreeSet<>();
        for (String key : operations()) {
            JsonNode op = operation(key);
            String path = key.substring(key.indexOf(' ') + 1);
            assertThat(ids.add(op.path("operationId").asText()))
                    .as("unique operationId of %s", key)
                    .isTrue();
            assertThat(op.path("summary").asText())
                    .as("one-line summary of %s", key)
                    .isNotBlank()
                    .doesNotContain("\n");
            JsonNode responses = op.path("responses");
            assertThat(responses.size()).as("responses of %s", key).isPositive();
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : op.path("parameters")) {
                if (p.path("in").asText().equals("path")) {
                    assertThat(p.path("required").asBoolean())
                            .as("path parameters are required")
                            .isTrue();
                    declared.add(p.path("name").asText());
                }
            }
            Set<String> inPath = new TreeSet<>();
            Matcher pm = Pattern.compile("\\{([^}]+)}").matcher(path);
            while (pm.find()) inPath.add(pm.group(1));
            assertThat(declared).as("path parameters of %s", key).isEqualTo(inPath);
            if (PUBLIC.contains(key)) {
                assertThat(op.path("security").toString())
                        .as("%s needs no token", key)
                        .isEqualTo("[]");
            } else if (key.equals(STREAM)) {
                assertThat(op.path("security").toString()).isEqualTo("[{\"bearerAuth\":[]},{\"accessToken\":[]}]");
                assertThat(op.path("parameters").toString()).contains("Last-Event-ID", "access_token");
            } else {
                assertThat(op.has("security"))
                        .as("%s takes the global bearer token", key)
                        .isFalse();
                assertThat(responses.has("401")).as("%s documents 401", key).isTrue();
            }
            Iterator<Map.Entry<String, JsonNode>> it = responses.fields();
            while (it.hasNext()) {
                var e = it.next();
                assertThat(e.getKey()).as("status of %s", key).matches("[1-5][0-9][0-9]");
                JsonNode r = e.getValue().has("$ref") ? ref(e.getValue()) : e.getValue();
                assertThat(r.path("description").asText())
                        .as("description of %s %s", key, e.getKey())
                        .isNotBlank();
                if (r.path("content").has("application/json")) {
                    assertThat(r.at("/content/application~1json/schema").isObject())
                            .as("schema of %s %s", key, e.getKey())
                            .isTrue();
                }
            }
        }
        // every $ref points at something, and every schema is a valid JSON Schema 2020-12
        List<String> refs = new ArrayList<>();
        List<String> schemaPointers = new ArrayList<>();
        walk(doc, "", refs, schemaPointers);
        for (String r : refs) {
            assertThat(r).as("local $ref").startsWith("#/");
            assertThat(doc.at(r.substring(1)).isMissingNode())
                    .as("%s resolves", r)
                    .isFalse();
        }
        Schema meta = registry.getSchema(SchemaLocation.of(META_SCHEMA));
        for (String p : schemaPointers) {
            List<Error> errors = meta.validate(doc.at(p).toString(), InputFormat.JSON);
            assertThat(errors).as("%s is a JSON Schema 2020-12", p).isEmpty();
        }
        assertThat(schemaPointers).hasSizeGreaterThan(50);
        // the server's own objects are closed so that a new or renamed field shows up here
        Iterator<Map.Entry<String, JsonNode>> it = doc.at("/components/schemas").fields();
        List<String> names = new ArrayList<>();
        while (it.hasNext()) {
            var e = it.next();
            names.add(e.getKey());
            JsonNode s = e.getValue();
            if (!s.path("type").asText().equals("object")
                    || e.getKey().contains("Request")
                    || LOOSE.contains(e.getKey())) continue;
            assertThat(s.path("additionalProperties").isBoolean()
                            && !s.path("additionalProperties").asBoolean())
                    .as("%s has additionalProperties false", e.getKey())
                    .isTrue();
            assertThat(s.path("required").size())
                    .as("%s lists its required fields", e.getKey())
                    .isPositive();
        }
        assertThat(names)
                .contains(
                        "Backup",
                        "RestorePoint",
                        "Environment",
                        "Organization",
                        "Project",
                        "Server",
                        "Schedule",
                        "AuditRecord",
                        "AuditVerification",
                        "Error",
                        "BackupPage",
                        "RestorePointPage",
                        "EnvironmentList");
    }

    private static int count(Pattern p, String text) {
        int n = 0;
        for (Matcher m = p.matcher(text); m.find(); ) n++;
        return n;
    }

    private static void walk(JsonNode n, String pointer, List<String> refs, List<String> schemas) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                var e = it.next();
                String child = pointer + "/" + escape(e.getKey());
                if (e.getKey().equals("$ref") && e.getValue().isTextual())
                    refs.add(e.getValue().asText());
                boolean schema = pointer.equals("/components/schemas")
                        || (!pointer.contains("/components/schemas")
                                && List.of("schema", "x-event-data", "x-error-event-data")
                                        .contains(e.getKey()));
                if (schema && e.getValue().isObject()) schemas.add(child);
                walk(e.getValue(), child, refs, schemas);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) walk(n.get(i), pointer + "/" + i, refs, schemas);
        }
    }

    // ---------------------------------------------------------------- the running server against the document

    @Test
    void everyResponseMatchesTheDocument(TestDatabase db) throws Exception {
        String copyDb = "lbcopy_" + Long.toHexString(System.nanoTime());
        String vaultDb = "lbvault_" + Long.toHexString(System.nanoTime());
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            base = h.base;
            h.fill(db.name());
            String admin = h.adminToken;
            String web1 = h.server.serverName();

            // no token needed
            call("GET", "/health", null, null, 200);
            call("GET", "/metrics", null, null, 200);
            JsonNode served = call("GET", "/api/v1/openapi.json", null, null, 200);
            assertThat(served).as("the served document is this one").isEqualTo(doc);

            // every operation that takes a token refuses a request without one
            for (String key : operations()) {
                if (PUBLIC.contains(key) || key.equals(STREAM)) continue;
                String method = key.substring(0, key.indexOf(' '));
                String path = key.substring(key.indexOf(' ') + 1).replaceAll("\\{[^}]+}", NOBODY);
                call(method, path, null, null, 401);
            }
            check(send("GET", "/api/v1/me", Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), null), 401);
            call("GET", "/api/v1/me", "lbt_not-a-token", null, 401);
            String adminId =
                    call("GET", "/api/v1/me", admin, null, 200).path("user_id").asText();

            // another worker of this catalog that reported once, long ago, and has not come back
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("catalog.db"));
                    var st = c.createStatement()) {
                st.executeUpdate("insert into servers (name, started_at, heartbeat_at, free_disk, cores, memory,"
                        + " instances, version) values ('web9', 0, 0, 0, 1, 1, '[\"main\"]', 'test')");
            }

            // organizations, projects, environments
            String org = call("POST", "/api/v1/organizations", admin, Map.of("name", "acme"), 201)
                    .path("id")
                    .asText();
            call("POST", "/api/v1/organizations", admin, Map.of("name", "acme"), 409);
            call("POST", "/api/v1/organizations", admin, Map.of(), 400);
            call("POST", "/api/v1/organizations", admin, "{\"name\":", 400);
            call("POST", "/api/v1/organizations", admin, "[]", 400);
            call("POST", "/api/v1/organizations", admin, Map.of("name", "-acme"), 400);
            String projects = "/api/v1/organizations/" + org + "/projects";
            String shop = call("POST", projects, admin, Map.of("name", "shop"), 201)
                    .path("id")
                    .asText();
            String gated = call("POST", projects, admin, Map.of("name", "gated", "require_approval", true), 201)
                    .path("id")
                    .asText();
            call("POST", projects, admin, Map.of("name", "shop"), 409);
            call("POST", projects, admin, null, 400);
            call("POST", "/api/v1/organizations/" + NOBODY + "/projects", admin, Map.of("name", "x"), 404);
            String shopEnvs = "/api/v1/projects/" + shop + "/environments";
            String prod = call("POST", shopEnvs, admin, env("prod", "production", web1, db.name()), 201)
                    .path("id")
                    .asText();
            String broken = call(
                            "POST",
                            shopEnvs,
                            admin,
                            env("broken", "development", web1, "lbmissing_" + Long.toHexString(System.nanoTime())),
                            201)
                    .path("id")
                    .asText();
            String remote = call("POST", shopEnvs, admin, env("remote", "staging", "web9", "remote_db"), 201)
                    .path("id")
                    .asText();
            String vault = call(
                            "POST",
                            "/api/v1/projects/" + gated + "/environments",
                            admin,
                            env("vault", "production", web1, vaultDb),
                            201)
                    .path("id")
                    .asText();
            call("POST", shopEnvs, admin, env("prod", "production", web1, "other_db"), 409);
            call("POST", shopEnvs, admin, env("qa", "qa", web1, "qa_db"), 400);
            call("POST", shopEnvs, admin, env("qa", "staging", "web7", "qa_db"), 422);
            call("POST", shopEnvs, admin, Map.of("name", "qa"), 400);
            call("POST", "/api/v1/projects/" + NOBODY + "/environments", admin, env("qa", "staging", web1, "q"), 404);

            // users and tokens
            String vera = call("POST", "/api/v1/users", admin, user("vera", "viewer", org), 201)
                    .path("id")
                    .asText();
            String max = call("POST", "/api/v1/users", admin, user("max", "project_member", shop), 201)
                    .path("id")
                    .asText();
            String ada = call("POST", "/api/v1/users", admin, user("ada", "portal_admin", null), 201)
                    .path("id")
                    .asText();
            String viewer = call("POST", "/api/v1/users/" + vera + "/tokens", admin, Map.of("name", "t"), 201)
                    .path("token")
                    .asText();
            String member = call("POST", "/api/v1/users/" + max + "/tokens", admin, null, 201)
                    .path("token")
                    .asText();
            String admin2 = call(
                            "POST",
                            "/api/v1/users/" + ada + "/tokens",
                            admin,
                            Map.of("name", "ci", "expires_in_days", 1),
                            201)
                    .path("token")
                    .asText();
            String spare = call("POST", "/api/v1/users/" + vera + "/tokens", viewer, null, 201)
                    .path("token")
                    .asText();
            call("POST", "/api/v1/users/" + vera + "/tokens", admin, Map.of("expires_in_days", 0), 400);
            call("POST", "/api/v1/users/" + adminId + "/tokens", viewer, null, 403);
            call("POST", "/api/v1/users/" + NOBODY + "/tokens", admin, null, 404);
            call("POST", "/api/v1/users/" + vera + "/tokens", admin, "[]", 400);
            call(
                    "POST",
                    "/api/v1/users",
                    admin,
                    Map.of("name", "bob", "roles", List.of(Map.of("role", "captain"))),
                    400);
            call("POST", "/api/v1/users", admin, Map.of("name", "bob", "roles", "viewer"), 400);
            call("POST", "/api/v1/users", admin, Map.of("name", "vera", "roles", List.of()), 409);
            call("POST", "/api/v1/users", admin, user("ghost", "viewer", NOBODY), 422);
            call("POST", "/api/v1/users", viewer, Map.of("name", "eve", "roles", List.of()), 403);
            JsonNode veraTokens = call("GET", "/api/v1/users/" + vera + "/tokens", viewer, null, 200);
            String adminTokenId = call("GET", "/api/v1/users/" + adminId + "/tokens", admin, null, 200)
                    .at("/items/0/id")
                    .asText();
            call("GET", "/api/v1/users/" + adminId + "/tokens", viewer, null, 403);
            call("GET", "/api/v1/users/" + NOBODY + "/tokens", admin, null, 404);
            String spareId = null;
            for (JsonNode tk : veraTokens.path("items")) {
                if (tk.path("name").asText().equals("api"))
                    spareId = tk.path("id").asText();
            }
            assertThat(spareId)
                    .as("the token vera made for herself is listed: %s", veraTokens)
                    .isNotNull();
            call("DELETE", "/api/v1/tokens/" + adminTokenId, viewer, null, 404);
            call("DELETE", "/api/v1/tokens/" + NOBODY, admin, null, 404);
            call("DELETE", "/api/v1/tokens/" + spareId, viewer, null, 204);
            call("GET", "/api/v1/me", spare, null, 401);
            call("GET", "/api/v1/users", admin, null, 200);
            call("GET", "/api/v1/users", viewer, null, 403);
            call("GET", "/api/v1/me", viewer, null, 200);

            // what each caller sees and may change
            call("GET", "/api/v1/organizations", admin, null, 200);
            call("GET", "/api/v1/organizations", viewer, null, 200);
            call("POST", "/api/v1/organizations", viewer, Map.of("name", "mine"), 403);
            call("POST", projects, viewer, Map.of("name", "mine"), 403);
            call("POST", shopEnvs, viewer, env("mine", "staging", web1, "mine_db"), 403);
            call("GET", "/api/v1/projects", admin, null, 200);
            call("GET", "/api/v1/projects", member, null, 200);
            call("GET", "/api/v1/environments", admin, null, 200);
            call("GET", "/api/v1/environments?project_id=" + shop, viewer, null, 200);
            call("GET", "/api/v1/environments/" + prod, viewer, null, 200);
            call("GET", "/api/v1/environments/" + NOBODY, admin, null, 404);
            call("GET", "/api/v1/servers", admin, null, 200);
            call("GET", "/api/v1/servers", viewer, null, 403);

            // schedules and checks
            String schedule = "/api/v1/environments/" + prod + "/schedule";
            call("GET", schedule, viewer, null, 200);
            call("PUT", schedule, admin, Map.of("enabled", false, "check_cron", "0 3 * * *"), 200);
            call("GET", schedule, viewer, null, 200);
            call("PUT", schedule, admin, Map.of("backup_cron", "every day"), 400);
            call("PUT", schedule, admin, Map.of("drill_cron", "sometimes"), 400);
            call("PUT", schedule, admin, Map.of("drills_enabled", "yes"), 400);
            call("PUT", schedule, admin, Map.of("drill_server", "nowhere"), 422);
            call("PUT", schedule, admin, Map.of("retention", Map.of("keep_daily", -1)), 400);
            call(
                    "PUT",
                    schedule,
                    admin,
                    Map.of(
                            "retention",
                            Map.of(
                                    "keep_last",
                                    0,
                                    "keep_daily",
                                    0,
                                    "keep_weekly",
                                    0,
                                    "keep_monthly",
                                    0,
                                    "keep_yearly",
                                    0)),
                    422);
            call("PUT", schedule, viewer, Map.of(), 403);
            call("PUT", schedule, admin, null, 400);
            call("GET", "/api/v1/environments/" + NOBODY + "/schedule", admin, null, 404);
            call("PUT", "/api/v1/environments/" + NOBODY + "/schedule", admin, Map.of(), 404);
            call("POST", "/api/v1/environments/" + prod + "/check", admin, null, 200);
            call("POST", "/api/v1/environments/" + prod + "/check", viewer, null, 403);
            call("POST", "/api/v1/environments/" + remote + "/check", admin, null, 422);
            call("POST", "/api/v1/environments/" + NOBODY + "/check", admin, null, 404);

            // backups
            String prodBackups = "/api/v1/environments/" + prod + "/backups";
            call("POST", prodBackups, viewer, Map.of(), 403);
            call("POST", prodBackups, admin, Map.of("type", "scheduled"), 400);
            call("POST", prodBackups, admin, "{", 400);
            call("POST", "/api/v1/environments/" + NOBODY + "/backups", admin, null, 404);
            String b1 = call("POST", prodBackups, admin, Map.of("reason", "contract"), 202)
                    .path("id")
                    .asText();
            assertThat(awaitEnded("/api/v1/backups/" + b1, admin).path("status").asText())
                    .isEqualTo("completed");
            String b3 = call("POST", "/api/v1/environments/" + broken + "/backups", admin, null, 202)
                    .path("id")
                    .asText();
            assertThat(awaitEnded("/api/v1/backups/" + b3, admin).path("status").asText())
                    .as("a backup of a database that does not exist")
                    .isEqualTo("failed");
            String b2 = call("POST", prodBackups, member, Map.of("type", "pre_upgrade"), 202)
                    .path("id")
                    .asText();
            assertThat(awaitEnded("/api/v1/backups/" + b2, member)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            call("GET", prodBackups + "?status=completed&type=manual&limit=10&offset=0", admin, null, 200);
            call("GET", prodBackups, viewer, null, 200);
            call("GET", prodBackups + "?status=lost", admin, null, 400);
            call("GET", prodBackups + "?limit=0", admin, null, 400);
            call("GET", prodBackups + "?offset=-1", admin, null, 400);
            call("GET", "/api/v1/environments/" + NOBODY + "/backups", admin, null, 404);
            // drills
            String prodDrills = "/api/v1/environments/" + prod + "/drills";
            call("POST", "/api/v1/environments/" + broken + "/drills", admin, null, 409);
            call("POST", prodDrills, viewer, null, 403);
            call("POST", prodDrills, admin, Map.of("server", "nowhere"), 422);
            call("POST", prodDrills, admin, Map.of("server", 5), 400);
            call("POST", "/api/v1/environments/" + NOBODY + "/drills", admin, null, 404);
            String d1 = call("POST", prodDrills, admin, null, 202).path("id").asText();
            assertThat(awaitEnded("/api/v1/drills/" + d1, viewer).path("status").asText())
                    .isIn("passed", "failed");
            call("GET", prodDrills, viewer, null, 200);
            call("GET", prodDrills + "?limit=0", admin, null, 400);
            call("GET", "/api/v1/environments/" + NOBODY + "/drills", admin, null, 404);
            call("GET", "/api/v1/drills/" + d1, viewer, null, 200);
            call("GET", "/api/v1/drills/" + NOBODY, admin, null, 404);
            call("GET", "/api/v1/backups/" + b1, viewer, null, 200);
            call("GET", "/api/v1/backups/" + NOBODY, admin, null, 404);
            call("GET", "/api/v1/backups/" + b1 + "/compatible-environments", admin, null, 200);
            call("GET", "/api/v1/backups/" + b1 + "/compatible-environments", member, null, 200);
            call("GET", "/api/v1/backups/" + NOBODY + "/compatible-environments", admin, null, 404);
            call("GET", "/api/v1/backups/" + b1 + "/compatible-servers", admin, null, 200);
            call("GET", "/api/v1/backups/" + b1 + "/compatible-servers", viewer, null, 403);
            call("GET", "/api/v1/backups/" + NOBODY + "/compatible-servers", admin, null, 404);

            // download links
            call("POST", "/api/v1/backups/" + b1 + "/download-link", viewer, null, 403);
            String link1 = call("POST", "/api/v1/backups/" + b1 + "/download-link", admin, null, 200)
                    .path("url")
                    .asText();
            call("POST", "/api/v1/backups/" + b1 + "/download-link?expires_in=5", admin, null, 400);
            call("POST", "/api/v1/backups/" + NOBODY + "/download-link", admin, null, 404);
            call("POST", "/api/v1/backups/" + b3 + "/download-link", admin, null, 409);
            String link2 = call("POST", "/api/v1/backups/" + b2 + "/download-link?expires_in=60", admin, null, 200)
                    .path("url")
                    .asText();
            Reply zip = check(send("GET", local(link1), Map.of(), null), 200);
            assertThat(new String(zip.bytes(), 0, 2, StandardCharsets.ISO_8859_1))
                    .as("a zip")
                    .isEqualTo("PK");
            call("GET", forged(local(link1)), null, null, 403);
            call("GET", "/api/v1/downloads/" + b1 + "?expires=1", null, null, 403);
            call("DELETE", "/api/v1/backups/" + b2, viewer, null, 403);
            call("DELETE", "/api/v1/backups/" + b2, member, null, 403);
            call("DELETE", "/api/v1/backups/" + NOBODY, admin, null, 404);
            call("DELETE", "/api/v1/backups/" + b2 + "?reason=contract", admin, null, 204);
            call("GET", local(link2), null, null, 404);

            // an Odoo zip made elsewhere, imported; a queued backup cancelled
            String importPath = "/api/v1/environments/" + prod + "/backups/import";
            call("POST", importPath + "?reason=contract", admin, zip.bytes(), 201);
            call("POST", importPath, admin, "not a zip".getBytes(StandardCharsets.UTF_8), 422);
            call("POST", importPath, viewer, zip.bytes(), 403);
            call("POST", "/api/v1/environments/" + NOBODY + "/backups/import", admin, zip.bytes(), 404);
            String queued = call("POST", "/api/v1/environments/" + remote + "/backups", admin, null, 202)
                    .path("id")
                    .asText();
            call("POST", "/api/v1/backups/" + queued + "/cancel", viewer, null, 403);
            assertThat(call("POST", "/api/v1/backups/" + queued + "/cancel", admin, null, 200)
                            .path("status")
                            .asText())
                    .as("a backup no worker picked up (web9 is gone) is cancelled at once")
                    .isEqualTo("cancelled");
            call("POST", "/api/v1/backups/" + queued + "/cancel", admin, null, 409);
            call("POST", "/api/v1/backups/" + NOBODY + "/cancel", admin, null, 404);

            // restores: into a new environment, refused ones, one that waits for approval
            String r1 = call(
                            "POST",
                            "/api/v1/restores/v2",
                            admin,
                            Map.of(
                                    "backup_id",
                                    b1,
                                    "target",
                                    Map.of("mode", "new", "name", "copy", "type", "staging", "database", copyDb)),
                            202)
                    .path("id")
                    .asText();
            assertThat(awaitEnded("/api/v1/restores/" + r1, admin)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            call("POST", "/api/v1/restores", admin, Map.of("backup_id", b1, "target_environment_id", prod), 422);
            call("POST", "/api/v1/restores", admin, Map.of(), 400);
            call("POST", "/api/v1/restores", admin, Map.of("backup_id", b1, "force", "yes"), 400);
            call("POST", "/api/v1/restores", admin, Map.of("backup_id", NOBODY, "target_environment_id", prod), 404);
            call(
                    "POST",
                    "/api/v1/restores",
                    viewer,
                    Map.of("backup_id", b1, "target_environment_id", prod, "confirm_environment_name", "prod"),
                    403);
            call("POST", "/api/v1/restores/v2", admin, Map.of("backup_id", b1), 400);
            call(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of("backup_id", b1, "target", Map.of("mode", "sideways")),
                    400);
            call(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of("backup_id", b3, "target", Map.of("mode", "original")),
                    409);
            call(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of(
                            "backup_id",
                            b1,
                            "target",
                            Map.of("mode", "cross_server", "server", "web9", "instance", "main", "name", "far")),
                    422);
            call(
                    "POST",
                    "/api/v1/restores/v2",
                    member,
                    Map.of("backup_id", b1, "target", Map.of("mode", "new", "name", "prod2", "type", "production")),
                    403);
            call(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of("backup_id", b1, "target", Map.of("mode", "existing", "environment_id", NOBODY)),
                    404);
            Map<String, Object> intoVault = new LinkedHashMap<>();
            intoVault.put("backup_id", b1);
            intoVault.put("target_environment_id", vault);
            intoVault.put("confirm_environment_name", "vault");
            intoVault.put("create_pre_restore_backup", false);
            intoVault.put("include_filestore", false);
            JsonNode r2 = call("POST", "/api/v1/restores", admin, intoVault, 202);
            assertThat(r2.path("status").asText())
                    .as("a production restore of a project that requires approval")
                    .isEqualTo("awaiting_approval");
            String r2id = r2.path("id").asText();
            call("POST", "/api/v1/restores", admin, intoVault, 409);
            call("DELETE", "/api/v1/backups/" + b1, admin, null, 409);
            call("POST", "/api/v1/restores/" + r2id + "/approve", admin, null, 403);
            call("POST", "/api/v1/restores/" + r2id + "/cancel", viewer, null, 403);
            call("POST", "/api/v1/restores/" + r2id + "/cancel", admin, "[1]", 400);
            assertThat(call("POST", "/api/v1/restores/" + r2id + "/cancel", admin, Map.of("reason", "no"), 200)
                            .path("status")
                            .asText())
                    .isEqualTo("cancelled");
            call("POST", "/api/v1/restores/" + r2id + "/approve", admin2, null, 409);
            call("POST", "/api/v1/restores/" + r2id + "/cancel", admin, null, 409);
            call("POST", "/api/v1/restores/" + NOBODY + "/cancel", admin, null, 404);
            call("POST", "/api/v1/restores/" + NOBODY + "/approve", admin2, null, 404);
            Map<String, Object> v2 = new LinkedHashMap<>(intoVault);
            v2.remove("target_environment_id");
            v2.put("target", Map.of("mode", "existing", "environment_id", vault));
            String r3 = call("POST", "/api/v1/restores/v2", admin, v2, 202)
                    .path("id")
                    .asText();
            call("POST", "/api/v1/restores/" + r3 + "/approve", admin2, null, 200);
            assertThat(awaitEnded("/api/v1/restores/" + r3, admin)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            call("GET", "/api/v1/restores", admin, null, 200);
            call(
                    "GET",
                    "/api/v1/restores?environment_id=" + vault + "&status=completed&limit=5&offset=0",
                    viewer,
                    null,
                    200);
            call("GET", "/api/v1/restores?limit=501", admin, null, 400);
            call("GET", "/api/v1/restores/" + r1, viewer, null, 200);
            call("GET", "/api/v1/restores/" + NOBODY, admin, null, 404);

            // storage and audit
            call("POST", "/api/v1/storage/test", admin, null, 200);
            call("POST", "/api/v1/storage/test", viewer, null, 403);
            call("GET", "/api/v1/audit", admin, null, 200);
            call("GET", "/api/v1/audit?actor=admin&action=restore.request&limit=5", admin, null, 200);
            call("GET", "/api/v1/audit?limit=0", admin, null, 400);
            call("GET", "/api/v1/audit?before=abc", admin, null, 400);
            call("GET", "/api/v1/audit", viewer, null, 403);
            call("GET", "/api/v1/audit/verify", admin, null, 200);
            call("GET", "/api/v1/audit/verify", viewer, null, 403);

            // live events: from the start, resumed after one, and refused without a token
            List<Sse> events = stream("?access_token=" + admin + "&last_event_id=0", Map.of(), 3);
            assertThat(events).hasSize(3);
            for (Sse e : events) {
                assertThat(e.event()).isEqualTo(parse(e.data()).path("type").asText());
                assertThat(e.id()).isEqualTo(parse(e.data()).path("id").asText());
            }
            List<Sse> resumed = stream(
                    "",
                    Map.of(
                            "Authorization",
                            "Bearer " + admin,
                            "Last-Event-ID",
                            events.get(0).id()),
                    1);
            assertThat(resumed).hasSize(1);
            assertThat(Long.parseLong(resumed.get(0).id()))
                    .isGreaterThan(Long.parseLong(events.get(0).id()));
            List<Sse> refused = stream("?access_token=lbt_not-a-token", Map.of(), 2);
            assertThat(refused).extracting(Sse::event).containsExactly("error");

            // an unknown endpoint answers with the Error of a 404 too
            Reply unknown = send("GET", "/api/v1/no-such-thing", bearer(admin), null, false);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.contentType()).startsWith("application/json");
            validate(
                    "/components/responses/NotFound/content/application~1json/schema",
                    unknown.text(),
                    "GET /api/v1/no-such-thing");

            h.drop(copyDb, vaultDb);
        }

        // every operation of the document was checked, with a success and the main failures among them
        seen.forEach((op, statuses) -> System.out.println("checked " + op + " " + statuses));
        assertThat(seen.keySet()).as("operations exercised").containsAll(operations());
        for (var e : seen.entrySet()) {
            assertThat(e.getValue()).as("a success of %s", e.getKey()).anyMatch(s -> s >= 200 && s < 300);
        }
        Set<Integer> statuses = new TreeSet<>();
        seen.values().forEach(statuses::addAll);
        assertThat(statuses).contains(200, 201, 202, 204, 400, 401, 403, 404, 409, 422);
    }

    // ---------------------------------------------------------------- checking one response

    private record Reply(int status, String contentType, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private record Sse(String event, String id, String data) {}

    /** Sends a request, checks its status and its conformance with the document, and returns its JSON body. */
    private JsonNode call(String method, String path, String token, Object body, int status) {
        Reply r = check(send(method, path, bearer(token), body), status);
        return r.bytes().length == 0 || !r.contentType().contains("json") ? null : parse(r.text());
    }

    private static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }

    private Reply check(Reply r, int status) {
        assertThat(r.status()).as("status of the response %s", r.text()).isEqualTo(status);
        return r;
    }

    private Reply send(String method, String path, Map<String, String> headers, Object body) {
        return send(method, path, headers, body, true);
    }

    /** Sends a request; a documented operation's response is checked against the document. */
    private Reply send(String method, String path, Map<String, String> headers, Object body, boolean documented) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
            headers.forEach(b::header);
            if (body instanceof byte[] bytes) {
                b.header("Content-Type", "application/zip");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
            } else if (body != null) {
                b.header("Content-Type", "application/json");
                b.method(
                        method,
                        HttpRequest.BodyPublishers.ofString(
                                body instanceof String s ? s : JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Reply r = new Reply(
                    res.statusCode(), res.headers().firstValue("Content-Type").orElse(""), res.body());
            if (documented) conform(method, path, r.status(), r.contentType(), r.bytes());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks a response against the document: its status is listed for the operation, its content type is
     * one the response names (or it has no body where none is named), and a JSON body is valid against the
     * schema. A null body is a stream whose content is checked by the caller.
     */
    private void conform(String method, String rawPath, int status, String contentType, byte[] body) {
        String path = rawPath.replaceFirst("\\?.*", "");
        String template = template(path);
        String key = method + " " + template;
        String what = key + " → " + status;
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        assertThat(doc.at(pointer).isObject()).as("%s is documented", key).isTrue();
        pointer += "/responses/" + status;
        JsonNode response = doc.at(pointer);
        String text = body == null ? "(stream)" : new String(body, StandardCharsets.UTF_8);
        assertThat(response.isMissingNode())
                .as("status %d of %s is documented; body %s", status, key, text)
                .isFalse();
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = doc.at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            assertThat(body).as("%s has no body", what).isEmpty();
        } else {
            String type = contentType.replaceFirst(";.*", "").trim().toLowerCase(Locale.ROOT);
            assertThat(content.has(type))
                    .as("%s is %s, a content type the document names: %s", what, type, content)
                    .isTrue();
            if (type.equals("application/json")) {
                validate(pointer + "/content/" + escape(type) + "/schema", text, what);
            }
        }
        seen.computeIfAbsent(key, k -> new TreeSet<>()).add(status);
    }

    private void validate(String pointer, String json, String what) {
        Schema schema = compiled.computeIfAbsent(
                pointer,
                p -> registry.getSchema(
                        SchemaLocation.of(DOC_IRI + "#" + p.replace("{", "%7B").replace("}", "%7D"))));
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        assertThat(errors).as("%s against %s: %s", what, pointer, json).isEmpty();
    }

    /** The documented path a request path falls under; a literal path wins over a templated one. */
    private String template(String path) {
        String best = null;
        int bestParams = Integer.MAX_VALUE;
        Iterator<String> it = doc.path("paths").fieldNames();
        while (it.hasNext()) {
            String t = it.next();
            StringBuilder re = new StringBuilder();
            int params = 0;
            for (String part : t.split("(?=\\{)|(?<=})")) {
                if (part.startsWith("{")) {
                    re.append("[^/]+");
                    params++;
                } else {
                    re.append(Pattern.quote(part));
                }
            }
            if (path.matches(re.toString()) && params < bestParams) {
                best = t;
                bestParams = params;
            }
        }
        if (best == null) fail("no documented path for " + path);
        return best;
    }

    private JsonNode awaitEnded(String path, String token) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last[0] = call("GET", path, token, null, 200);
                    return ServerHarness.ended(last[0]);
                });
        return last[0];
    }

    /**
     * Reads up to {@code max} events of the event stream (fewer when the server ends it), checks the response
     * against the document, and validates each event's data: an Event, or an Error for an event named error.
     */
    private List<Sse> stream(String query, Map<String, String> headers, int max) throws Exception {
        String path = "/api/v1/events/stream";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + query))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60));
        headers.forEach(b::header);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        HttpResponse<Stream<String>> res = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = res.body()) {
            conform(
                    "GET",
                    path,
                    res.statusCode(),
                    res.headers().firstValue("Content-Type").orElse(""),
                    null);
            assertThat(res.statusCode()).isEqualTo(200);
            Future<List<Sse>> read = reader.submit(() -> {
                List<Sse> out = new ArrayList<>();
                Map<String, String> fields = new HashMap<>();
                Iterator<String> it = lines.iterator();
                while (out.size() < max && it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (fields.containsKey("data")) {
                            out.add(new Sse(fields.get("event"), fields.get("id"), fields.get("data")));
                        }
                        fields.clear();
                    } else if (!line.startsWith(":")) {
                        int colon = line.indexOf(':');
                        fields.merge(
                                line.substring(0, colon),
                                line.substring(colon + 1).stripLeading(),
                                (a, c) -> a + "\n" + c);
                    }
                }
                return out;
            });
            List<Sse> events;
            try {
                events = read.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                read.cancel(true);
                throw new AssertionError("the event stream sent fewer than " + max + " events in 60 s", e);
            } catch (ExecutionException e) {
                throw new AssertionError("reading the event stream failed", e.getCause());
            }
            String media = "/paths/" + escape(path) + "/get/responses/200/content/text~1event-stream/";
            for (Sse e : events) {
                validate(
                        media + ("error".equals(e.event()) ? "x-error-event-data" : "x-event-data"),
                        e.data(),
                        "event " + e.event());
            }
            return events;
        } finally {
            reader.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers

    private String local(String url) {
        URI u = URI.create(url);
        assertThat(url).as("a link to this server").startsWith(base);
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    /** The link with the first digit of its signature changed. */
    private static String forged(String link) {
        int at = link.indexOf("signature=") + "signature=".length();
        char c = link.charAt(at);
        return link.substring(0, at) + (c == '0' ? '1' : '0') + link.substring(at + 1);
    }

    private static Map<String, Object> env(String name, String type, String server, String database) {
        return Map.of("name", name, "type", type, "server", server, "instance", "main", "database", database);
    }

    private static Map<String, Object> user(String name, String role, String scope) {
        Map<String, Object> binding = scope == null ? Map.of("role", role) : Map.of("role", role, "scope_id", scope);
        return Map.of("name", name, "roles", List.of(binding));
    }

    /** The document's operations as "METHOD /path". */
    private Set<String> operations() {
        Set<String> out = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            var p = paths.next();
            Iterator<String> methods = p.getValue().fieldNames();
            while (methods.hasNext()) {
                String m = methods.next();
                if (HTTP_METHODS.contains(m)) out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }
        return out;
    }

    private JsonNode operation(String key) {
        int sp = key.indexOf(' ');
        return doc.path("paths")
                .path(key.substring(sp + 1))
                .path(key.substring(0, sp).toLowerCase(Locale.ROOT));
    }

    private JsonNode ref(JsonNode n) {
        JsonNode target = doc.at(n.get("$ref").asText().substring(1));
        assertThat(target.isMissingNode()).as("%s resolves", n).isFalse();
        return target;
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static String resource() {
        try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.json")) {
            assertThat(in).as("openapi.json on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
