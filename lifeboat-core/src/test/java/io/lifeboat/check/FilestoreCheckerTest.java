package io.lifeboat.check;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.progress.Progress;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class FilestoreCheckerTest {
    @TempDir
    Path tmp;

    MiniOdoo odoo;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        odoo = MiniOdoo.create(db, tmp.resolve("filestore/" + db.name()));
    }

    private CheckReport check(boolean deep) {
        return FilestoreChecker.check(
                odoo.connection(), odoo.db().name(), odoo.filestore(), new CheckOptions(deep, 2), Progress.NONE);
    }

    @Test
    void intactInstanceIsClean() throws Exception {
        odoo.attach("res.partner", 1, "a.txt", "alpha".getBytes(UTF_8));
        odoo.attach("res.partner", 2, "a-again.txt", "alpha".getBytes(UTF_8));
        odoo.attach("sale.order", 7, "b.pdf", "bravo".getBytes(UTF_8));
        odoo.row("res.partner", 3, "link", null, null, null, null);
        odoo.sql("UPDATE ir_attachment SET type = 'url' WHERE name = 'link'");

        CheckReport fast = check(false);
        CheckReport deep = check(true);

        for (CheckReport r : List.of(fast, deep)) {
            assertThat(r.clean()).isTrue();
            assertThat(r.findings()).isEmpty();
            assertThat(r.storage().location()).isEqualTo("file");
            assertThat(r.storage().configured()).isFalse();
            assertThat(r.storage().fileRows()).isEqualTo(3);
            assertThat(r.storage().urlRows()).isEqualTo(1);
            assertThat(r.totals().files()).isEqualTo(2);
            assertThat(r.totals().referencedFiles()).isEqualTo(2);
        }
        assertThat(fast.totals().hashedFiles()).isZero();
        assertThat(deep.totals().hashedFiles()).isEqualTo(2);
        assertThat(deep.totals().hashedBytes()).isEqualTo(10);
        assertThat(fast.storage().describe()).startsWith("ir_attachment.location = file (default)");
    }

    @Test
    void otherStoragesAreNamedInWarningsNotChecked() throws Exception {
        odoo.attach("res.partner", 1, "a.txt", "alpha".getBytes(UTF_8));
        // OCA fs_attachment: <storage code>://<path>, not content-addressed
        odoo.row("res.partner", 2, "b.pdf", "s3_prod://res-partner-2-1.pdf", null, 12L, null);
        // Odoo's own cloud storage: no store_fname, the content is at the url
        odoo.sql("INSERT INTO ir_attachment (name, type, url, res_model, res_id) VALUES"
                + " ('c.pdf', 'cloud_storage', 'https://blob.example/c.pdf', 'res.partner', 3)");

        CheckReport r = check(false);

        assertThat(r.storage().externalRows()).isEqualTo(1);
        assertThat(r.warnings())
                .anyMatch(w -> w.startsWith("1 attachments are Odoo cloud storage blobs"))
                .anyMatch(w -> w.startsWith("1 attachments name another storage (s3_prod://)"));
        assertThat(r.clean()).isTrue();
    }

    @Test
    void missingFileIsReportedPerRowWithItsRecord() throws Exception {
        long a = odoo.attach("res.partner", 1, "contract.pdf", "contract".getBytes(UTF_8));
        long b = odoo.attach("sale.order", 9, "copy.pdf", "contract".getBytes(UTF_8));
        odoo.attach("res.partner", 2, "kept.pdf", "kept".getBytes(UTF_8));
        Files.delete(odoo.path(MiniOdoo.sha1("contract".getBytes(UTF_8))));

        CheckReport r = check(false);

        assertThat(r.clean()).isFalse();
        assertThat(r.findings(FindingKind.MISSING_FILE))
                .extracting(Finding::id, Finding::resModel, Finding::resId, Finding::name, Finding::fileSize)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(a, "res.partner", 1L, "contract.pdf", 8L),
                        org.assertj.core.groups.Tuple.tuple(b, "sale.order", 9L, "copy.pdf", 8L));
        assertThat(r.findings(FindingKind.MISSING_FILE).get(0).createDate()).isNotNull();
        assertThat(r.totals().missingFiles()).isEqualTo(1);
        assertThat(r.byModel())
                .extracting(ModelSummary::kind, ModelSummary::resModel, ModelSummary::rows, ModelSummary::files)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(FindingKind.MISSING_FILE, "res.partner", 1L, 1L),
                        org.assertj.core.groups.Tuple.tuple(FindingKind.MISSING_FILE, "sale.order", 1L, 1L));
        assertThat(r.problems()).isEqualTo(2);
    }

    @Test
    void corruptFileIsFoundOnlyByDeepCheck() throws Exception {
        byte[] content = "original content".getBytes(UTF_8);
        long id = odoo.attach("res.partner", 1, "x.bin", content);
        // same size, different bytes: bit rot
        Files.write(odoo.path(MiniOdoo.sha1(content)), "Original content".getBytes(UTF_8));

        assertThat(check(false).clean()).isTrue();
        CheckReport deep = check(true);

        assertThat(deep.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.CORRUPT_FILE);
            assertThat(f.id()).isEqualTo(id);
        });
    }

    @Test
    void sizeAndChecksumDisagreementsAreReported() throws Exception {
        byte[] content = "twelve bytes".getBytes(UTF_8);
        String sha1 = odoo.writeFile(content);
        long wrongSize = odoo.row("res.partner", 1, "s", MiniOdoo.storeFname(sha1), sha1, 13L, null);
        long wrongChecksum =
                odoo.row("res.partner", 2, "c", MiniOdoo.storeFname(sha1), "0".repeat(40), (long) content.length, null);

        CheckReport r = check(false);

        assertThat(r.findings(FindingKind.SIZE_MISMATCH)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(wrongSize);
            assertThat(f.detail()).isEqualTo("file has 12 bytes, file_size says 13");
        });
        assertThat(r.findings(FindingKind.CHECKSUM_MISMATCH))
                .singleElement()
                .extracting(Finding::id)
                .isEqualTo(wrongChecksum);
    }

    @Test
    void unsafeStoreFnamesAreReportedAndNeverFollowed() throws Exception {
        // a file outside the filestore that a naive join would find
        Files.writeString(tmp.resolve("secret"), "secret");
        odoo.row("res.partner", 1, "traversal", "../../secret", null, 6L, null);
        odoo.row("res.partner", 2, "absolute", tmp.resolve("secret").toString(), null, 6L, null);
        odoo.row("res.partner", 3, "odd", "ab/ab cd", null, 6L, null);
        odoo.row("res.partner", 4, "legacy", "abc/abc" + "0".repeat(37), null, 6L, null);

        CheckReport r = check(true);

        assertThat(r.findings(FindingKind.UNSAFE_STORE_FNAME))
                .extracting(Finding::name, Finding::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("traversal", "path contains '..'"),
                        org.assertj.core.groups.Tuple.tuple("absolute", "absolute path"),
                        org.assertj.core.groups.Tuple.tuple("odd", "unexpected character U+0020"),
                        org.assertj.core.groups.Tuple.tuple("legacy", "not of the form xx/<sha1>"));
        assertThat(r.findings()).allMatch(f -> f.kind() == FindingKind.UNSAFE_STORE_FNAME);
        assertThat(r.totals().missingFiles()).isZero();
    }

    @Test
    void orphansAreSplitByGarbageCollectionMarker() throws Exception {
        odoo.attach("res.partner", 1, "kept", "kept".getBytes(UTF_8));
        odoo.mark(MiniOdoo.sha1("kept".getBytes(UTF_8))); // a referenced file with a marker is normal
        String marked = odoo.writeFile("deleted in odoo".getBytes(UTF_8));
        odoo.mark(marked);
        String unmarked = odoo.writeFile("left by a script".getBytes(UTF_8));
        odoo.mark("f".repeat(40)); // a marker whose file is gone

        CheckReport r = check(false);

        assertThat(r.findings(FindingKind.ORPHAN_MARKED_FOR_GC)).singleElement().satisfies(f -> {
            assertThat(f.storeFname()).isEqualTo(MiniOdoo.storeFname(marked));
            assertThat(f.id()).isNull();
            assertThat(f.detail()).contains("next filestore garbage collection");
        });
        assertThat(r.findings(FindingKind.ORPHAN_FILE))
                .singleElement()
                .extracting(Finding::storeFname, Finding::fileSize)
                .containsExactly(MiniOdoo.storeFname(unmarked), 16L);
        assertThat(r.totals().orphanFiles()).isEqualTo(2);
        assertThat(r.totals().markers()).isEqualTo(3);
        assertThat(r.totals().staleMarkers()).isEqualTo(1);
        assertThat(r.problems()).isEqualTo(1); // only the unmarked orphan
    }

    @Test
    void databaseStoredRowsAreReportedSeparately() throws Exception {
        odoo.attach("res.partner", 1, "file", "on disk".getBytes(UTF_8));
        long inDb = odoo.attachInDatabase("res.partner", 2, "in-db", "in the database".getBytes(UTF_8));

        CheckReport r = check(false);

        assertThat(r.clean()).isTrue();
        assertThat(r.storage().databaseRows()).isEqualTo(1);
        assertThat(r.findings(FindingKind.DATABASE_STORED))
                .singleElement()
                .extracting(Finding::id)
                .isEqualTo(inDb);
    }

    @Test
    void databaseLocationIsStatedAndItsRowsOnlyCounted() throws Exception {
        odoo.setLocation("db");
        odoo.attachInDatabase("res.partner", 1, "a", "a".getBytes(UTF_8));
        odoo.attachInDatabase("res.partner", 2, "b", "b".getBytes(UTF_8));
        long legacy = odoo.attach("res.partner", 3, "not migrated", "c".getBytes(UTF_8));
        Files.delete(odoo.path(MiniOdoo.sha1("c".getBytes(UTF_8))));

        CheckReport r = check(false);

        assertThat(r.storage().location()).isEqualTo("db");
        assertThat(r.storage().configured()).isTrue();
        assertThat(r.storage().describe()).contains("new attachments are stored in the database");
        assertThat(r.count(FindingKind.DATABASE_STORED)).isEqualTo(2);
        assertThat(r.findings(FindingKind.DATABASE_STORED)).isEmpty();
        // rows still pointing at the filestore are read from it by Odoo, so they are checked
        assertThat(r.findings(FindingKind.MISSING_FILE))
                .singleElement()
                .extracting(Finding::id)
                .isEqualTo(legacy);
    }

    @Test
    void strayEntriesAndLinksAreReportedNotFollowed() throws Exception {
        byte[] outside = "outside".getBytes(UTF_8);
        Path target = Files.write(tmp.resolve("outside"), outside);
        String sha1 = MiniOdoo.sha1(outside);
        Files.createDirectories(odoo.path(sha1).getParent());
        Files.createSymbolicLink(odoo.path(sha1), target);
        long id = odoo.row("res.partner", 1, "linked", MiniOdoo.storeFname(sha1), sha1, 7L, null);
        Files.writeString(odoo.filestore().resolve("README"), "x");
        Files.createDirectories(odoo.filestore().resolve("ab"));
        Files.writeString(odoo.filestore().resolve("ab/notes.txt"), "x");

        CheckReport r = check(true);

        assertThat(r.findings(FindingKind.STRAY_ENTRY))
                .extracting(Finding::storeFname, Finding::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("README", "unexpected entry in the filestore root"),
                        org.assertj.core.groups.Tuple.tuple(
                                "ab/notes.txt", "name is not the SHA-1 of a file in this directory"),
                        org.assertj.core.groups.Tuple.tuple(
                                MiniOdoo.storeFname(sha1), "symbolic link (never followed)"));
        assertThat(r.findings(FindingKind.MISSING_FILE))
                .singleElement()
                .extracting(Finding::id)
                .isEqualTo(id);
        assertThat(r.totals().hashedFiles()).isZero();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO read blocks
    void specialFilesAreReportedNeverOpened() throws Exception {
        byte[] content = "a pipe now".getBytes(UTF_8);
        String referenced = MiniOdoo.sha1(content);
        long id = odoo.attach("res.partner", 1, "pipe.pdf", content);
        Files.delete(odoo.path(referenced));
        mkfifo(odoo.path(referenced));
        String orphan = MiniOdoo.sha1("orphan pipe".getBytes(UTF_8));
        Files.createDirectories(odoo.path(orphan).getParent());
        mkfifo(odoo.path(orphan));
        mkfifo(odoo.filestore().resolve("pipe"));

        for (boolean deep : List.of(true, false)) {
            CheckReport r = check(deep);

            assertThat(r.findings(FindingKind.STRAY_ENTRY))
                    .extracting(Finding::storeFname, Finding::detail)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(
                                    MiniOdoo.storeFname(referenced), "special file: FIFO (never opened)"),
                            org.assertj.core.groups.Tuple.tuple(
                                    MiniOdoo.storeFname(orphan), "special file: FIFO (never opened)"),
                            org.assertj.core.groups.Tuple.tuple("pipe", "special file: FIFO (never opened)"));
            assertThat(r.findings(FindingKind.MISSING_FILE))
                    .singleElement()
                    .extracting(Finding::id)
                    .isEqualTo(id);
            assertThat(r.clean()).isFalse();
        }
    }

    static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void externalStorageRowsAreCountedNotChecked() throws Exception {
        odoo.row("res.partner", 1, "s3", "s3://bucket/ab/ab" + "0".repeat(38), null, 5L, null);

        CheckReport r = check(false);

        assertThat(r.clean()).isTrue();
        assertThat(r.storage().externalRows()).isEqualTo(1);
        assertThat(r.storage().describe()).contains("1 in external storage (not checked)");
    }

    @Test
    void missingFilestoreDirectoryIsAWarningAndEveryFileIsMissing() throws Exception {
        odoo.attach("res.partner", 1, "a", "a".getBytes(UTF_8));
        FileTrees.deleteTree(odoo.filestore());

        CheckReport r = check(false);

        assertThat(r.warnings()).singleElement().asString().contains("does not exist");
        assertThat(r.count(FindingKind.MISSING_FILE)).isEqualTo(1);
    }

    @Test
    void aDatabaseWithoutAttachmentsTableIsRejected() throws Exception {
        odoo.sql("DROP TABLE ir_attachment");

        assertThatThrownBy(() -> check(false))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("has no ir_attachment table")
                .extracting(e -> ((LifeboatException) e).hint())
                .asString()
                .contains("does not look like an Odoo database");
    }

    @Test
    void metricsAndCsvDescribeTheFindings() throws Exception {
        odoo.attach("res.partner", 1, "=cmd|' /C calc'!A0, \"quoted\"", "x".getBytes(UTF_8));
        Files.delete(odoo.path(MiniOdoo.sha1("x".getBytes(UTF_8))));
        CheckReport r = check(false);

        Path prom = tmp.resolve("metrics/lifeboat.prom");
        PrometheusMetrics.write(prom, r, Instant.ofEpochSecond(1_700_000_000));
        String text = Files.readString(prom);
        assertThat(text)
                .contains("lifeboat_filestore_missing_files{db=\"" + odoo.db().name() + "\"} 1\n")
                .contains("lifeboat_filestore_findings{db=\"" + odoo.db().name()
                        + "\",kind=\"missing_file\",problem=\"true\"} 1\n")
                .contains("lifeboat_check_last_success_timestamp_seconds{db=\""
                        + odoo.db().name() + "\"} 1700000000\n");
        try (var files = Files.list(prom.getParent())) {
            assertThat(files).containsExactly(prom); // no temporary file left
        }

        StringWriter csv = new StringWriter();
        FindingsCsv.write(csv, r.findings());
        assertThat(csv.toString())
                .startsWith("kind,id,res_model,res_id,res_field,name,store_fname,file_size,create_date,detail\r\n")
                .contains("missing_file,")
                // a formula-looking cell is defused, and quotes are doubled
                .contains(",\"'=cmd|' /C calc'!A0, \"\"quoted\"\"\",");
    }
}
