package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups made elsewhere (a real Odoo 16 zip): imported, restored once into the environment created from
 * them, never again unless forced with the confirmation word; hostile uploads and a dump from a newer
 * PostgreSQL are refused before anything changes.
 */
@ExtendWith(PostgresExtension.class)
class ImportedBackupTest {
    @TempDir
    Path tmp;

    @Test
    void anImportedBackupIsRestoredOnceUnlessForced(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp.resolve("server"), db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String admin = h.adminToken;
            Path zip = OdooFixtures.path(OdooFixtures.ODOO16_ZIP);

            ServerHarness.Response up =
                    h.upload("/api/v1/environments/" + s.env() + "/backups/import?reason=migration", admin, zip);
            assertThat(up.status()).as(up.text()).isEqualTo(201);
            JsonNode imported = up.body();
            assertThat(imported.path("type").asText()).isEqualTo("imported");
            assertThat(imported.path("status").asText()).isEqualTo("completed");
            assertThat(imported.path("odoo_version").asText()).startsWith("16");
            assertThat(imported.path("sha256").asText())
                    .isEqualTo(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zip))));

            // an Odoo 16 backup over an environment whose last backup is Odoo 17: allowed, with a warning recorded
            String own = h.ok("POST", "/api/v1/environments/" + s.env() + "/backups", admin, null)
                    .path("id")
                    .asText();
            assertThat(h.await("/api/v1/backups/" + own, admin, ServerHarness::ended)
                            .path("odoo_version")
                            .asText())
                    .startsWith("17");
            JsonNode mismatch = h.ok(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of(
                            "backup_id",
                            imported.path("id").asText(),
                            "target_environment_id",
                            s.env(),
                            "confirm_environment_name",
                            "prod"));
            assertThat(mismatch.path("warnings").toString()).contains("Odoo 16").contains("runs Odoo 17");
            h.ok("POST", "/api/v1/restores/" + mismatch.path("id").asText() + "/cancel", admin, null);
            assertThat(h.await("/api/v1/restores/" + mismatch.path("id").asText(), admin, ServerHarness::ended)
                            .path("status")
                            .asText())
                    .isEqualTo("cancelled");

            String newDb = "lbimport_" + Long.toHexString(System.nanoTime());
            JsonNode first = h.ok(
                    "POST",
                    "/api/v1/restores/v2",
                    admin,
                    Map.of(
                            "backup_id",
                            imported.path("id").asText(),
                            "target",
                            Map.of("mode", "new", "name", "migrated", "type", "staging", "database", newDb)));
            JsonNode done = h.await("/api/v1/restores/" + first.path("id").asText(), admin, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            String envId = done.path("target_environment_id").asText();
            JsonNode env = h.ok("GET", "/api/v1/environments/" + envId, admin, null);
            assertThat(env.path("created_from_backup_id").asText())
                    .isEqualTo(imported.path("id").asText());
            assertThat(env.path("import_restored_at").isNull()).isFalse();

            Map<String, Object> again =
                    Map.of("backup_id", imported.path("id").asText(), "target_environment_id", envId);
            ServerHarness.Response refused = h.call("POST", "/api/v1/restores", admin, again);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().path("message").asText()).contains("restore-again");
            ServerHarness.Response noWord = h.call(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of("backup_id", imported.path("id").asText(), "target_environment_id", envId, "force", true));
            assertThat(noWord.status()).isEqualTo(422);
            ServerHarness.Response wrongWord = h.call(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of(
                            "backup_id",
                            imported.path("id").asText(),
                            "target_environment_id",
                            envId,
                            "force",
                            true,
                            "confirmation_word",
                            "yes"));
            assertThat(wrongWord.status()).isEqualTo(422);
            JsonNode forced = h.ok(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of(
                            "backup_id",
                            imported.path("id").asText(),
                            "target_environment_id",
                            envId,
                            "force",
                            true,
                            "confirmation_word",
                            "restore-again",
                            "reason",
                            "re-import after a failed migration"));
            assertThat(forced.path("warnings").toString()).contains("forced");
            assertThat(h.await("/api/v1/restores/" + forced.path("id").asText(), admin, ServerHarness::ended)
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            JsonNode audit = h.ok("GET", "/api/v1/audit?action=restore.request", admin, null);
            assertThat(audit.path("items").toString())
                    .contains("re-import after a failed migration")
                    .contains("\\\"force\\\":true");
            h.drop(newDb);
        }
    }

    @Test
    void hostileUploadsAndANewerDumpAreRefusedBeforeAnythingChanges(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp.resolve("server"), db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "staging");
            String admin = h.adminToken;
            String path = "/api/v1/environments/" + s.env() + "/backups/import";

            Path notZip = tmp.resolve("not.zip");
            Files.writeString(notZip, "this is not a zip");
            assertThat(h.upload(path, admin, notZip).status()).isEqualTo(422);
            Path noDump = tmp.resolve("nodump.zip");
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noDump))) {
                z.putNextEntry(new ZipEntry("manifest.json"));
                z.write("{}".getBytes(StandardCharsets.UTF_8));
            }
            ServerHarness.Response r = h.upload(path, admin, noDump);
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.body().path("message").asText()).contains("dump.sql");
            assertThat(h.ok("GET", "/api/v1/environments/" + s.env() + "/backups", admin, null)
                            .path("items"))
                    .isEmpty();
            // a real Odoo 17 backup of 8 MB streams past the 1 MB limit on JSON bodies
            ServerHarness.Response big = h.upload(path, admin, OdooFixtures.path(OdooFixtures.ODOO17_ZIP));
            assertThat(big.status()).as(big.text()).isEqualTo(201);
            assertThat(big.body().path("size").asLong())
                    .isEqualTo(Files.size(OdooFixtures.path(OdooFixtures.ODOO17_ZIP)));
            h.ok("DELETE", "/api/v1/backups/" + big.body().path("id").asText(), admin, null);
            String viewer = h.user("viewer1", "viewer", s.project());
            assertThat(h.upload(path, viewer, OdooFixtures.path(OdooFixtures.ODOO16_ZIP))
                            .status())
                    .isEqualTo(403);

            // an Odoo zip whose dump says it was written by pg_dump 99
            Path newer = tmp.resolve("newer.zip");
            try (ZipFile in = new ZipFile(
                            OdooFixtures.path(OdooFixtures.ODOO16_ZIP).toFile());
                    ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(newer))) {
                for (ZipEntry e : java.util.Collections.list(in.entries())) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream is = in.getInputStream(e)) {
                        if (e.getName().equals("dump.sql")) {
                            String text = new String(is.readAllBytes(), StandardCharsets.UTF_8);
                            out.write(
                                    text.replaceFirst("Dumped by pg_dump version \\d+", "Dumped by pg_dump version 99")
                                            .getBytes(StandardCharsets.UTF_8));
                        } else {
                            is.transferTo(out);
                        }
                    }
                }
            }
            JsonNode imported = h.upload(path, admin, newer).body();
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE lb_marker (v text)");
                st.execute("INSERT INTO lb_marker VALUES ('still here')");
            }
            JsonNode restore = h.ok(
                    "POST",
                    "/api/v1/restores",
                    admin,
                    Map.of("backup_id", imported.path("id").asText(), "target_environment_id", s.env()));
            JsonNode failed = h.await("/api/v1/restores/" + restore.path("id").asText(), admin, ServerHarness::ended);
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("error_step").asText()).isEqualTo("checking");
            assertThat(failed.path("error_message").asText()).contains("newer");
            assertThat(failed.path("pre_restore_backup_id").isNull())
                    .as("refused before the safety backup")
                    .isTrue();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT v FROM lb_marker")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(Files.list(h.dir.resolve("spool-web1")).toList())
                    .as("nothing left in the spool")
                    .isEmpty();
        }
    }
}
