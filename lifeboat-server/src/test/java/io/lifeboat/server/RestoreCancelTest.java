package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore cancelled in each of its steps stops there, is recorded as cancelled with that step, leaves the
 * target as it was and keeps the safety backup; a cancelled restore into a new environment leaves nothing.
 */
@ExtendWith(PostgresExtension.class)
class RestoreCancelTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noHook() {
        Running.stepHook = null;
    }

    @Test
    void cancelInEachStepLeavesTheTargetAsItWas(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "staging");
            String admin = h.adminToken;
            String backupId = h.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, null)
                    .path("id")
                    .asText();
            assertThat(h.await("/api/v1/backups/" + backupId, admin, ServerHarness::ended)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            // made after the backup: a restore that went through would remove it
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE lb_marker (v text)");
                st.execute("INSERT INTO lb_marker VALUES ('after the backup')");
            }
            List<String> before = h.cluster.databases();
            for (String step : List.of(
                    "downloading", "checking", "pre_restore_backup", "restoring_db", "restoring_files", "verifying")) {
                JsonNode r = cancelIn(
                        h, step, Map.of("backup_id", backupId, "target_environment_id", s.env()), "/api/v1/restores");
                assertThat(r.path("status").asText()).as(step + ": " + r).isEqualTo("cancelled");
                assertThat(r.path("error_step").asText()).isEqualTo(step);
                try (Connection c = db.connect();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT v FROM lb_marker")) {
                    assertThat(rs.next())
                            .as("target untouched after a cancel in " + step)
                            .isTrue();
                }
                assertThat(h.cluster.databases())
                        .as("no leftovers after a cancel in " + step)
                        .containsExactlyInAnyOrderElementsOf(before);
                String pre = r.path("pre_restore_backup_id").asText(null);
                if (List.of("restoring_db", "restoring_files", "verifying").contains(step)) {
                    assertThat(pre).isNotNull();
                    assertThat(h.ok("GET", "/api/v1/backups/" + pre, admin, null)
                                    .path("status")
                                    .asText())
                            .as("the safety backup is kept")
                            .isEqualTo("completed");
                }
                if (step.equals("pre_restore_backup")) {
                    JsonNode list = h.ok(
                            "GET",
                            "/api/v1/environments/" + s.env() + "/backups?type=pre_restore&status=cancelled",
                            admin,
                            null);
                    assertThat(list.path("items").size()).isGreaterThanOrEqualTo(1);
                }
            }

            // into a new environment: cancelled while its files are written, nothing of it remains
            String copyDb = "lbcancel_" + Long.toHexString(System.nanoTime());
            JsonNode r = cancelIn(
                    h,
                    "restoring_files",
                    Map.of(
                            "backup_id",
                            backupId,
                            "target",
                            Map.of("mode", "new", "name", "scratch", "type", "development", "database", copyDb)),
                    "/api/v1/restores/v2");
            assertThat(r.path("status").asText()).isEqualTo("cancelled");
            assertThat(h.call(
                                    "GET",
                                    "/api/v1/environments/"
                                            + r.path("target_environment_id").asText(),
                                    admin,
                                    null)
                            .status())
                    .isEqualTo(404);
            assertThat(h.cluster.databases()).doesNotContain(copyDb);
            assertThat(h.dataDir().resolve("filestore").resolve(copyDb)).doesNotExist();
        }
    }

    private static JsonNode cancelIn(ServerHarness h, String step, Map<String, Object> request, String path)
            throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        Running.stepHook = job -> {
            if (job.kind.equals("restore") && job.step.equals(step)) {
                reached.countDown();
                job.cancellation.await(Duration.ofSeconds(60));
            }
        };
        try {
            String id = h.ok("POST", path, h.adminToken, request).path("id").asText();
            assertThat(reached.await(120, TimeUnit.SECONDS))
                    .as("the restore reached " + step)
                    .isTrue();
            JsonNode asked = h.ok("POST", "/api/v1/restores/" + id + "/cancel", h.adminToken, Map.of("reason", "test"));
            assertThat(asked.path("cancel_requested").asBoolean()).isTrue();
            return h.await("/api/v1/restores/" + id, h.adminToken, ServerHarness::ended);
        } finally {
            Running.stepHook = null;
        }
    }
}
