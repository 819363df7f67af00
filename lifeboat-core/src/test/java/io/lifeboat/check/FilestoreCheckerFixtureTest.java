package io.lifeboat.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Checks against databases and filestores written by real Odoo 17. */
@ExtendWith(PostgresExtension.class)
class FilestoreCheckerFixtureTest {
    @TempDir
    Path tmp;

    @Test
    void divergentFixtureReportsExactlyItsThreeMissingFilesAndFiveRows(TestDatabase db) throws Exception {
        Path filestore = tmp.resolve("filestore");
        OdooFixture.restore(OdooFixture.fixture("odoo17_divergent_missing3.zip"), db, filestore);
        Map<String, String> before = FileTrees.fingerprint(filestore);

        CheckReport r = FilestoreChecker.check(
                OdooFixture.connection(db), db.name(), filestore, CheckOptions.deepCheck(), Progress.NONE);

        assertThat(r.findings(FindingKind.MISSING_FILE))
                .extracting(Finding::id)
                .containsExactlyInAnyOrder(19L, 57L, 58L, 32L, 61L);
        assertThat(r.findings(FindingKind.MISSING_FILE).stream()
                        .map(Finding::storeFname)
                        .distinct())
                .containsExactlyInAnyOrder(
                        "79/79bafe8bc926a262b4dfce02c6e93ef1a22ac141",
                        "42/425072a25f6bee201f83f16edd4ce3203a8b91ee",
                        "f5/f5f702a98c927998e609028ab0b7b555c40fd7a5");
        assertThat(r.problems()).isEqualTo(5);
        assertThat(r.totals().missingFiles()).isEqualTo(3);
        assertThat(r.totals().files()).isEqualTo(56);
        assertThat(r.totals().hashedFiles()).isEqualTo(56);
        assertThat(r.storage())
                .extracting(StorageInfo::location, StorageInfo::rows, StorageInfo::fileRows, StorageInfo::urlRows)
                .containsExactly("file", 70L, 67L, 2L);
        assertThat(FileTrees.fingerprint(filestore)).isEqualTo(before);
    }

    @Test
    void intactFixtureIsCleanInDeepMode(TestDatabase db) throws Exception {
        Path filestore = tmp.resolve("filestore");
        OdooFixture.restore(OdooFixture.fixture("odoo17_base_mail_attachments.zip"), db, filestore);

        CheckReport r = FilestoreChecker.check(
                OdooFixture.connection(db), db.name(), filestore, CheckOptions.deepCheck(), Progress.NONE);

        assertThat(r.clean()).isTrue();
        assertThat(r.findings()).isEmpty();
        assertThat(r.totals().files()).isEqualTo(59);
        assertThat(r.totals().referencedFiles()).isEqualTo(59);
        assertThat(r.totals().markers()).isEqualTo(59);
    }

    @Test
    void aRoleThatMayOnlySelectRunsTheCheck(TestDatabase db) throws Exception {
        Path filestore = tmp.resolve("filestore");
        OdooFixture.restore(OdooFixture.fixture("odoo17_divergent_missing3.zip"), db, filestore);
        try (Connection c = db.connectSuperuser();
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE lifeboat_reader LOGIN");
            s.execute("GRANT SELECT ON ir_attachment, ir_config_parameter TO lifeboat_reader");
        }
        try {
            PgConnection reader =
                    new PgConnection(db.cluster().host(), db.cluster().port(), "lifeboat_reader", null, null);

            CheckReport r = FilestoreChecker.check(reader, db.name(), filestore, CheckOptions.fast(), Progress.NONE);

            assertThat(r.count(FindingKind.MISSING_FILE)).isEqualTo(5);
            assertThat(r.warnings()).isEmpty();
        } finally {
            try (Connection c = db.connectSuperuser();
                    Statement s = c.createStatement()) {
                s.execute("DROP OWNED BY lifeboat_reader");
                s.execute("DROP ROLE lifeboat_reader");
            }
        }
    }

    @Test
    void aRoleThatMayNotReadAttachmentsGetsAHint(TestDatabase db) throws Exception {
        Path filestore = tmp.resolve("filestore");
        OdooFixture.restore(OdooFixture.fixture("odoo16_base_only.zip"), db, filestore);
        try (Connection c = db.connectSuperuser();
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE lifeboat_nobody LOGIN");
        }
        try {
            PgConnection nobody =
                    new PgConnection(db.cluster().host(), db.cluster().port(), "lifeboat_nobody", null, null);

            assertThatThrownBy(() ->
                            FilestoreChecker.check(nobody, db.name(), filestore, CheckOptions.fast(), Progress.NONE))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("role lifeboat_nobody may not read ir_attachment")
                    .extracting(e -> ((LifeboatException) e).hint())
                    .asString()
                    .contains("Grant SELECT on ir_attachment");
        } finally {
            try (Connection c = db.connectSuperuser();
                    Statement s = c.createStatement()) {
                s.execute("DROP ROLE lifeboat_nobody");
            }
        }
    }
}
