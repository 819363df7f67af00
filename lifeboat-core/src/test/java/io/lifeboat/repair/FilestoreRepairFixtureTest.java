package io.lifeboat.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.backup.BackupEngine;
import io.lifeboat.check.CheckOptions;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.FilestoreChecker;
import io.lifeboat.check.FindingKind;
import io.lifeboat.check.OdooFixture;
import io.lifeboat.odoozip.OdooArchive;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Repairs the real divergent Odoo 17 fixture from the intact backup, as a zip and as a repository snapshot. */
@ExtendWith(PostgresExtension.class)
class FilestoreRepairFixtureTest {
    private static final List<String> LOST = List.of(
            "42/425072a25f6bee201f83f16edd4ce3203a8b91ee",
            "79/79bafe8bc926a262b4dfce02c6e93ef1a22ac141",
            "f5/f5f702a98c927998e609028ab0b7b555c40fd7a5");

    @TempDir
    Path tmp;

    private static CheckReport check(TestDatabase db, Path filestore) {
        return FilestoreChecker.check(
                OdooFixture.connection(db), db.name(), filestore, CheckOptions.deepCheck(), Progress.NONE);
    }

    private void assertEveryFileMatchesItsName(Path filestore) throws Exception {
        try (Stream<Path> files = Files.walk(filestore)) {
            List<Path> content = files.filter(Files::isRegularFile)
                    .filter(p -> !filestore.relativize(p).startsWith("checklist"))
                    .toList();
            assertThat(content).hasSize(59);
            for (Path p : content) {
                assertThat(io.lifeboat.restore.RestoreEngineTestSupport.sha1(p))
                        .isEqualTo(p.getFileName().toString());
            }
        }
    }

    @Test
    void repairsFromTheIntactOdooZip(TestDatabase db) throws Exception {
        Path filestore = tmp.resolve("filestore");
        OdooFixture.restore(OdooFixture.fixture("odoo17_divergent_missing3.zip"), db, filestore);
        Path zip = OdooFixture.fixture("odoo17_base_mail_attachments.zip");

        try (ContentProvider source = ContentProvider.zip(zip)) {
            FilestoreRepair repair = new FilestoreRepair(filestore, List.of(source));
            RepairPlan plan = repair.plan(check(db, filestore), Progress.NONE);
            assertThat(plan.files()).extracting(PlannedFile::relative).containsExactlyElementsOf(LOST);
            assertThat(plan.files()).allMatch(f -> f.source().equals("zip " + zip));
            assertThat(plan.irrecoverable()).isEmpty();
            assertThat(plan.files().stream().flatMap(f -> f.rowIds().stream()))
                    .containsExactlyInAnyOrder(19L, 57L, 58L, 32L, 61L);

            RepairResult result = repair.apply(plan, RepairOptions.defaults(), Progress.NONE);

            assertThat(result.placed()).hasSize(3);
            assertThat(result.failed()).isEmpty();
            assertThat(result.bytes()).isEqualTo(plan.bytes());
        }
        CheckReport after = check(db, filestore);
        assertThat(after.clean()).isTrue();
        assertThat(after.findings()).isEmpty();
        assertEveryFileMatchesItsName(filestore);
    }

    @Test
    void repairsFromARepositorySnapshotOfTheIntactDatabase(TestDatabase db) throws Exception {
        // the intact database, backed up into a repository
        TestDatabase intact =
                new TestDatabase("intact_" + Long.toHexString(System.nanoTime()), db.owner(), db.cluster());
        db.cluster().createDatabase(intact.name(), intact.owner());
        try {
            Path intactFilestore = tmp.resolve("intact-filestore");
            Path zip = OdooFixture.fixture("odoo17_base_mail_attachments.zip");
            OdooFixture.restore(zip, intact, intactFilestore);
            JsonNode manifest;
            try (OdooArchive a = OdooArchive.open(zip)) {
                manifest = a.manifest().orElseThrow();
            }
            SecretKey key = SecretKey.generate();
            try (Repository repo =
                    Repository.init(new LocalBackend(tmp.resolve("repo")), key, Repository.Options.defaults())) {
                new BackupEngine(
                                new BackupEngine.Instance(
                                        OdooFixture.connection(intact),
                                        intact.name(),
                                        intactFilestore,
                                        db.cluster().binDir().resolve("pg_dump")),
                                BackupEngine.Options.defaults(),
                                Progress.NONE)
                        .run(
                                repo.newSnapshot(SnapshotMeta.of("prod", intact.name(), SnapshotKind.MANUAL)),
                                (c, d) -> manifest);
                assertThat(repo.snapshots()).hasSize(1);

                // the damaged database, another name, repaired from that snapshot
                Path filestore = tmp.resolve("filestore");
                OdooFixture.restore(OdooFixture.fixture("odoo17_divergent_missing3.zip"), db, filestore);
                FilestoreRepair repair = new FilestoreRepair(filestore, List.of(ContentProvider.repository(repo)));
                RepairPlan plan = repair.plan(check(db, filestore), Progress.NONE);
                assertThat(plan.files()).extracting(PlannedFile::relative).containsExactlyElementsOf(LOST);
                assertThat(plan.files()).allMatch(f -> f.source().startsWith("repository "));

                RepairResult result = repair.apply(plan, new RepairOptions(2), Progress.NONE);

                assertThat(result.placed()).hasSize(3);
                assertThat(result.batches()).isEqualTo(2);
                CheckReport after = check(db, filestore);
                assertThat(after.clean()).isTrue();
                assertThat(after.count(FindingKind.MISSING_FILE)).isZero();
                assertEveryFileMatchesItsName(filestore);
            }
        } finally {
            db.cluster().dropDatabase(intact.name());
        }
    }
}
