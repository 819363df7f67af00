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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Schedules, retention after scheduled backups, scheduled integrity checks, metrics and health. */
@ExtendWith(PostgresExtension.class)
class ServerOperationsTest {
    @TempDir
    Path tmp;

    @Test
    void scheduledBackupsKeepWhatTheRetentionSaysAndChecksBecomeMetrics(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String admin = h.adminToken;
            String env = "/api/v1/environments/" + s.env();

            JsonNode none = h.ok("GET", env + "/schedule", admin, null);
            assertThat(none.path("configured").asBoolean()).isFalse();
            assertThat(none.path("backup_cron").asText()).isEqualTo("0 */6 * * *");
            assertThat(h.call("PUT", env + "/schedule", admin, Map.of("backup_cron", "every day"))
                            .status())
                    .isEqualTo(400);
            Map<String, Object> keepNothing = Map.of(
                    "retention",
                    Map.of("keep_last", 0, "keep_daily", 0, "keep_weekly", 0, "keep_monthly", 0, "keep_yearly", 0));
            assertThat(h.call("PUT", env + "/schedule", admin, keepNothing).status())
                    .isEqualTo(422);
            String member = h.user("member1", "project_member", s.project());
            assertThat(h.call("PUT", env + "/schedule", member, Map.of("backup_cron", "0 * * * *"))
                            .status())
                    .isEqualTo(403);

            JsonNode sched = h.ok(
                    "PUT",
                    env + "/schedule",
                    admin,
                    Map.of(
                            "backup_cron", "0 * * * *",
                            "check_cron", "30 * * * *",
                            "retention",
                                    Map.of(
                                            "keep_last",
                                            2,
                                            "keep_daily",
                                            0,
                                            "keep_weekly",
                                            0,
                                            "keep_monthly",
                                            0,
                                            "keep_yearly",
                                            0)));
            assertThat(sched.path("configured").asBoolean()).isTrue();
            assertThat(sched.path("retention").path("keep_last").asInt()).isEqualTo(2);

            for (int i = 1; i <= 3; i++) {
                h.makeSchedulesDue();
                int n = i;
                h.await(
                        env + "/schedule",
                        admin,
                        x -> catalogCount(
                                        h,
                                        "select count(*) from backups where type = 'scheduled'"
                                                + " and status = 'completed'")
                                == n);
            }
            List<String> kept = scheduledIds(h, env);
            assertThat(kept).hasSize(2);
            try (Stream<Path> files = Files.list(h.dir.resolve("store/backups").resolve(s.env()))) {
                assertThat(files.map(f -> f.getFileName().toString().replace(".zip", ""))
                                .toList())
                        .as("the forgotten backup's file is removed from the store")
                        .containsExactlyInAnyOrderElementsOf(kept);
            }
            JsonNode audit = h.ok("GET", "/api/v1/audit?action=backup.retention", admin, null);
            assertThat(audit.path("items")).isNotEmpty();

            // the scheduled check ran with the backups; a file removed afterwards shows in the next one
            h.await(
                    "/health",
                    admin,
                    x -> h.call("GET", "/metrics", null, null).text().contains("lifeboat_check_missing_files"));
            String metrics = h.call("GET", "/metrics", null, null).text();
            assertThat(metrics).contains("lifeboat_check_missing_files{environment=\"prod\"");
            assertThat(metricValue(metrics, "lifeboat_check_missing_files")).isEqualTo(0.0);
            h.removeAFilestoreFile(db.name());
            h.makeSchedulesDue();
            h.await(
                    "/health",
                    admin,
                    x -> metricValue(h.call("GET", "/metrics", null, null).text(), "lifeboat_check_missing_files")
                            >= 1.0);

            metrics = h.call("GET", "/metrics", null, null).text();
            assertThat(metrics).contains("lifeboat_last_good_backup_age_seconds{environment=\"prod\"");
            assertThat(metrics).contains("lifeboat_backups{status=\"completed\"}");
            assertThat(metrics).contains("lifeboat_queue_depth");
            assertThat(metrics).contains("lifeboat_worker_heartbeat_age_seconds{server=\"web1\"}");
            assertThat(metrics).contains("lifeboat_last_backup_bytes");
            assertThat(metrics).contains("lifeboat_running_tasks{server=\"web1\"}");
            JsonNode health = h.ok("GET", "/health", null, null);
            assertThat(health.path("status").asText()).isEqualTo("ok");
            assertThat(health.path("server").asText()).isEqualTo("web1");
        }
    }

    private static long catalogCount(ServerHarness h, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + h.dir.resolve("catalog.db"));
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> scheduledIds(ServerHarness h, String env) {
        JsonNode items =
                h.ok("GET", env + "/backups?type=scheduled", h.adminToken, null).path("items");
        return java.util.stream.StreamSupport.stream(items.spliterator(), false)
                .filter(b -> b.path("status").asText().equals("completed"))
                .map(b -> b.path("id").asText())
                .toList();
    }

    private static double metricValue(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .max()
                .orElse(-1);
    }
}
