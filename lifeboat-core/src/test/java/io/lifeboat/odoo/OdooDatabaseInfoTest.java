package io.lifeboat.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.PgServerInfo;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reads a real Odoo 17 database, loaded from the fixture's dump.sql with psql as Odoo's restore does. */
@ExtendWith(PostgresExtension.class)
class OdooDatabaseInfoTest {

    private static final String ZIP = "odoo17_base_mail_attachments.zip";

    private static void load(TestDatabase db) throws SQLException, IOException {
        int major;
        try (Connection c = db.connect()) {
            major = PgServerInfo.read(c).major();
        }
        PgTools tools = PgTools.find(major, null, System.getenv("PATH"), PgTools.DEBIAN_ROOT);
        try (ZipFile z = new ZipFile(OdooManifestTest.fixtures().resolve(ZIP).toFile());
                InputStream dump = z.getInputStream(z.getEntry("dump.sql"))) {
            ProcessRunner.command(tools.psql().path().toString(), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", "-")
                    .env(db.env())
                    .stdin(dump)
                    .run();
        }
    }

    @Test
    void readsWhatTheManifestNeeds(TestDatabase db) throws Exception {
        load(db);
        OdooManifest original =
                OdooManifest.read(new ByteArrayInputStream(OdooManifestTest.zipEntry(ZIP, "manifest.json")));
        OdooDatabaseInfo info;
        try (Connection c = db.connect()) {
            info = OdooDatabaseInfo.read(c);
        }
        assertThat(info.dbName()).isEqualTo(db.name());
        assertThat(info.version()).isEqualTo("17.0");
        assertThat(info.majorVersion()).isEqualTo("17.0");
        assertThat(info.versionInfo()).isEqualTo(original.versionInfo());
        assertThat(info.baseVersion()).isEqualTo("17.0.1.3");
        assertThat(info.uuid()).matches("[0-9a-f-]{36}");
        assertThat(info.attachmentLocation()).isEqualTo("file");
        assertThat(info.filestoreAttachments()).isTrue();
        assertThat(info.server().odooPgVersion()).isEqualTo(original.pgVersion());
        // same modules, in the same order as Odoo listed them
        assertThat(new ArrayList<>(info.modules().entrySet()))
                .isEqualTo(new ArrayList<>(original.modules().entrySet()));

        // given the two values the database cannot know, the manifest is Odoo's, byte for byte
        OdooManifest m = info.toManifest();
        OdooManifest asOdoo = new OdooManifest(
                m.odooDump(), "fx17", "17.0-20240709", m.versionInfo(), m.majorVersion(), m.pgVersion(), m.modules());
        assertThat(asOdoo.toJson())
                .isEqualTo(new String(OdooManifestTest.zipEntry(ZIP, "manifest.json"), StandardCharsets.UTF_8));
    }

    @Test
    void databaseListerFindsTheLoadedDatabase(TestDatabase db) throws Exception {
        load(db);
        var pg = new io.lifeboat.postgres.PgConnection(
                db.cluster().host(), db.cluster().port(), db.owner(), null, null);
        List<String> listed =
                DatabaseLister.list(pg, new DatabaseLister.Options(null, "^" + db.name() + "$", null), null);
        assertThat(listed).containsExactly(db.name());
    }

    @Test
    void refusesADatabaseThatIsNotOdoo(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            assertThatThrownBy(() -> OdooDatabaseInfo.read(c))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT))
                    .hasMessageContaining("is not an odoo database");
        }
    }

    @Test
    void refusesADatabaseWithoutInstalledBase(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ir_module_module (name varchar, latest_version varchar, state varchar)");
            s.execute("CREATE TABLE ir_config_parameter (key varchar, value text)");
            s.execute("INSERT INTO ir_module_module VALUES ('base', NULL, 'to install')");
            assertThatThrownBy(() -> OdooDatabaseInfo.read(c))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("has no installed base module");
            s.execute("UPDATE ir_module_module SET state = 'installed', latest_version = 'saas~17.1.1.3'");
            OdooDatabaseInfo info = OdooDatabaseInfo.read(c);
            assertThat(info.version()).isEqualTo("saas~17.1");
            assertThat(info.versionInfo()).containsExactly("saas~17", 1, 0, "final", 0, "");
            assertThat(info.uuid()).isNull();
        }
    }
}
