package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, through the HTTP API of one real server: every role against every operation and
 * environment type, with the exact status; then the rules that need more than one call (source and target
 * of a restore checked apart, the typed name of a production environment, the second admin's approval) and
 * the tokens that are refused.
 *
 * <p>One server, one organization "acme" with the project "shop" (a production environment "prod" and a
 * staging environment "stage", each with one completed backup), a second project "warehouse" in acme and a
 * second organization "globex". Restores the matrix accepts are cancelled (or run out) before the next
 * row, so every row starts from the same state.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionsTest {

    /** The callers of the matrix: a role and where it is bound. */
    enum Who {
        PORTAL_ADMIN("portal_admin", Scope.GLOBAL),
        ORG_OWNER("org_owner", Scope.ORG),
        ORG_ADMIN("org_admin", Scope.ORG),
        PROJECT_ADMIN("project_admin", Scope.PROJECT),
        PROJECT_MEMBER("project_member", Scope.PROJECT),
        VIEWER_OF_PROJECT("viewer", Scope.PROJECT),
        VIEWER_OF_ORG("viewer", Scope.ORG),
        /** org_admin of globex only. */
        ADMIN_OF_OTHER_ORG("org_admin", Scope.OTHER_ORG),
        /** project_admin of acme/warehouse only. */
        ADMIN_OF_OTHER_PROJECT("project_admin", Scope.OTHER_PROJECT);

        final String role;
        final Scope scope;

        Who(String role, Scope scope) {
            this.role = role;
            this.scope = scope;
        }
    }

    enum Scope {
        GLOBAL,
        ORG,
        PROJECT,
        OTHER_ORG,
        OTHER_PROJECT
    }

    enum Op {
        LIST_BACKUPS,
        VIEW_BACKUP,
        CREATE_BACKUP,
        /** Restores the backup of the given environment type into "prod" (with its typed name). */
        RESTORE_INTO_PRODUCTION,
        /** Restores the backup of the given environment type into "stage". */
        RESTORE_INTO_STAGING,
        CREATE_ENVIRONMENT,
        LIST_SERVERS,
        COMPATIBLE_SERVERS,
        READ_AUDIT
    }

    /**
     * The expected statuses, one column per {@link Who} in declaration order: portal admin, org owner, org
     * admin, project admin, project member, viewer of the project, viewer of the organization, admin of
     * another organization, admin of another project of the same organization.
     */
    private static final Map<Op, int[]> EXPECTED = new EnumMap<>(Map.of(
            Op.LIST_BACKUPS, new int[] {200, 200, 200, 200, 200, 200, 200, 404, 404},
            Op.VIEW_BACKUP, new int[] {200, 200, 200, 200, 200, 200, 200, 404, 404},
            Op.CREATE_BACKUP, new int[] {202, 202, 202, 202, 202, 403, 403, 404, 404},
            Op.RESTORE_INTO_PRODUCTION, new int[] {202, 202, 202, 202, 403, 403, 403, 404, 404},
            Op.RESTORE_INTO_STAGING, new int[] {202, 202, 202, 202, 202, 403, 403, 404, 404},
            Op.CREATE_ENVIRONMENT, new int[] {201, 201, 201, 201, 403, 403, 403, 404, 404},
            // servers are shared by all organizations: an admin of any organization lists them
            Op.LIST_SERVERS, new int[] {200, 200, 200, 403, 403, 403, 403, 200, 403},
            Op.COMPATIBLE_SERVERS, new int[] {200, 200, 200, 403, 403, 403, 403, 404, 404},
            Op.READ_AUDIT, new int[] {200, 403, 403, 403, 403, 403, 403, 403, 403}));

    private static final List<String> TYPES = List.of("production", "staging");

    ServerHarness h;
    String org;
    String project;
    String otherOrg;
    String otherProject;
    String prodEnv;
    String stageEnv;
    /** Environment type of the source → its completed backup. */
    final Map<String, String> backupOf = new LinkedHashMap<>();
    /** Environment type → environment id in acme/shop. */
    final Map<String, String> envOf = new LinkedHashMap<>();

    final Map<Who, User> users = new EnumMap<>(Who.class);
    /** Databases this class makes besides the test database (dropped with their rollback copies). */
    final List<String> databases = new ArrayList<>();

    String sourceDb;
    /** Cancels of accepted restores that failed with a server error (see {@link #noCancelOfARestoreFailed}). */
    final List<String> failedCancels = new ArrayList<>();

    record User(String id, String name, String token) {}

    @BeforeAll
    void start(TestDatabase db, @TempDir Path tmp) throws Exception {
        sourceDb = db.name();
        h = ServerHarness.sqlite(tmp, db.cluster());
        h.fill(db.name());
        // the staging database: a copy of the filled one, with a copy of its filestore
        String stageDb = newDatabaseName("stage");
        try (Connection c = db.cluster().connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + stageDb + "\" TEMPLATE \"" + db.name() + "\" OWNER "
                    + PostgresExtension.ODOO_ROLE);
        }
        Path filestore = h.dataDir().resolve("filestore");
        try (Stream<Path> files = Files.walk(filestore.resolve(db.name()))) {
            for (Path f : files.toList()) {
                Files.copy(
                        f,
                        filestore
                                .resolve(stageDb)
                                .resolve(filestore
                                        .resolve(db.name())
                                        .relativize(f)
                                        .toString()));
            }
        }

        ServerHarness.Setup s = h.setup(db.name(), "production");
        org = s.org();
        project = s.project();
        prodEnv = s.env();
        stageEnv = environment(h.adminToken, project, "stage", "staging", stageDb);
        envOf.put("production", prodEnv);
        envOf.put("staging", stageEnv);
        otherProject = h.ok(
                        "POST", "/api/v1/organizations/" + org + "/projects", h.adminToken, Map.of("name", "warehouse"))
                .path("id")
                .asText();
        otherOrg = h.ok("POST", "/api/v1/organizations", h.adminToken, Map.of("name", "globex"))
                .path("id")
                .asText();
        h.ok("POST", "/api/v1/organizations/" + otherOrg + "/projects", h.adminToken, Map.of("name", "depot"));

        for (String type : TYPES) {
            JsonNode b = h.ok("POST", "/api/v1/environments/" + envOf.get(type) + "/backups", h.adminToken, null);
            JsonNode done = h.await("/api/v1/backups/" + b.path("id").asText(), h.adminToken, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            backupOf.put(type, done.path("id").asText());
        }
        for (Who w : Who.values()) {
            String scope = switch (w.scope) {
                case GLOBAL -> null;
                case ORG -> org;
                case PROJECT -> project;
                case OTHER_ORG -> otherOrg;
                case OTHER_PROJECT -> otherProject;
            };
            users.put(w, user(w.name().toLowerCase(java.util.Locale.ROOT), roles(w.role, scope)));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (h == null) return;
        try {
            assertNothingQueued();
            List<String> drop = new ArrayList<>(databases);
            drop.add(sourceDb + "_lbold");
            drop.add(sourceDb + "_lbnew");
            h.drop(drop.toArray(String[]::new));
        } finally {
            h.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- matrix

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (Op op : Op.values()) {
            List<String> types = op == Op.LIST_SERVERS || op == Op.READ_AUDIT ? List.of("-") : TYPES;
            for (String type : types) {
                for (Who who : Who.values()) {
                    rows.add(Arguments.of(op, type, who, EXPECTED.get(op)[who.ordinal()]));
                }
            }
        }
        return rows.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0} [{1}] as {2} -> {3}")
    @MethodSource("matrix")
    void matrix(Op op, String type, Who who, int expected) {
        String token = users.get(who).token();
        ServerHarness.Response r = switch (op) {
            case LIST_BACKUPS -> h.call("GET", "/api/v1/environments/" + envOf.get(type) + "/backups", token, null);
            case VIEW_BACKUP -> h.call("GET", "/api/v1/backups/" + backupOf.get(type), token, null);
            case CREATE_BACKUP ->
                h.call(
                        "POST",
                        "/api/v1/environments/" + envOf.get(type) + "/backups",
                        token,
                        Map.of("reason", "matrix"));
            case RESTORE_INTO_PRODUCTION ->
                h.call(
                        "POST",
                        "/api/v1/restores",
                        token,
                        Map.of(
                                "backup_id",
                                backupOf.get(type),
                                "target_environment_id",
                                prodEnv,
                                "confirm_environment_name",
                                "prod"));
            case RESTORE_INTO_STAGING ->
                h.call(
                        "POST",
                        "/api/v1/restores",
                        token,
                        Map.of("backup_id", backupOf.get(type), "target_environment_id", stageEnv));
            case CREATE_ENVIRONMENT ->
                h.call(
                        "POST",
                        "/api/v1/projects/" + project + "/environments",
                        token,
                        Map.of(
                                "name",
                                "e-" + who.ordinal() + "-" + type,
                                "type",
                                type,
                                "server",
                                "web1",
                                "instance",
                                "main",
                                "database",
                                "lbperm_unused_" + who.ordinal() + "_" + type));
            case LIST_SERVERS -> h.call("GET", "/api/v1/servers", token, null);
            case COMPATIBLE_SERVERS ->
                h.call("GET", "/api/v1/backups/" + backupOf.get(type) + "/compatible-servers", token, null);
            case READ_AUDIT -> h.call("GET", "/api/v1/audit", token, null);
        };
        try {
            assertThat(r.status())
                    .as(op + " [" + type + "] as " + who + ": " + r.text())
                    .isEqualTo(expected);
            if (expected >= 300) {
                assertThat(r.body().path("error").asText()).isEqualTo(expected == 403 ? "forbidden" : "not_found");
                return;
            }
            JsonNode b = r.body();
            switch (op) {
                case LIST_BACKUPS ->
                    assertThat(b.path("items").findValuesAsText("id")).contains(backupOf.get(type));
                case VIEW_BACKUP -> assertThat(b.path("status").asText()).isEqualTo("completed");
                case CREATE_BACKUP -> {
                    assertThat(b.path("requested_by").asText())
                            .isEqualTo(users.get(who).name());
                    JsonNode done = h.await("/api/v1/backups/" + b.path("id").asText(), token, ServerHarness::ended);
                    idle();
                    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
                }
                case RESTORE_INTO_PRODUCTION, RESTORE_INTO_STAGING -> {
                    assertThat(b.path("status").asText()).isIn("pending", "running");
                    assertThat(b.path("target_environment_id").asText())
                            .isEqualTo(op == Op.RESTORE_INTO_PRODUCTION ? prodEnv : stageEnv);
                }
                case CREATE_ENVIRONMENT -> assertThat(b.path("type").asText()).isEqualTo(type);
                case LIST_SERVERS ->
                    assertThat(b.path("items").findValuesAsText("name")).contains("web1");
                case COMPATIBLE_SERVERS ->
                    assertThat(b.path("items").findValuesAsText("name")).contains("web1");
                case READ_AUDIT -> assertThat(b.path("items")).isNotEmpty();
            }
        } finally {
            if (r.status() == 202 && (op == Op.RESTORE_INTO_PRODUCTION || op == Op.RESTORE_INTO_STAGING)) {
                end(r.body().path("id").asText());
            }
        }
    }

    // ---------------------------------------------------------------------------- rules over several calls

    @Order(2)
    @Test
    void sourceAndTargetOfARestoreAreCheckedApart() throws Exception {
        String whDb = newDatabaseName("wh");
        String whEnv = environment(h.adminToken, otherProject, "wh-stage", "staging", whDb);
        String backup = backupOf.get("production");
        Map<String, Object> intoWarehouse = Map.of("backup_id", backup, "target_environment_id", whEnv);

        // may restore into warehouse, may not see shop's backup: the backup is not found
        ServerHarness.Response hidden = h.call(
                "POST",
                "/api/v1/restores",
                users.get(Who.ADMIN_OF_OTHER_PROJECT).token(),
                intoWarehouse);
        assertThat(hidden.status()).as(hidden.text()).isEqualTo(404);
        assertThat(hidden.body().path("message").asText()).contains("backup " + backup);

        // may restore from shop, may not see warehouse: the target environment is not found
        ServerHarness.Response unseen =
                h.call("POST", "/api/v1/restores", users.get(Who.PROJECT_MEMBER).token(), intoWarehouse);
        assertThat(unseen.status()).as(unseen.text()).isEqualTo(404);
        assertThat(unseen.body().path("message").asText()).contains("environment " + whEnv);

        // sees both, may restore in shop only: forbidden in the target
        User memberViewer = user("member-shop-viewer-wh", roles("project_member", project, "viewer", otherProject));
        ServerHarness.Response refused = h.call("POST", "/api/v1/restores", memberViewer.token(), intoWarehouse);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);

        // sees shop's backup (viewer) and may restore into warehouse: accepted
        User bridge = user("viewer-shop-admin-wh", roles("viewer", project, "project_admin", otherProject));
        ServerHarness.Response accepted = h.call("POST", "/api/v1/restores", bridge.token(), intoWarehouse);
        try {
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            assertThat(accepted.body().path("mode").asText()).isEqualTo("existing");
            assertThat(accepted.body().path("project_id").asText()).isEqualTo(otherProject);
        } finally {
            if (accepted.status() == 202) end(accepted.body().path("id").asText());
        }
        // and still may not restore into shop itself, where it only views
        ServerHarness.Response ownSource = h.call(
                "POST",
                "/api/v1/restores",
                bridge.token(),
                Map.of("backup_id", backup, "target_environment_id", stageEnv));
        assertThat(ownSource.status()).as(ownSource.text()).isEqualTo(403);
    }

    @Order(2)
    @Test
    void productionNeedsItsNameTypedExactly() {
        String token = users.get(Who.PROJECT_ADMIN).token();
        String backup = backupOf.get("staging");
        Map<String, Object> base = Map.of("backup_id", backup, "target_environment_id", prodEnv);

        ServerHarness.Response missing = h.call("POST", "/api/v1/restores", token, base);
        assertThat(missing.status()).as(missing.text()).isEqualTo(422);
        assertThat(missing.body().path("message").asText()).contains("confirm_environment_name");
        for (String wrong : List.of("Prod", "prod ", "stage", "")) {
            ServerHarness.Response r = h.call("POST", "/api/v1/restores", token, with(base, wrong));
            assertThat(r.status()).as("confirm '" + wrong + "': " + r.text()).isEqualTo(422);
        }
        // the same call over v2 is refused the same way
        ServerHarness.Response v2 = h.call(
                "POST",
                "/api/v1/restores/v2",
                token,
                Map.of(
                        "backup_id",
                        backup,
                        "target",
                        Map.of("mode", "existing", "environment_id", prodEnv),
                        "confirm_environment_name",
                        "production"));
        assertThat(v2.status()).as(v2.text()).isEqualTo(422);
        // a role that may not restore production is refused for that, typed name or not
        ServerHarness.Response member =
                h.call("POST", "/api/v1/restores", users.get(Who.PROJECT_MEMBER).token(), with(base, "prod"));
        assertThat(member.status()).as(member.text()).isEqualTo(403);
        assertNothingQueued();

        ServerHarness.Response right = h.call("POST", "/api/v1/restores", token, with(base, "prod"));
        try {
            assertThat(right.status()).as(right.text()).isEqualTo(202);
        } finally {
            if (right.status() == 202) end(right.body().path("id").asText());
        }
        // a staging target needs no typed name
        ServerHarness.Response staging = h.call(
                "POST",
                "/api/v1/restores",
                token,
                Map.of("backup_id", backupOf.get("production"), "target_environment_id", stageEnv));
        try {
            assertThat(staging.status()).as(staging.text()).isEqualTo(202);
        } finally {
            if (staging.status() == 202) end(staging.body().path("id").asText());
        }
    }

    @Order(2)
    @Test
    void aProjectThatRequiresApprovalHoldsProductionRestoresForASecondAdmin() throws Exception {
        String vault = h.ok(
                        "POST",
                        "/api/v1/organizations/" + org + "/projects",
                        h.adminToken,
                        Map.of("name", "vault", "require_approval", true))
                .path("id")
                .asText();
        assertThat(h.ok("GET", "/api/v1/projects", h.adminToken, null)
                        .path("items")
                        .findValues("require_approval"))
                .extracting(JsonNode::asBoolean)
                .contains(true);
        String liveDb = newDatabaseName("live");
        String live = environment(h.adminToken, vault, "live", "production", liveDb);
        User requester = user("vault-requester", roles("project_admin", vault, "viewer", project));
        User second = user("vault-approver", roles("project_admin", vault));
        User member = user("vault-member", roles("project_member", vault));
        User viewer = user("vault-viewer", roles("viewer", vault));

        JsonNode held = h.ok(
                "POST",
                "/api/v1/restores",
                requester.token(),
                Map.of(
                        "backup_id",
                        backupOf.get("production"),
                        "target_environment_id",
                        live,
                        "confirm_environment_name",
                        "live",
                        "reason",
                        "load production into the vault"));
        String id = held.path("id").asText();
        assertThat(held.path("status").asText()).isEqualTo("awaiting_approval");
        assertThat(held.path("approved_by").isNull()).isTrue();

        ServerHarness.Response own = h.call("POST", "/api/v1/restores/" + id + "/approve", requester.token(), null);
        assertThat(own.status()).as(own.text()).isEqualTo(403);
        ServerHarness.Response byMember = h.call("POST", "/api/v1/restores/" + id + "/approve", member.token(), null);
        assertThat(byMember.status()).as(byMember.text()).isEqualTo(403);
        ServerHarness.Response byViewer = h.call("POST", "/api/v1/restores/" + id + "/approve", viewer.token(), null);
        assertThat(byViewer.status()).as(byViewer.text()).isEqualTo(403);
        ServerHarness.Response byStranger = h.call(
                "POST",
                "/api/v1/restores/" + id + "/approve",
                users.get(Who.ADMIN_OF_OTHER_ORG).token(),
                null);
        assertThat(byStranger.status()).as(byStranger.text()).isEqualTo(404);
        assertThat(h.ok("GET", "/api/v1/restores/" + id, h.adminToken, null)
                        .path("status")
                        .asText())
                .isEqualTo("awaiting_approval");

        JsonNode approved = h.ok("POST", "/api/v1/restores/" + id + "/approve", second.token(), null);
        assertThat(approved.path("status").asText()).isIn("pending", "running", "completed");
        assertThat(approved.path("approved_by").asText()).isEqualTo("vault-approver");
        ServerHarness.Response twice = h.call("POST", "/api/v1/restores/" + id + "/approve", h.adminToken, null);
        assertThat(twice.status()).as(twice.text()).isEqualTo(409);

        JsonNode done = h.await("/api/v1/restores/" + id, second.token(), ServerHarness::ended);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("requested_by").asText()).isEqualTo("vault-requester");
        assertThat(done.path("approved_by").asText()).isEqualTo("vault-approver");
        assertThat(h.cluster.databases()).contains(liveDb);

        // a staging environment of the same project is not held
        String qa = environment(h.adminToken, vault, "qa", "staging", newDatabaseName("qa"));
        ServerHarness.Response staging = h.call(
                "POST",
                "/api/v1/restores",
                requester.token(),
                Map.of("backup_id", backupOf.get("production"), "target_environment_id", qa));
        try {
            assertThat(staging.status()).as(staging.text()).isEqualTo(202);
            assertThat(staging.body().path("status").asText()).isIn("pending", "running");
        } finally {
            if (staging.status() == 202) end(staging.body().path("id").asText());
        }
    }

    @Order(2)
    @Test
    void unknownMalformedExpiredAndRevokedTokensAre401() throws Exception {
        String backups = "/api/v1/environments/" + prodEnv + "/backups";
        for (String path : List.of("/api/v1/me", backups, "/api/v1/audit")) {
            assertThat(h.call("GET", path, "lbt_" + "x".repeat(43), null).status())
                    .as("unknown token on " + path)
                    .isEqualTo(401);
            assertThat(h.call("GET", path, null, null).status())
                    .as("no token on " + path)
                    .isEqualTo(401);
        }
        assertThat(h.call("POST", backups, "not-a-token", null).status()).isEqualTo(401);
        assertThat(h.http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.base + "/api/v1/me"))
                                        .header("Authorization", "Basic YWRtaW46YWRtaW4=")
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("a non-bearer Authorization header")
                .isEqualTo(401);

        User u = users.get(Who.PROJECT_MEMBER);
        JsonNode month =
                h.ok("POST", "/api/v1/users/" + u.id() + "/tokens", h.adminToken, Map.of("expires_in_days", 30));
        assertThat(Duration.between(
                        Instant.now(), Instant.parse(month.path("expires_at").asText())))
                .isBetween(Duration.ofDays(29), Duration.ofDays(31));
        assertThat(h.ok("GET", "/api/v1/me", month.path("token").asText(), null)
                        .path("name")
                        .asText())
                .isEqualTo(u.name());

        // the lifetime is whole days from 1 to 3650; a token cannot be made already expired
        for (Object days : List.of(0, -1, 3651, "x", "30")) {
            ServerHarness.Response bad = h.call(
                    "POST", "/api/v1/users/" + u.id() + "/tokens", h.adminToken, Map.of("expires_in_days", days));
            assertThat(bad.status())
                    .as("expires_in_days " + days + ": " + bad.text())
                    .isEqualTo(400);
        }
        // so a token past its expiry is made in the catalog: it is refused
        String expired = h.ok("POST", "/api/v1/users/" + u.id() + "/tokens", h.adminToken, Map.of("name", "old"))
                .path("token")
                .asText();
        assertThat(h.call("GET", "/api/v1/me", expired, null).status()).isEqualTo(200);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + h.dir.resolve("catalog.db"));
                var st = c.prepareStatement("update tokens set expires_at = ? where name = 'old'")) {
            c.createStatement().execute("pragma busy_timeout = 30000");
            st.setLong(1, System.currentTimeMillis() - 1000);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        ServerHarness.Response r = h.call("GET", backups, expired, null);
        assertThat(r.status()).as(r.text()).isEqualTo(401);
        assertThat(r.body().path("message").asText()).contains("expired");

        // a user makes, lists and revokes tokens for themselves only
        User other = users.get(Who.ORG_OWNER);
        assertThat(h.call("POST", "/api/v1/users/" + u.id() + "/tokens", u.token(), Map.of("name", "mine"))
                        .status())
                .isEqualTo(201);
        assertThat(h.call("POST", "/api/v1/users/" + other.id() + "/tokens", u.token(), Map.of("name", "theirs"))
                        .status())
                .isEqualTo(403);
        assertThat(h.call("GET", "/api/v1/users/" + other.id() + "/tokens", u.token(), null)
                        .status())
                .isEqualTo(403);
        String revoked = h.ok("POST", "/api/v1/users/" + u.id() + "/tokens", u.token(), Map.of("name", "to-revoke"))
                .path("token")
                .asText();
        assertThat(h.call("GET", "/api/v1/me", revoked, null).status()).isEqualTo(200);
        JsonNode mine = h.ok("GET", "/api/v1/users/" + u.id() + "/tokens", u.token(), null)
                .path("items");
        assertThat(mine.toString()).doesNotContain("hash");
        String tokenId = null;
        for (JsonNode t : mine)
            if (t.path("name").asText().equals("to-revoke"))
                tokenId = t.path("id").asText();
        assertThat(tokenId).as(mine.toString()).isNotNull();
        String othersToken = h.ok("GET", "/api/v1/users/" + other.id() + "/tokens", h.adminToken, null)
                .path("items")
                .get(0)
                .path("id")
                .asText();
        assertThat(h.call("DELETE", "/api/v1/tokens/" + othersToken, u.token(), null)
                        .status())
                .as("revoking another user's token")
                .isEqualTo(404);
        assertThat(h.call("GET", "/api/v1/me", other.token(), null).status()).isEqualTo(200);
        assertThat(h.call("DELETE", "/api/v1/tokens/" + tokenId, u.token(), null)
                        .status())
                .isEqualTo(204);
        ServerHarness.Response rv = h.call("GET", "/api/v1/me", revoked, null);
        assertThat(rv.status()).isEqualTo(401);
        assertThat(rv.body().path("message").asText()).contains("revoked");
        assertThat(h.call("GET", backups, revoked, null).status()).isEqualTo(401);
        // the user's other tokens still work
        assertThat(h.call("GET", "/api/v1/me", u.token(), null).status()).isEqualTo(200);
    }

    /**
     * A token's lifetime is a whole number of days: 1.5 is refused, not taken as 1 ({@code
     * JsonNode.canConvertToInt()} alone is true for any number in int range).
     */
    @Order(2)
    @Test
    void aTokenLifetimeInFractionsOfADayIsRefused() {
        User u = users.get(Who.VIEWER_OF_ORG);
        ServerHarness.Response r =
                h.call("POST", "/api/v1/users/" + u.id() + "/tokens", h.adminToken, Map.of("expires_in_days", 1.5));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
    }

    /**
     * Every restore the tests above accepted was cancelled at once, most of them while a worker picked it up.
     * None of those cancels may fail. Shows a bug: {@code Jobs.unqueue} looks at the queued execution and then
     * cancels it through db-scheduler; when a worker picks it (or finishes it) in between, db-scheduler throws
     * (TaskInstanceCurrentlyExecutingException, or ExecutionException "Expected one execution to be removed,
     * but removed 0") and the cancel answers 500 instead of asking the running restore to stop. Seen in
     * test runs.
     */
    @Order(99)
    @Test
    void noCancelOfARestoreFailed() {
        assertThat(failedCancels).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static Map<String, Object> with(Map<String, Object> base, String confirm) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put("confirm_environment_name", confirm);
        return m;
    }

    private String newDatabaseName(String what) {
        String n = "lbperm_" + what + "_" + Long.toHexString(System.nanoTime());
        databases.add(n);
        return n;
    }

    private String environment(String token, String projectId, String name, String type, String database) {
        return h.ok(
                        "POST",
                        "/api/v1/projects/" + projectId + "/environments",
                        token,
                        Map.of("name", name, "type", type, "server", "web1", "instance", "main", "database", database))
                .path("id")
                .asText();
    }

    private static List<Map<String, Object>> roles(String... roleAndScope) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < roleAndScope.length; i += 2) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", roleAndScope[i]);
            if (roleAndScope[i + 1] != null) m.put("scope_id", roleAndScope[i + 1]);
            out.add(m);
        }
        return out;
    }

    private User user(String name, List<Map<String, Object>> roles) {
        String id = h.ok("POST", "/api/v1/users", h.adminToken, Map.of("name", name, "roles", roles))
                .path("id")
                .asText();
        String token = h.ok("POST", "/api/v1/users/" + id + "/tokens", h.adminToken, Map.of("name", "t"))
                .path("token")
                .asText();
        return new User(id, name, token);
    }

    /**
     * Cancels an accepted restore and waits until it has ended (cancelled, or failed or completed first). A
     * cancel that fails with a server error is noted (and asserted by {@link #noCancelOfARestoreFailed}) and
     * repeated, so the rows after it start from the same state.
     */
    private void end(String restoreId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ServerHarness.Response c = h.call(
                            "POST",
                            "/api/v1/restores/" + restoreId + "/cancel",
                            h.adminToken,
                            Map.of("reason", "test"));
                    if (c.status() >= 500) {
                        synchronized (failedCancels) {
                            failedCancels.add(restoreId + ": " + c.status() + " " + c.text());
                        }
                    }
                    return c.status() == 200 || c.status() == 409;
                });
        h.await("/api/v1/restores/" + restoreId, h.adminToken, ServerHarness::ended);
        idle();
    }

    /** Waits until no job runs on the server. */
    private void idle() {
        h.await("/health", null, n -> n.path("running_tasks").asInt() == 0);
    }

    private void assertNothingQueued() {
        for (String status : List.of("pending", "running", "awaiting_approval")) {
            assertThat(h.ok("GET", "/api/v1/restores?status=" + status, h.adminToken, null)
                            .path("items"))
                    .as("restores " + status)
                    .isEmpty();
        }
    }
}
