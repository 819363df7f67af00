package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through the API ({@code GET /api/v1/audit}, {@code GET /api/v1/audit/verify}) and its hash
 * chain against changes made behind the server's back, in the SQLite catalog file itself.
 */
@ExtendWith(PostgresExtension.class)
class AuditChainTest {
    @TempDir
    Path tmp;

    @Test
    void actionsAreAuditedAndAChangedRecordBreaksTheChainAtItsSeq(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String alice = h.user("alice", "project_admin", s.project());

            String backup = h.ok(
                            "POST",
                            "/api/v1/environments/" + s.env() + "/backups",
                            alice,
                            Map.of("reason", "before the upgrade to 18"))
                    .path("id")
                    .asText();
            assertThat(h.await("/api/v1/backups/" + backup, alice, ServerHarness::ended)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            h.ok("POST", "/api/v1/backups/" + backup + "/download-link", alice, null);
            // a restore held for approval (so it never runs), asked for and cancelled with reasons
            String vault = h.ok(
                            "POST",
                            "/api/v1/organizations/" + s.org() + "/projects",
                            h.adminToken,
                            Map.of("name", "vault", "require_approval", true))
                    .path("id")
                    .asText();
            String live = h.ok(
                            "POST",
                            "/api/v1/projects/" + vault + "/environments",
                            h.adminToken,
                            Map.of(
                                    "name",
                                    "live",
                                    "type",
                                    "production",
                                    "server",
                                    "web1",
                                    "instance",
                                    "main",
                                    "database",
                                    "lbaudit_unused_live"))
                    .path("id")
                    .asText();
            String restore = h.ok(
                            "POST",
                            "/api/v1/restores",
                            h.adminToken,
                            Map.of(
                                    "backup_id",
                                    backup,
                                    "target_environment_id",
                                    live,
                                    "confirm_environment_name",
                                    "live",
                                    "reason",
                                    "copy for the auditors"))
                    .path("id")
                    .asText();
            h.ok("POST", "/api/v1/restores/" + restore + "/cancel", h.adminToken, Map.of("reason", "not today"));
            assertThat(h.call("DELETE", "/api/v1/backups/" + backup + "?reason=superseded", alice, null)
                            .status())
                    .isEqualTo(204);

            List<JsonNode> all = records(h);
            assertThat(all)
                    .extracting(r -> r.path("action").asText())
                    .containsSubsequence(
                            "user.bootstrap",
                            "organization.create",
                            "project.create",
                            "environment.create",
                            "user.create",
                            "token.create",
                            "backup.create",
                            "backup.download_link",
                            "project.create",
                            "environment.create",
                            "restore.request",
                            "restore.cancel",
                            "backup.delete");
            assertRecord(all, "user.bootstrap", "lifeboat", "user:", null);
            assertRecord(all, "organization.create", "admin", "organization:" + s.org(), null);
            assertRecord(all, "user.create", "admin", "user:", null);
            assertRecord(all, "backup.create", "alice", "backup:" + backup, "before the upgrade to 18");
            assertRecord(all, "backup.download_link", "alice", "backup:" + backup, null);
            assertRecord(all, "restore.request", "admin", "restore:" + restore, "copy for the auditors");
            assertRecord(all, "restore.cancel", "admin", "restore:" + restore, "not today");
            assertRecord(all, "backup.delete", "alice", "backup:" + backup, "superseded");
            JsonNode created = find(all, "backup.create");
            assertThat(ServerHarness.JSON
                            .readTree(created.path("details").asText())
                            .path("environment")
                            .asText())
                    .isEqualTo(s.env());
            JsonNode requested = ServerHarness.JSON.readTree(
                    find(all, "restore.request").path("details").asText());
            assertThat(requested.path("production").asBoolean()).isTrue();
            assertThat(requested.path("target").asText()).isEqualTo(live);

            // the chain: seq 1.. in order, each record links the hash of the one before
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).path("seq").asLong()).isEqualTo(i + 1);
                assertThat(all.get(i).path("prev_hash").asText())
                        .isEqualTo(
                                i == 0
                                        ? "0".repeat(64)
                                        : all.get(i - 1).path("hash").asText());
            }
            // filters and paging
            JsonNode byAlice =
                    h.ok("GET", "/api/v1/audit?actor=alice", h.adminToken, null).path("items");
            assertThat(byAlice.findValuesAsText("actor")).isNotEmpty().containsOnly("alice");
            assertThat(byAlice.findValuesAsText("action"))
                    .containsExactly("backup.delete", "backup.download_link", "backup.create");
            assertThat(h.ok("GET", "/api/v1/audit?action=restore.cancel", h.adminToken, null)
                            .path("items"))
                    .hasSize(1);
            long mid = all.get(all.size() / 2).path("seq").asLong();
            JsonNode page = h.ok("GET", "/api/v1/audit?before=" + mid + "&limit=2", h.adminToken, null)
                    .path("items");
            assertThat(page.findValuesAsText("seq")).containsExactly(Long.toString(mid - 1), Long.toString(mid - 2));

            JsonNode intact = verify(h);
            assertThat(intact.path("intact").asBoolean()).as(intact.toString()).isTrue();
            assertThat(intact.path("records").asLong()).isEqualTo(all.size());
            assertThat(intact.path("broken_at_seq").isNull()).isTrue();
            assertThat(intact.path("head_hash").asText())
                    .isEqualTo(all.get(all.size() - 1).path("hash").asText());

            // one record's reason changed in the catalog file: the chain breaks exactly there
            long seq = created.path("seq").asLong();
            assertThat(tamper(h, "update audit set reason = ? where seq = ?", "routine", seq))
                    .isEqualTo(1);
            JsonNode broken = verify(h);
            assertThat(broken.path("intact").asBoolean()).as(broken.toString()).isFalse();
            assertThat(broken.path("broken_at_seq").asLong()).isEqualTo(seq);
            assertThat(broken.path("records").asLong()).isEqualTo(seq - 1);
            assertThat(broken.path("problem").asText()).contains("changed");
            assertThat(find(records(h), "backup.create").path("reason").asText())
                    .isEqualTo("routine");
            // put back, it verifies again: the check is over the content, not a flag
            tamper(h, "update audit set reason = ? where seq = ?", "before the upgrade to 18", seq);
            assertThat(verify(h).path("intact").asBoolean()).isTrue();

            // any other field of a record, changed, breaks it the same way
            long restoreSeq = find(all, "restore.request").path("seq").asLong();
            for (String column : List.of("actor", "action", "target", "details")) {
                String before = find(all, "restore.request").path(column).asText();
                tamper(h, "update audit set " + column + " = ? where seq = ?", before + "x", restoreSeq);
                JsonNode v = verify(h);
                assertThat(v.path("intact").asBoolean()).as(column + ": " + v).isFalse();
                assertThat(v.path("broken_at_seq").asLong()).as(column).isEqualTo(restoreSeq);
                tamper(h, "update audit set " + column + " = ? where seq = ?", before, restoreSeq);
            }
            // a reason removed (null) is a change too
            tamper(h, "update audit set reason = null where seq = ?", restoreSeq);
            assertThat(verify(h).path("broken_at_seq").asLong()).isEqualTo(restoreSeq);
        }
    }

    @Test
    void aRecordRemovedFromTheMiddleBreaksTheChainAtTheNextOne(PgCluster cluster) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, cluster)) {
            ServerHarness.Setup s = h.setup("lbaudit_unused", "staging");
            h.user("bob", "viewer", s.project());
            h.user("carol", "org_admin", s.org());
            List<JsonNode> all = records(h);
            assertThat(all).hasSizeGreaterThanOrEqualTo(7);
            assertThat(verify(h).path("intact").asBoolean()).isTrue();

            int i = all.size() / 2;
            long removed = all.get(i).path("seq").asLong();
            long next = all.get(i + 1).path("seq").asLong();
            assertThat(tamper(h, "delete from audit where seq = ?", removed)).isEqualTo(1);

            JsonNode v = verify(h);
            assertThat(v.path("intact").asBoolean()).as(v.toString()).isFalse();
            assertThat(v.path("broken_at_seq").asLong()).isEqualTo(next);
            assertThat(v.path("records").asLong()).isEqualTo(i);
            assertThat(v.path("problem").asText()).contains("removed");
            assertThat(v.path("head_hash").isNull()).isTrue();
            // the log keeps being written after the gap, and still reports it
            h.user("dave", "viewer", s.project());
            assertThat(verify(h).path("broken_at_seq").asLong()).isEqualTo(next);
        }
    }

    @Test
    void onlyAPortalAdminReadsOrVerifiesTheAudit(PgCluster cluster) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, cluster)) {
            ServerHarness.Setup s = h.setup("lbaudit_unused", "production");
            String other = h.ok("POST", "/api/v1/organizations", h.adminToken, Map.of("name", "globex"))
                    .path("id")
                    .asText();
            List<String> refused = List.of(
                    h.user("owner", "org_owner", s.org()),
                    h.user("orgadmin", "org_admin", s.org()),
                    h.user("padmin", "project_admin", s.project()),
                    h.user("member", "project_member", s.project()),
                    h.user("pviewer", "viewer", s.project()),
                    h.user("oviewer", "viewer", s.org()),
                    h.user("stranger", "org_owner", other));
            for (String token : refused) {
                for (String path : List.of("/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit?actor=admin")) {
                    ServerHarness.Response r = h.call("GET", path, token, null);
                    assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(403);
                    assertThat(r.text()).doesNotContain("\"hash\"");
                }
            }
            assertThat(h.call("GET", "/api/v1/audit", null, null).status()).isEqualTo(401);
            assertThat(h.call("GET", "/api/v1/audit/verify", "lbt_unknown", null)
                            .status())
                    .isEqualTo(401);
            String root = h.user("root", "portal_admin", null);
            assertThat(h.ok("GET", "/api/v1/audit", root, null).path("items")).isNotEmpty();
            assertThat(h.ok("GET", "/api/v1/audit/verify", root, null)
                            .path("intact")
                            .asBoolean())
                    .isTrue();
        }
    }

    @Test
    void aMalformedPagingParameterIsABadRequest(PgCluster cluster) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, cluster)) {
            for (String q : List.of("limit=0", "limit=x", "before=x", "before=")) {
                ServerHarness.Response r = h.call("GET", "/api/v1/audit?" + q, h.adminToken, null);
                assertThat(r.status()).as(q + ": " + r.text()).isEqualTo(400);
            }
        }
    }

    /**
     * An audited call made while another connection holds the catalog's write lock waits for it (the
     * catalog sets a busy timeout of 30 s) and then succeeds. An environment's check is such a call: its
     * audit record is its first write. {@link AuditLog#record} reads the chain's head and then writes in one
     * transaction; SQLite does not wait (no busy handler) when a read transaction must become a write
     * transaction while another connection writes, so unless the transaction begins IMMEDIATE the call fails
     * at once with SQLITE_BUSY (500), as it did before the catalog set {@code transaction_mode=IMMEDIATE}.
     */
    @Test
    void anAuditedCallWaitsForAnotherWriterOfTheCatalogInsteadOfFailing(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            h.fill(db.name());
            checkWhileTheCatalogIsLocked(h, db.name());
        }
    }

    private static void checkWhileTheCatalogIsLocked(ServerHarness h, String database) throws Exception {
        ServerHarness.Setup s = h.setup(database, "staging");
        long before = records(h).size();
        HttpResponse<String> early;
        CompletableFuture<HttpResponse<String>> call;
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + h.dir.resolve("catalog.db"))) {
            lock.createStatement().execute("begin immediate");
            call = h.http.sendAsync(
                    HttpRequest.newBuilder(URI.create(h.base + "/api/v1/environments/" + s.env() + "/check"))
                            .header("Authorization", "Bearer " + h.adminToken)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            try {
                // a correct server is still waiting for the lock after two seconds
                early = call.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException waiting) {
                early = null;
            } finally {
                lock.createStatement().execute("commit");
            }
        }
        assertThat(early)
                .as(
                        early == null
                                ? ""
                                : "answered while another connection held the write lock: " + early.statusCode() + " "
                                        + early.body())
                .isNull();
        HttpResponse<String> r = call.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(ServerHarness.JSON.readTree(r.body()).path("missing").asLong())
                .isZero();
        List<JsonNode> after = records(h);
        assertThat(after).hasSize((int) before + 1);
        assertThat(after.get(after.size() - 1).path("action").asText()).isEqualTo("environment.check");
        assertThat(verify(h).path("intact").asBoolean()).isTrue();
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** All records, oldest first. */
    private static List<JsonNode> records(ServerHarness h) {
        List<JsonNode> out = new ArrayList<>();
        h.ok("GET", "/api/v1/audit?limit=1000", h.adminToken, null)
                .path("items")
                .forEach(out::add);
        return out.reversed();
    }

    private static JsonNode verify(ServerHarness h) {
        return h.ok("GET", "/api/v1/audit/verify", h.adminToken, null);
    }

    private static JsonNode find(List<JsonNode> records, String action) {
        return records.stream()
                .filter(r -> r.path("action").asText().equals(action))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " record in " + records));
    }

    private static void assertRecord(
            List<JsonNode> records, String action, String actor, String target, String reason) {
        JsonNode r = find(records, action);
        assertThat(r.path("actor").asText()).as(action + " actor").isEqualTo(actor);
        assertThat(r.path("target").asText()).as(action + " target").startsWith(target);
        if (reason == null)
            assertThat(r.path("reason").isNull()).as(action + " reason: " + r).isTrue();
        else assertThat(r.path("reason").asText()).as(action + " reason").isEqualTo(reason);
        assertThat(r.path("hash").asText()).hasSize(64);
        assertThat(java.time.Instant.parse(r.path("at").asText()))
                .isAfter(java.time.Instant.now().minusSeconds(3600));
    }

    /** Runs one statement on the catalog file, as someone with access to the disk would. */
    private static int tamper(ServerHarness h, String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + h.dir.resolve("catalog.db"))) {
            c.createStatement().execute("pragma busy_timeout = 30000");
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
                return st.executeUpdate();
            }
        }
    }
}
