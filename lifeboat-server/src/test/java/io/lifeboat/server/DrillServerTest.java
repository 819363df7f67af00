package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drills on the server, end to end: a drill that cannot run (no backup) is missed and alerts; a drill of
 * a good backup passes with its evidence and leaves no scratch copy; a drill of a backup made while a
 * file was missing fails and raises its alert, a signed webhook.
 */
@ExtendWith(PostgresExtension.class)
class DrillServerTest {
    private static final String SECRET = "drill-hook-secret";

    @TempDir
    Path tmp;

    @Test
    void missedPassedAndFailedDrillsWithTheirEvidenceAndAlerts(TestDatabase db) throws Exception {
        List<JsonNode> alerts = new CopyOnWriteArrayList<>();
        List<String> bad = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String ts = ex.getRequestHeaders().getFirst("X-Lifeboat-Timestamp");
            String sig = ex.getRequestHeaders().getFirst("X-Lifeboat-Signature");
            try {
                if (!("sha256=" + hmac(ts + "." + body)).equals(sig)) bad.add(body);
                alerts.add(ServerHarness.JSON.readTree(body));
            } catch (Exception e) {
                bad.add(String.valueOf(e));
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        Path secret = tmp.resolve("hook.secret");
        Files.writeString(secret, SECRET + "\n");
        String yaml = "notifications:\n  retry-base-seconds: 1\n  webhooks:\n    - url: http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hook\n      secret-file: " + secret
                + "\n      events: [drill.failed, drill.missed]\n";
        try (ServerHarness h = ServerHarness.sqlite(tmp.resolve("server"), db.cluster(), yaml)) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String admin = h.adminToken;
            String env = "/api/v1/environments/" + s.env();

            // the default drill schedule of production is daily
            JsonNode schedule = h.ok("PUT", env + "/schedule", admin, Map.of("check_cron", "0 5 * * *"));
            assertThat(schedule.path("drill_cron").asText()).isEqualTo(DrillJobs.PRODUCTION_CRON);
            assertThat(schedule.path("drills_enabled").asBoolean()).isTrue();
            assertThat(h.call("PUT", env + "/schedule", admin, Map.of("drill_cron", "daily"))
                            .status())
                    .isEqualTo(400);

            // no backup yet: a drill cannot be asked for, and the scheduled one is missed and alerts
            assertThat(h.call("POST", env + "/drills", admin, null).status()).isEqualTo(409);
            h.sqlite("UPDATE schedules SET last_drill_at = 0");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> alerts.stream()
                            .anyMatch(a -> a.path("type").asText().equals("drill.missed")));
            JsonNode missed = alerts.stream()
                    .filter(a -> a.path("type").asText().equals("drill.missed"))
                    .findFirst()
                    .orElseThrow();
            assertThat(missed.path("environment").path("id").asText()).isEqualTo(s.env());
            assertThat(missed.path("data").path("reason").asText()).contains("no completed backup");

            // a good backup: the drill passes, with its evidence, and removes its copy
            JsonNode backup = h.ok("POST", env + "/backups", admin, null);
            backup = h.await("/api/v1/backups/" + backup.path("id").asText(), admin, ServerHarness::ended);
            assertThat(backup.path("status").asText()).isEqualTo("completed");
            String viewer = h.user("vera", "viewer", s.project());
            assertThat(h.call("POST", env + "/drills", viewer, null).status()).isEqualTo(403);
            JsonNode drill = h.ok("POST", env + "/drills", admin, null);
            assertThat(drill.path("status").asText()).isIn("pending", "running");
            assertThat(drill.path("backup_id").asText())
                    .isEqualTo(backup.path("id").asText());
            drill = h.await("/api/v1/drills/" + drill.path("id").asText(), viewer, ServerHarness::ended);
            assertThat(drill.path("status").asText()).as(drill.toString()).isEqualTo("passed");
            assertThat(drill.path("rto_ms").asLong()).isPositive();
            assertThat(drill.path("rpo_ms").asLong()).isNotNegative();
            JsonNode result = drill.path("evidence").path("drill");
            assertThat(result.path("passed").asBoolean()).isTrue();
            assertThat(result.path("steps")).isNotEmpty();
            assertThat(result.path("counts").path("base_installed").asBoolean()).isTrue();
            assertThat(result.path("counts").path("users").asLong()).isPositive();
            assertThat(result.path("counts").path("missing_files").asLong()).isZero();
            assertThat(result.path("counts").path("files_hashed").asLong()).isPositive();
            assertThat(result.path("counts").path("tables")).isNotEmpty();
            for (JsonNode t : result.path("counts").path("tables")) {
                assertThat(t.path("actual").asLong())
                        .as(t.toString())
                        .isEqualTo(t.path("expected").asLong());
            }
            assertThat(result.path("removed").asBoolean()).isTrue();
            String scratch = drill.path("scratch_database").asText();
            assertThat(scratch).startsWith("lifeboat_drill_");
            assertThat(db.cluster().databases()).doesNotContain(scratch);
            assertThat(h.dataDir().resolve("filestore").resolve(scratch)).doesNotExist();
            assertThat(h.ok("GET", env + "/drills", viewer, null).path("items")).hasSize(1);

            // a backup made while a file was missing: the drill fails, says why, and alerts
            h.removeAFilestoreFile(db.name());
            JsonNode holed = h.ok("POST", env + "/backups", admin, null);
            holed = h.await("/api/v1/backups/" + holed.path("id").asText(), admin, ServerHarness::ended);
            assertThat(holed.path("status").asText()).as(holed.toString()).isEqualTo("completed");
            JsonNode failed = h.ok("POST", env + "/drills", admin, null);
            failed = h.await("/api/v1/drills/" + failed.path("id").asText(), admin, ServerHarness::ended);
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("error_message").asText()).containsIgnoringCase("missing");
            assertThat(failed.path("evidence")
                            .path("drill")
                            .path("counts")
                            .path("missing_files")
                            .asLong())
                    .isPositive();
            assertThat(db.cluster().databases())
                    .doesNotContain(failed.path("scratch_database").asText());
            String failedId = failed.path("id").asText();
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> alerts.stream()
                            .anyMatch(a -> a.path("type").asText().equals("drill.failed")
                                    && a.path("data").path("drill_id").asText().equals(failedId)));
            assertThat(bad).as("every alert is signed with the shared secret").isEmpty();
            assertThat(alerts.stream().map(a -> a.path("type").asText()))
                    .as("the passed drill raised nothing")
                    .containsOnly("drill.missed", "drill.failed");
            assertThat(h.ok("GET", "/api/v1/audit?action=drill.failed", admin, null)
                            .path("items"))
                    .hasSize(1);
        } finally {
            receiver.stop(0);
        }
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
