package io.lifeboat.repair;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.check.CheckOptions;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.FileTrees;
import io.lifeboat.check.FilestoreChecker;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.check.MiniOdoo;
import io.lifeboat.progress.Progress;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class FilestoreRepairTest {
    @TempDir
    Path tmp;

    MiniOdoo odoo;
    Path backup;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        odoo = MiniOdoo.create(db, tmp.resolve("data/filestore/" + db.name()));
        backup = tmp.resolve("backup");
    }

    private CheckReport check(boolean deep) {
        return FilestoreChecker.check(
                odoo.connection(), odoo.db().name(), odoo.filestore(), new CheckOptions(deep, 2), Progress.NONE);
    }

    /** Attaches content, copies its file into the backup directory, then loses it from the filestore. */
    private String lose(String model, long resId, String content, boolean keepInBackup) throws Exception {
        byte[] bytes = content.getBytes(UTF_8);
        odoo.attach(model, resId, content + ".txt", bytes);
        String sha1 = MiniOdoo.sha1(bytes);
        if (keepInBackup) {
            Path b = backup.resolve(MiniOdoo.storeFname(sha1));
            Files.createDirectories(b.getParent());
            Files.copy(odoo.path(sha1), b);
        }
        Files.delete(odoo.path(sha1));
        return sha1;
    }

    @Test
    void partlyRecoverableSetIsRepairedAndTheRestExported() throws Exception {
        odoo.attach("res.partner", 1, "intact", "intact".getBytes(UTF_8));
        String a = lose("res.partner", 2, "alpha", true);
        String b = lose("sale.order", 3, "bravo", true);
        String c = lose("account.move", 4, "charlie", false);
        Files.createDirectories(backup);
        CheckReport before = check(false);
        Map<String, String> untouched = FileTrees.fingerprint(odoo.filestore());

        FilestoreRepair repair = new FilestoreRepair(odoo.filestore(), List.of(ContentProvider.directory(backup)));
        RepairPlan plan = repair.plan(before, Progress.NONE);

        assertThat(FileTrees.fingerprint(odoo.filestore())).isEqualTo(untouched); // planning writes nothing
        assertThat(plan.files())
                .extracting(PlannedFile::sha1, PlannedFile::source)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(a, "directory " + backup),
                        org.assertj.core.groups.Tuple.tuple(b, "directory " + backup));
        assertThat(plan.bytes()).isEqualTo(10);
        assertThat(plan.irrecoverable())
                .singleElement()
                .extracting(Finding::resModel, Finding::resId, Finding::storeFname)
                .containsExactly("account.move", 4L, MiniOdoo.storeFname(c));

        RepairResult result = repair.apply(plan, RepairOptions.defaults(), Progress.NONE);

        assertThat(result.placed()).hasSize(2);
        assertThat(result.failed()).isEmpty();
        assertThat(result.bytes()).isEqualTo(10);
        assertThat(odoo.path(a)).hasContent("alpha");
        assertThat(odoo.path(b)).hasContent("bravo");
        CheckReport after = check(true);
        assertThat(after.findings(FindingKind.MISSING_FILE))
                .singleElement()
                .extracting(Finding::storeFname)
                .isEqualTo(MiniOdoo.storeFname(c));
        assertThat(after.count(FindingKind.STRAY_ENTRY)).isZero(); // no temporary file left behind

        Path csv = tmp.resolve("lost.csv");
        Path json = tmp.resolve("lost.json");
        IrrecoverableExport.write(csv, plan.irrecoverable());
        IrrecoverableExport.write(json, plan.irrecoverable());
        assertThat(Files.readString(csv)).contains("missing_file,").contains(",account.move,4,");
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("res_model").asText()).isEqualTo("account.move");
        assertThat(rows.get(0).get("res_id").asLong()).isEqualTo(4);
    }

    @Test
    void rerunningIsHarmlessAndExistingFilesAreNeverOverwritten() throws Exception {
        String a = lose("res.partner", 1, "alpha", true);
        String b = lose("res.partner", 2, "bravo", true);
        FilestoreRepair repair = new FilestoreRepair(odoo.filestore(), List.of(ContentProvider.directory(backup)));
        RepairPlan plan = repair.plan(check(false), Progress.NONE);
        // something else writes b's name between plan and apply
        Files.writeString(odoo.path(b), "someone else's bytes");

        RepairResult first = repair.apply(plan, new RepairOptions(1), Progress.NONE);
        RepairResult second = repair.apply(plan, new RepairOptions(1), Progress.NONE);

        assertThat(first.placed()).extracting(RepairResult.Placed::relative).containsExactly(MiniOdoo.storeFname(a));
        assertThat(first.present()).containsExactly(MiniOdoo.storeFname(b));
        assertThat(first.batches()).isEqualTo(2);
        assertThat(odoo.path(b)).hasContent("someone else's bytes");
        assertThat(second.placed()).isEmpty();
        assertThat(second.present()).containsExactlyInAnyOrder(MiniOdoo.storeFname(a), MiniOdoo.storeFname(b));
    }

    @Test
    void contentThatDoesNotMatchItsNameIsRejectedAndTheNextSourceUsed() throws Exception {
        String a = lose("res.partner", 1, "alpha", false);
        Path liar = tmp.resolve("liar");
        Files.createDirectories(liar.resolve(a.substring(0, 2)));
        Files.writeString(liar.resolve(MiniOdoo.storeFname(a)), "not alpha");
        Path good = tmp.resolve("good/filestore/otherdb"); // a data directory layout
        Files.createDirectories(good.resolve(a.substring(0, 2)));
        Files.writeString(good.resolve(MiniOdoo.storeFname(a)), "alpha");
        // a temporary file an interrupted repair left behind
        Path stale = odoo.filestore().resolve(a.substring(0, 2)).resolve(".lifeboat-" + a + ".123.tmp");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "half");

        RepairResult onlyLiar = new FilestoreRepair(odoo.filestore(), List.of(ContentProvider.directory(liar)))
                .apply(
                        new FilestoreRepair(odoo.filestore(), List.of(ContentProvider.directory(liar)))
                                .plan(check(false), Progress.NONE),
                        RepairOptions.defaults(),
                        Progress.NONE);
        assertThat(onlyLiar.failed())
                .singleElement()
                .extracting(RepairResult.Failed::reason)
                .asString()
                .contains("content hashes to " + MiniOdoo.sha1("not alpha".getBytes(UTF_8)));
        assertThat(odoo.path(a)).doesNotExist();

        FilestoreRepair both = new FilestoreRepair(
                odoo.filestore(),
                List.of(ContentProvider.directory(liar), ContentProvider.directory(tmp.resolve("good"))));
        RepairResult result =
                both.apply(both.plan(check(false), Progress.NONE), RepairOptions.defaults(), Progress.NONE);

        assertThat(result.placed())
                .singleElement()
                .extracting(RepairResult.Placed::source)
                .isEqualTo("directory " + tmp.resolve("good"));
        assertThat(odoo.path(a)).hasContent("alpha");
        assertThat(stale).doesNotExist();
        assertThat(check(true).clean()).isTrue();
    }

    @Test
    void orphansGoToQuarantineAndComeBack() throws Exception {
        odoo.attach("res.partner", 1, "kept", "kept".getBytes(UTF_8));
        String unmarked = odoo.writeFile("left by a script".getBytes(UTF_8));
        String marked = odoo.writeFile("deleted in odoo".getBytes(UTF_8));
        odoo.mark(marked);
        String revived = odoo.writeFile("referenced again".getBytes(UTF_8));
        CheckReport report = check(false);
        assertThat(report.totals().orphanFiles()).isEqualTo(3);
        // a row referencing one orphan appears after the check
        odoo.row("res.partner", 2, "revived", MiniOdoo.storeFname(revived), revived, 16L, null);
        Path base = tmp.resolve("data/filestore-quarantine/" + odoo.db().name());

        FilestoreQuarantine.Result q =
                FilestoreQuarantine.quarantine(report, odoo.filestore(), base, odoo.connection(), Progress.NONE);

        assertThat(q.moved())
                .extracting(FilestoreQuarantine.Entry::relative, FilestoreQuarantine.Entry::markedForGc)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(MiniOdoo.storeFname(unmarked), false),
                        org.assertj.core.groups.Tuple.tuple(MiniOdoo.storeFname(marked), true));
        assertThat(q.kept()).containsExactly(MiniOdoo.storeFname(revived));
        assertThat(q.directory().getParent()).isEqualTo(base);
        assertThat(q.directory().resolve(MiniOdoo.storeFname(unmarked))).hasContent("left by a script");
        assertThat(odoo.path(unmarked)).doesNotExist();
        assertThat(odoo.path(revived)).exists();
        JsonNode manifest = new ObjectMapper().readTree(q.manifest().toFile());
        assertThat(manifest.get("state").asText()).isEqualTo("complete");
        assertThat(manifest.get("entries")).hasSize(2);
        CheckReport after = check(false);
        assertThat(after.clean()).isTrue();
        assertThat(after.totals().orphanFiles()).isZero();

        // the marked file reappears in the filestore meanwhile: moving back must not overwrite it
        Files.writeString(odoo.path(marked), "deleted in odoo");
        FilestoreQuarantine.RestoreResult back = FilestoreQuarantine.unquarantine(q.manifest(), null, Progress.NONE);
        FilestoreQuarantine.RestoreResult again = FilestoreQuarantine.unquarantine(q.manifest(), null, Progress.NONE);

        assertThat(back.restored()).containsExactly(MiniOdoo.storeFname(unmarked));
        assertThat(back.present()).containsExactly(MiniOdoo.storeFname(marked));
        assertThat(odoo.path(unmarked)).hasContent("left by a script");
        assertThat(again.restored()).isEmpty();
        assertThat(again.absent()).containsExactly(MiniOdoo.storeFname(unmarked));
    }

    @Test
    void quarantineWithNothingToMoveCreatesNothing() throws Exception {
        odoo.attach("res.partner", 1, "kept", "kept".getBytes(UTF_8));
        Path base = tmp.resolve("data/filestore-quarantine/x");

        FilestoreQuarantine.Result q =
                FilestoreQuarantine.quarantine(check(false), odoo.filestore(), base, odoo.connection(), Progress.NONE);

        assertThat(q.moved()).isEmpty();
        assertThat(base).doesNotExist();
    }

    @Test
    void anAlteredManifestIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("q"));
        Files.writeString(
                dir.resolve("manifest.json"),
                "{\"version\":1,\"database\":\"x\",\"filestore\":\"" + odoo.filestore()
                        + "\",\"createdAt\":\"now\",\"state\":\"complete\","
                        + "\"entries\":[{\"relative\":\"../../etc/passwd\",\"size\":1,\"markedForGc\":false}]}");

        assertThatThrownBy(() -> FilestoreQuarantine.unquarantine(dir.resolve("manifest.json"), null, Progress.NONE))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("unsafe path");
    }

    /** A quarantine directory holding one real file, and its manifest text with the given fields. */
    private Path quarantineWithOneFile(String database, String filestore, String... relatives) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data/filestore-quarantine/q"));
        String sha1 = MiniOdoo.sha1("quarantined".getBytes(UTF_8));
        Path file = dir.resolve(MiniOdoo.storeFname(sha1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, "quarantined");
        StringBuilder entries = new StringBuilder();
        for (String r : List.of(relatives).isEmpty() ? List.of(MiniOdoo.storeFname(sha1)) : List.of(relatives)) {
            if (!entries.isEmpty()) entries.append(',');
            entries.append("{\"relative\":\"").append(r).append("\",\"size\":11,\"markedForGc\":false}");
        }
        Files.writeString(
                dir.resolve("manifest.json"),
                "{\"version\":1,\"database\":\"" + database + "\",\"filestore\":\"" + filestore
                        + "\",\"createdAt\":\"now\",\"state\":\"complete\",\"entries\":[" + entries + "]}");
        return dir;
    }

    @Test
    void aManifestNamingAFilestoreOutsideADataDirIsRefused() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("etc"));
        String db = odoo.db().name();
        for (String filestore : List.of(
                outside.toString(), // not <data_dir>/filestore/<db>
                tmp.resolve("data/filestore/" + db + "/../../../etc").toString(), // climbs out
                tmp.resolve("data/filestore/other").toString())) { // not the manifest's database
            Path dir = quarantineWithOneFile(db, filestore);
            Map<String, String> before = FileTrees.fingerprint(dir);

            assertThatThrownBy(
                            () -> FilestoreQuarantine.unquarantine(dir.resolve("manifest.json"), null, Progress.NONE))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT))
                    .hasMessageContaining("names filestore \"" + filestore + "\", which is not an existing");

            assertThat(FileTrees.fingerprint(dir)).isEqualTo(before);
            assertThat(outside).isEmptyDirectory();
        }
        Path dir = quarantineWithOneFile("../" + db, odoo.filestore().toString());
        assertThatThrownBy(() -> FilestoreQuarantine.unquarantine(dir.resolve("manifest.json"), null, Progress.NONE))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("names an invalid database: \"../" + db + "\"");
    }

    @Test
    void aManifestWithOneUnsafeEntryMovesNothing() throws Exception {
        String sha1 = MiniOdoo.sha1("quarantined".getBytes(UTF_8));
        Path dir = quarantineWithOneFile(
                odoo.db().name(), odoo.filestore().toString(), MiniOdoo.storeFname(sha1), "../../../etc/passwd");

        assertThatThrownBy(() -> FilestoreQuarantine.unquarantine(dir.resolve("manifest.json"), null, Progress.NONE))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("names an unsafe path: ../../../etc/passwd");

        assertThat(dir.resolve(MiniOdoo.storeFname(sha1))).hasContent("quarantined");
        assertThat(odoo.path(sha1)).doesNotExist();
    }

    @Test
    void aMissingSourceDirectoryIsAUsageError() {
        assertThatThrownBy(() -> ContentProvider.directory(tmp.resolve("nope")))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("is not a directory");
    }
}
