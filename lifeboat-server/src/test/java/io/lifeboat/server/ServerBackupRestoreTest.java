package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class ServerBackupRestoreTest {
    @TempDir
    Path tmp;

    @Test
    void backupDownloadAndRestoreIntoANewEnvironmentThenOverTheOriginal(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String admin = h.adminToken;

            JsonNode queued = h.ok(
                    "POST", "/api/v1/environments/" + s.env() + "/backups", admin, Map.of("reason", "before upgrade"));
            assertThat(queued.path("status").asText()).isIn("pending", "running");
            JsonNode backup = h.await("/api/v1/backups/" + queued.path("id").asText(), admin, ServerHarness::ended);
            assertThat(backup.path("status").asText()).as(backup.toString()).isEqualTo("completed");
            assertThat(backup.path("type").asText()).isEqualTo("manual");
            assertThat(backup.path("verified").asBoolean()).isTrue();
            assertThat(backup.path("sha256").asText()).hasSize(64);
            assertThat(backup.path("size").asLong()).isPositive();
            assertThat(backup.path("pg_version").asText()).startsWith("15");
            assertThat(backup.path("files").asLong()).isPositive();
            String backupId = backup.path("id").asText();

            JsonNode list = h.ok(
                    "GET", "/api/v1/environments/" + s.env() + "/backups?status=completed&type=manual", admin, null);
            assertThat(list.path("items")).hasSize(1);
            assertThat(h.ok("GET", "/api/v1/environments/" + s.env() + "/backups?status=failed", admin, null)
                            .path("items"))
                    .isEmpty();
            assertThat(h.call("GET", "/api/v1/environments/" + s.env() + "/backups?status=lost", admin, null)
                            .status())
                    .isEqualTo(400);

            // a signed link streams exactly the bytes recorded; a changed signature is refused
            JsonNode link = h.ok("POST", "/api/v1/backups/" + backupId + "/download-link", admin, null);
            HttpResponse<byte[]> zip = h.http.send(
                    HttpRequest.newBuilder(URI.create(link.path("url").asText()))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zip.statusCode()).isEqualTo(200);
            assertThat(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(zip.body())))
                    .isEqualTo(backup.path("sha256").asText());
            String url = link.path("url").asText();
            int at = url.indexOf("signature=") + "signature=".length();
            String forged = url.substring(0, at) + (url.charAt(at) == '0' ? '1' : '0') + url.substring(at + 1);
            assertThat(forged).isNotEqualTo(url);
            assertThat(h.call("GET", forged.substring(h.base.length()), null, null)
                            .status())
                    .isEqualTo(403);

            // into a new environment on the same server
            String copyDb = "lbcopy_" + Long.toHexString(System.nanoTime());
            JsonNode r = h.ok(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of(
                            "backup_id",
                            backupId,
                            "target",
                            Map.of("mode", "new", "name", "staging", "type", "staging", "database", copyDb)));
            JsonNode done = h.await("/api/v1/restores/" + r.path("id").asText(), admin, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("is_new").asBoolean()).isTrue();
            assertThat(done.path("percent").asInt()).isEqualTo(100);
            assertThat(done.path("result")
                            .path("verification")
                            .path("missing_files")
                            .asLong())
                    .isZero();
            JsonNode staging = h.ok(
                    "GET",
                    "/api/v1/environments/" + done.path("target_environment_id").asText(),
                    admin,
                    null);
            assertThat(staging.path("state").asText()).isEqualTo("ready");
            assertThat(h.cluster.databases()).contains(copyDb);

            // over the production original: the typed name is required, and a safety backup is made first
            JsonNode refused = h.call(
                            "POST",
                            "/api/v1/restores",
                            admin,
                            Map.of("backup_id", backupId, "target_environment_id", s.env()))
                    .body();
            assertThat(refused.path("error").asText()).isEqualTo("unprocessable");
            assertThat(refused.path("message").asText()).contains("confirm_environment_name");
            JsonNode over = h.ok(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of(
                            "backup_id",
                            backupId,
                            "target_environment_id",
                            s.env(),
                            "confirm_environment_name",
                            "prod",
                            "reason",
                            "test"));
            JsonNode overDone = h.await("/api/v1/restores/" + over.path("id").asText(), admin, ServerHarness::ended);
            assertThat(overDone.path("status").asText()).as(overDone.toString()).isEqualTo("completed");
            assertThat(overDone.path("mode").asText()).isEqualTo("original");
            String pre = overDone.path("pre_restore_backup_id").asText();
            JsonNode preBackup = h.ok("GET", "/api/v1/backups/" + pre, admin, null);
            assertThat(preBackup.path("type").asText()).isEqualTo("pre_restore");
            assertThat(preBackup.path("status").asText()).isEqualTo("completed");
            assertThat(overDone.path("result").path("rollback_database").asText())
                    .isNotEmpty();

            JsonNode audit = h.ok("GET", "/api/v1/audit/verify", admin, null);
            assertThat(audit.path("intact").asBoolean()).isTrue();
            assertThat(audit.path("records").asLong()).isGreaterThan(5);
            h.drop(copyDb, db.name() + "_");
        }
    }
}
