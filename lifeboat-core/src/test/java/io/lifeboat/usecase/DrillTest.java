package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.api.DrillRequest;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Restore drills through the facade, against a real cluster and real Odoo backups. */
@ExtendWith(PostgresExtension.class)
class DrillTest {
    /** A file the Odoo 16 backup's attachments reference (ir_attachment id 1, a language flag). */
    static final String REFERENCED = "23/23fe89f51c8121f053a697a3dd79106f25aeeb52";

    @TempDir
    Path tmp;

    PgCluster cluster;
    Path dataDir;
    Path small;
    Lifeboat lifeboat;
    final List<String> made = new ArrayList<>();

    @BeforeEach
    void setUp(PgCluster cluster) {
        this.cluster = cluster;
        dataDir = tmp.resolve("data");
        small = OdooFixtures.path(OdooFixtures.ODOO16_ZIP);
        lifeboat = RestoresTest.open(cluster, dataDir, tmp);
    }

    @AfterEach
    void tearDown() throws SQLException {
        lifeboat.close();
        for (String name : cluster.databases()) {
            if (made.contains(name)) cluster.dropDatabase(name);
        }
    }

    private String scratch() {
        String name = "drill_" + Long.toHexString(System.nanoTime());
        made.add(name);
        return name;
    }

    private void assertRemoved(DrillResult r) throws SQLException {
        assertThat(r.removed()).isTrue();
        assertThat(cluster.databases()).doesNotContain(r.scratchDatabase());
        assertThat(dataDir.resolve("filestore").resolve(r.scratchDatabase())).doesNotExist();
        assertThat(cluster.databases()).noneMatch(d -> d.startsWith(r.scratchDatabase() + "_lbnew_"));
        assertThat(Lifeboat.pendingTemporaryItems()).isZero();
    }

    @Test
    void aGoodBackupPassesWithRowsComparedAndEveryFileHashed() throws Exception {
        List<String> phases = new CopyOnWriteArrayList<>();
        Observer observer = Observer.of(
                e -> {
                    if (e.type() == ProgressEvent.Type.PHASE) phases.add(e.phase());
                },
                null);
        Instant point = Instant.parse("2026-01-01T00:00:00Z");

        DrillResult r = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(small)).withPointTime(point), observer);

        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.scratchDatabase()).matches("lifeboat_drill_\\d{8}_\\d{6}_[0-9a-f]{4}");
        assertThat(r.steps())
                .extracting(DrillResult.Step::name)
                .containsExactly(
                        "restore_database",
                        "restore_filestore",
                        "verify_base",
                        "verify_rows",
                        "verify_files",
                        "remove");
        assertThat(r.steps()).allSatisfy(s -> assertThat(s.ok()).isTrue());
        assertThat(r.counts().baseInstalled()).isTrue();
        assertThat(r.counts().users()).isPositive();
        assertThat(r.counts().referencedFiles()).isEqualTo(11);
        assertThat(r.counts().presentFiles()).isEqualTo(11);
        assertThat(r.counts().missingFiles()).isZero();
        assertThat(r.counts().corruptFiles()).isZero();
        assertThat(r.counts().sampled()).isFalse();
        assertThat(r.counts().filesHashed()).isGreaterThanOrEqualTo(11);
        assertThat(r.counts().tables()).hasSize(10).allSatisfy(t -> {
            assertThat(t.expected()).isNotNull().isPositive();
            assertThat(t.actual()).isEqualTo(t.expected());
        });
        assertThat(r.counts().tables())
                .extracting(DrillResult.TableCount::table)
                .doesNotContain("public.ir_config_parameter", "public.ir_mail_server");
        assertThat(r.pointTime()).isEqualTo(point);
        assertThat(r.rpoMillis())
                .isEqualTo(Duration.between(point, r.startedAt()).toMillis());
        assertThat(r.rtoMillis()).isPositive();
        assertThat(r.finishedAt()).isAfterOrEqualTo(r.startedAt());
        assertThat(phases).contains("load database", "verify rows", "remove");
        assertRemoved(r);
    }

    @Test
    void theRpoOfABackupFileDefaultsToItsModificationTime() throws Exception {
        Path copy = Files.copy(small, tmp.resolve("copy.zip"));
        Instant modified = Instant.parse("2026-06-01T12:00:00Z");
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.from(modified));

        DrillResult r = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(copy))
                        .withScratchDatabase(scratch())
                        .withSampleFiles(3)
                        .withLargestTables(0),
                null);

        assertThat(r.passed()).isTrue();
        assertThat(r.pointTime()).isEqualTo(modified);
        assertThat(r.rpoMillis())
                .isEqualTo(Duration.between(modified, r.startedAt()).toMillis());
        assertThat(r.counts().sampled()).isTrue();
        assertThat(r.counts().filesHashed()).isEqualTo(3);
        assertThat(r.counts().tables()).isEmpty();
        assertThat(r.steps()).extracting(DrillResult.Step::name).doesNotContain("verify_rows");
        assertRemoved(r);
    }

    @Test
    void aBackupMissingAReferencedFileFailsAndIsRemoved() throws Exception {
        Path zip = rewrite(small, "missing.zip", name -> name.equals("filestore/" + REFERENCED) ? null : b -> b);

        DrillResult r =
                lifeboat.drill(DrillRequest.of(RestoreRequest.Source.file(zip)).withScratchDatabase(scratch()), null);

        assertThat(r.passed()).isFalse();
        assertThat(r.counts().missingFiles()).isEqualTo(1);
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains(REFERENCED));
        assertThat(r.steps())
                .filteredOn(s -> s.name().equals("verify_files"))
                .singleElement()
                .satisfies(s -> assertThat(s.ok()).isFalse());
        assertRemoved(r);
    }

    @Test
    void aCorruptFileFailsTheDrillWhetherEveryFileOrASampleIsHashed() throws Exception {
        Path zip = rewrite(
                small, "corrupt.zip", name -> name.equals("filestore/" + REFERENCED) ? DrillTest::flip : b -> b);

        DrillResult deep =
                lifeboat.drill(DrillRequest.of(RestoreRequest.Source.file(zip)).withScratchDatabase(scratch()), null);
        assertThat(deep.passed()).isFalse();
        assertThat(deep.counts().corruptFiles()).isEqualTo(1);
        assertThat(deep.counts().missingFiles()).isZero();
        assertThat(deep.failures())
                .anySatisfy(f -> assertThat(f).contains("corrupt").contains(REFERENCED));
        assertRemoved(deep);

        // the restore leaves the corrupt file out: the sample hashes the 10 others
        DrillResult sampled = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(zip))
                        .withScratchDatabase(scratch())
                        .withSampleFiles(1000),
                null);
        assertThat(sampled.passed()).isFalse();
        assertThat(sampled.counts().sampled()).isTrue();
        assertThat(sampled.counts().filesHashed()).isEqualTo(10);
        assertThat(sampled.counts().corruptFiles()).isEqualTo(1);
        assertThat(sampled.counts().missingFiles()).isZero();
        assertRemoved(sampled);
    }

    @Test
    void aBrokenArchiveIsAFailedDrillNotAnError() throws Exception {
        Path zip = rewrite(small, "broken.zip", name -> name.equals("dump.sql") ? b -> truncate(b) : b -> b);

        DrillResult r =
                lifeboat.drill(DrillRequest.of(RestoreRequest.Source.file(zip)).withScratchDatabase(scratch()), null);

        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f).startsWith("the restore failed"));
        assertThat(r.steps()).first().satisfies(s -> {
            assertThat(s.name()).isEqualTo("restore_database");
            assertThat(s.ok()).isFalse();
        });
        assertRemoved(r);
    }

    @Test
    void aProbeThatAnswersPassesAndOneThatNeverAnswersFails() throws Exception {
        String server = "import http.server,sys\n"
                + "class H(http.server.BaseHTTPRequestHandler):\n"
                + "    def do_GET(self):\n"
                + "        self.send_response(200 if self.path == '/web/login' else 404)\n"
                + "        self.end_headers()\n"
                + "    def log_message(self, *a): pass\n"
                + "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n";
        DrillRequest.Probe answers = new DrillRequest.Probe(
                List.of("python3", "-c", server, "{port}", "{database}", "{data_dir}"),
                "http://127.0.0.1:{port}/web/login",
                Duration.ofSeconds(60));

        DrillResult ok = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(small))
                        .withScratchDatabase(scratch())
                        .withSampleFiles(1)
                        .withProbe(answers),
                null);
        assertThat(ok.failures()).isEmpty();
        assertThat(ok.steps())
                .filteredOn(s -> s.name().equals("probe"))
                .singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("HTTP 200"));
        assertRemoved(ok);

        DrillRequest.Probe silent = new DrillRequest.Probe(
                List.of("python3", "-c", "import time; time.sleep(600)"),
                "http://127.0.0.1:{port}/web/login",
                Duration.ofSeconds(1));
        DrillResult failed = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(small))
                        .withScratchDatabase(scratch())
                        .withSampleFiles(1)
                        .withProbe(silent),
                null);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.failures())
                .singleElement()
                .satisfies(f -> assertThat(f).startsWith("the probe failed").contains("did not answer within 1 s"));
        assertRemoved(failed);
    }

    @Test
    void keepLeavesTheScratchCopy() throws Exception {
        String name = scratch();

        DrillResult r = lifeboat.drill(
                DrillRequest.of(RestoreRequest.Source.file(small))
                        .withScratchDatabase(name)
                        .withSampleFiles(1)
                        .withKeep(true),
                null);

        assertThat(r.passed()).isTrue();
        assertThat(r.removed()).isFalse();
        assertThat(r.steps()).last().satisfies(s -> assertThat(s.detail()).startsWith("kept"));
        assertThat(cluster.databases()).contains(name);
        assertThat(dataDir.resolve("filestore").resolve(name)).isDirectory();
        assertThat(Lifeboat.pendingTemporaryItems()).isZero();
    }

    @Test
    void aCancelledDrillThrowsAndLeavesNothing() throws Exception {
        String name = scratch();
        for (String at : List.of("load database", "verify rows")) {
            Cancellation cancellation = new Cancellation();
            Observer observer = Observer.of(
                    e -> {
                        if (e.type() == ProgressEvent.Type.PHASE && e.phase().equals(at)) cancellation.cancel("test");
                    },
                    cancellation);

            assertThatThrownBy(() -> lifeboat.drill(
                            DrillRequest.of(RestoreRequest.Source.file(small)).withScratchDatabase(name), observer))
                    .as("cancelled at %s", at)
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
            assertThat(cluster.databases()).noneMatch(d -> d.startsWith(name));
            assertThat(dataDir.resolve("filestore").resolve(name)).doesNotExist();
            assertThat(Lifeboat.pendingTemporaryItems()).isZero();
        }
    }

    @Test
    void badUsageThrows() throws Exception {
        assertThatThrownBy(() ->
                        lifeboat.drill(DrillRequest.of(RestoreRequest.Source.file(tmp.resolve("gone.zip"))), null))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.USAGE));
        assertThatThrownBy(() -> lifeboat.drill(
                        DrillRequest.of(RestoreRequest.Source.file(small)).withScratchDatabase("bad name;"), null))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.USAGE));
        String taken = scratch();
        cluster.createDatabase(taken, PostgresExtension.ODOO_ROLE);
        assertThatThrownBy(() -> lifeboat.drill(
                        DrillRequest.of(RestoreRequest.Source.file(small)).withScratchDatabase(taken), null))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        assertThat(cluster.databases()).contains(taken);
    }

    @Test
    void rowsAreComparedForTheLargestTablesOutsideThoseTheRestoreWrites() {
        Map<String, Long> dump = new LinkedHashMap<>();
        dump.put("public.res_partner", 50L);
        dump.put("public.ir_config_parameter", 900L);
        dump.put("public.ir_model_data", 700L);
        dump.put("public.\"ir_mail_server\"", 800L);
        dump.put("public.res_users", 5L);

        assertThat(Drills.largestTables(dump, 2)).containsExactly("public.ir_model_data", "public.res_partner");
        assertThat(Drills.rowDifferences(List.of(
                        new DrillResult.TableCount("public.ir_model_data", 700L, 700),
                        new DrillResult.TableCount("public.res_partner", 50L, 49),
                        new DrillResult.TableCount("public.x", null, 3))))
                .containsExactly("table public.res_partner has 49 rows in the copy, the backup holds 50");
    }

    // ------------------------------------------------------------------------------------ helpers

    /** A copy of {@code zip} with each entry's bytes passed through the function its name maps to (null: left out). */
    private Path rewrite(Path zip, String name, Function<String, Function<byte[], byte[]>> change) throws IOException {
        Path out = tmp.resolve(name);
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream zin = new ZipInputStream(in);
                OutputStream os = Files.newOutputStream(out);
                ZipOutputStream zout = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                Function<byte[], byte[]> f = change.apply(e.getName());
                byte[] bytes = zin.readAllBytes();
                if (f == null) continue;
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(f.apply(bytes));
                zout.closeEntry();
            }
        }
        return out;
    }

    /** The same size, one byte changed. */
    private static byte[] flip(byte[] b) {
        byte[] c = b.clone();
        c[c.length / 2] ^= 0x55;
        return c;
    }

    /** A dump cut in the middle of its data. */
    private static byte[] truncate(byte[] b) {
        return java.util.Arrays.copyOf(b, b.length / 2);
    }
}
