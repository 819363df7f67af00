package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Backups kept in S3-compatible storage (S3Proxy): presigned download links, restores downloaded from there. */
@ExtendWith(PostgresExtension.class)
class S3StoreTest {
    @TempDir
    Path tmp;

    @Test
    void backupsInABucketGetPresignedLinksAndRestoreFromThere(TestDatabase db) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "lifeboat-backups");
                ServerHarness h = ServerHarness.withStore(
                        tmp.resolve("server"),
                        db.cluster(),
                        "s3:" + s3.endpoint() + "/" + s3.bucket() + "/prod",
                        Map.of(
                                "s3.access-key",
                                s3.accessKey(),
                                "s3.secret-key",
                                s3.secretKey(),
                                "s3.region",
                                S3ProxyServer.REGION))) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "staging");
            String admin = h.adminToken;
            assertThat(h.ok("POST", "/api/v1/storage/test", admin, null)
                            .path("ok")
                            .asBoolean())
                    .isTrue();

            String id = h.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, null)
                    .path("id")
                    .asText();
            JsonNode backup = h.await("/api/v1/backups/" + id, admin, ServerHarness::ended);
            assertThat(backup.path("status").asText()).as(backup.toString()).isEqualTo("completed");
            assertThat(tmp.resolve("s3/lifeboat-backups/prod/backups")
                            .resolve(s.env())
                            .resolve(id + ".zip"))
                    .as("the zip is an object of the bucket")
                    .exists();

            JsonNode link = h.ok("POST", "/api/v1/backups/" + id + "/download-link?expires_in=600", admin, null);
            assertThat(link.path("kind").asText()).isEqualTo("s3-presigned");
            String url = link.path("url").asText();
            assertThat(url).startsWith(s3.endpoint().toString()).contains("X-Amz-Signature=");
            HttpResponse<byte[]> zip = h.http.send(
                    HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zip.statusCode()).isEqualTo(200);
            assertThat(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(zip.body())))
                    .isEqualTo(backup.path("sha256").asText());
            int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
            String forged = url.substring(0, at) + (url.charAt(at) == '0' ? '1' : '0') + url.substring(at + 1);
            HttpResponse<String> refused = h.http.send(
                    HttpRequest.newBuilder(URI.create(forged)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);

            String copyDb = "lbs3copy_" + Long.toHexString(System.nanoTime());
            JsonNode r = h.ok(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of(
                            "backup_id",
                            id,
                            "target",
                            Map.of("mode", "new", "name", "copy", "type", "development", "database", copyDb)));
            JsonNode done = h.await("/api/v1/restores/" + r.path("id").asText(), admin, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("result")
                            .path("verification")
                            .path("missing_files")
                            .asLong())
                    .isZero();
            h.drop(copyDb);
        }
    }
}
