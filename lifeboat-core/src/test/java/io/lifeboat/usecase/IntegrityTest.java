package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.Cancellation;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckFindingKind;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RepairRequest;
import io.lifeboat.api.RepairResult;
import io.lifeboat.api.RepairUnquarantineRequest;
import io.lifeboat.api.RepairUnquarantineResult;
import io.lifeboat.check.CheckOptions;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.FileTrees;
import io.lifeboat.check.FilestoreChecker;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.check.FindingsCsv;
import io.lifeboat.check.OdooFixture;
import io.lifeboat.check.StorageInfo;
import io.lifeboat.progress.Progress;
import io.lifeboat.repair.ContentProvider;
import io.lifeboat.repair.FilestoreQuarantine;
import io.lifeboat.repair.FilestoreRepair;
import io.lifeboat.repair.RepairOptions;
import io.lifeboat.repair.RepairPlan;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Check and repair through the facade, against a real cluster and the real divergent Odoo 17 fixture
 * (three files lost, five rows waiting for them), repaired from the intact Odoo zip.
 */
@ExtendWith(PostgresExtension.class)
class IntegrityTest {
    private static final List<String> LOST = List.of(
            "42/425072a25f6bee201f83f16edd4ce3203a8b91ee",
            "79/79bafe8bc926a262b4dfce02c6e93ef1a22ac141",
            "f5/f5f702a98c927998e609028ab0b7b555c40fd7a5");

    /** The CLI's JSON: indented, components in declaration order. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    Path filestore;
    Path intactZip;
    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        filestore = dataDir.resolve("filestore").resolve(db.name());
        OdooFixture.restore(OdooFixture.fixture("odoo17_divergent_missing3.zip"), db, filestore);
        intactZip = OdooFixture.fixture("odoo17_base_mail_attachments.zip");
    }

    private Lifeboat open() {
        InstanceSettings instance = new InstanceSettings(
                null,
                db.cluster().host(),
                db.cluster().port(),
                db.owner(),
                null,
                null,
                dataDir,
                null,
                null,
                null,
                null);
        return Lifeboat.open(LifeboatSettings.of(instance, Map.of("HOME", tmp.toString())));
    }

    private Observer recording() {
        return Observer.of(events::add, Cancellation.none());
    }

    /** Makes one intact file corrupt: same size, one bit flipped. Returns its store_fname. */
    private String corruptOneFile() throws Exception {
        String relative;
        try (Stream<Path> files = Files.walk(filestore)) {
            relative = files.filter(Files::isRegularFile)
                    .map(p -> filestore.relativize(p).toString())
                    .filter(r -> !r.startsWith("checklist"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        Path file = filestore.resolve(relative);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        return relative;
    }

    @Test
    void aDeepCheckFindsTheMissingAndTheCorruptFilesAndReportsProgress() throws Exception {
        String corrupt = corruptOneFile();
        Map<String, String> untouched = FileTrees.fingerprint(filestore);

        CheckResult r;
        try (Lifeboat lifeboat = open()) {
            r = lifeboat.check(new CheckRequest(db.name(), true, 2, tmp.resolve("metrics.prom")), recording());
        }

        assertThat(r.clean()).isFalse();
        assertThat(r.deep()).isTrue();
        assertThat(r.database()).isEqualTo(db.name());
        assertThat(r.findings(CheckFindingKind.MISSING_FILE))
                .extracting(CheckFinding::storeFname)
                .containsOnlyElementsOf(LOST)
                .hasSize(5);
        assertThat(r.totals().missingFiles()).isEqualTo(3);
        assertThat(r.findings(CheckFindingKind.CORRUPT_FILE))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.storeFname()).isEqualTo(corrupt));
        assertThat(r.problems()).isEqualTo(5 + r.count(CheckFindingKind.CORRUPT_FILE));
        assertThat(r.storage().describe()).startsWith("ir_attachment.location = file");
        assertThat(Files.readString(tmp.resolve("metrics.prom")))
                .contains("lifeboat_filestore_missing_files{db=\"" + db.name() + "\"} 3");
        assertThat(FileTrees.fingerprint(filestore)).isEqualTo(untouched); // read-only
        // progress: typed phases and advances, under one operation id
        assertThat(events)
                .extracting(ProgressEvent::type)
                .contains(ProgressEvent.Type.PHASE, ProgressEvent.Type.ADVANCE);
        assertThat(events)
                .filteredOn(e -> e.type() == ProgressEvent.Type.PHASE)
                .extracting(ProgressEvent::phase)
                .contains("read attachments");
        assertThat(events)
                .extracting(ProgressEvent::operation)
                .containsOnly(events.get(0).operation());

        StringWriter csv = new StringWriter();
        try (Lifeboat lifeboat = open()) {
            lifeboat.writeFindingsCsv(r.findings(), csv);
        }
        assertThat(csv.toString().lines().toList()).first().isEqualTo(String.join(",", FindingsCsv.COLUMNS));
        assertThat(csv.toString().lines().filter(l -> l.startsWith("missing_file,")))
                .hasSize(5);
    }

    @Test
    void aRepairFromTheIntactZipPlansThenRestoresTheMissingFiles() throws Exception {
        Map<String, String> untouched = FileTrees.fingerprint(filestore);
        RepairRequest plan = RepairRequest.plan(db.name(), List.of(intactZip));

        RepairResult planned;
        RepairResult applied;
        try (Lifeboat lifeboat = open()) {
            planned = lifeboat.repair(plan, Observer.none());
            assertThat(FileTrees.fingerprint(filestore)).isEqualTo(untouched); // a plan writes nothing
            applied = lifeboat.repair(plan.applied(), recording());
        }

        assertThat(planned.applied()).isFalse();
        assertThat(planned.clean()).isFalse();
        assertThat(planned.result()).isNull();
        assertThat(planned.after()).isNull();
        assertThat(planned.plan().files())
                .extracting(RepairResult.PlannedFile::relative)
                .containsExactlyElementsOf(LOST);
        assertThat(planned.plan().files()).allMatch(f -> f.source().equals("zip " + intactZip));
        assertThat(planned.plan().irrecoverable()).isEmpty();

        assertThat(applied.applied()).isTrue();
        assertThat(applied.result().placed())
                .extracting(RepairResult.Placed::relative)
                .containsExactlyInAnyOrderElementsOf(LOST);
        assertThat(applied.result().failed()).isEmpty();
        assertThat(applied.after().clean()).isTrue();
        assertThat(applied.clean()).isTrue();
        for (String relative : LOST) assertThat(filestore.resolve(relative)).isRegularFile();
        assertThat(events)
                .filteredOn(e -> e.type() == ProgressEvent.Type.PHASE)
                .extracting(ProgressEvent::phase)
                .contains("read attachments", "look up sources", "restore files");
        assertThat(events)
                .filteredOn(e -> e.phase() != null && e.phase().equals("restore files"))
                .filteredOn(e -> e.type() == ProgressEvent.Type.ADVANCE)
                .last()
                .satisfies(e ->
                        assertThat(e.bytesDone()).isEqualTo(applied.result().bytes()));
    }

    @Test
    void orphansAreQuarantinedAndMovedBack() throws Exception {
        Path orphan = filestore.resolve("ab/ab" + "1".repeat(38));
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "left by a clean-up script");
        Path quarantineDir = dataDir.resolve("quarantine");

        RepairResult r;
        RepairUnquarantineResult back;
        try (Lifeboat lifeboat = open()) {
            r = lifeboat.repair(
                    new RepairRequest(db.name(), List.of(intactZip), false, true, 1, null, true, quarantineDir),
                    Observer.none());
            assertThat(orphan).doesNotExist();
            back = lifeboat.unquarantine(
                    new RepairUnquarantineRequest(r.quarantine().manifest(), db.name()), Observer.none());
        }

        assertThat(r.orphans()).extracting(CheckFinding::storeFname).containsExactly("ab/ab" + "1".repeat(38));
        assertThat(r.quarantine().moved())
                .singleElement()
                .satisfies(f -> assertThat(f.size()).isEqualTo(25));
        assertThat(r.quarantine().directory()).startsWith(quarantineDir);
        assertThat(r.result().batches()).isEqualTo(3);
        assertThat(r.after().clean()).isTrue();
        assertThat(back.restored()).containsExactly("ab/ab" + "1".repeat(38));
        assertThat(orphan).hasContent("left by a clean-up script");
    }

    @Test
    void aTrippedCancellationMakesTheCheckFailAsCancelled() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel("test");

        try (Lifeboat lifeboat = open()) {
            assertThatThrownBy(() -> lifeboat.check(CheckRequest.of(db.name()), Observer.of(events::add, cancelled)))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CANCELLED))
                    .hasMessage("operation cancelled: test");
        }
        assertThat(events).isEmpty();
    }

    @Test
    void aCancellationDuringTheCheckStopsItAtTheNextProgressReport() {
        Cancellation cancellation = new Cancellation();
        Observer observer = Observer.of(
                e -> {
                    events.add(e);
                    if (e.type() == ProgressEvent.Type.PHASE) cancellation.cancel("interrupted");
                },
                cancellation);

        try (Lifeboat lifeboat = open()) {
            assertThatThrownBy(() -> lifeboat.check(CheckRequest.of(db.name()).withDeep(true), observer))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CANCELLED));
        }
        assertThat(events).filteredOn(e -> e.type() == ProgressEvent.Type.PHASE).hasSize(1);
    }

    @Test
    void aRepairCancelledWhileRestoringLeavesNoTemporaryFile() throws Exception {
        Cancellation cancellation = new Cancellation();
        Observer observer = Observer.of(
                e -> {
                    if ("restore files".equals(e.phase()) && e.type() == ProgressEvent.Type.ADVANCE) {
                        cancellation.cancel("interrupted");
                    }
                },
                cancellation);

        try (Lifeboat lifeboat = open()) {
            assertThatThrownBy(() -> lifeboat.repair(
                            new RepairRequest(db.name(), List.of(intactZip), false, true, 1, null, false, null),
                            observer))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CANCELLED));
        }
        try (Stream<Path> files = Files.walk(filestore)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".lifeboat-"));
        }
    }

    @Test
    void aSourceThatDoesNotExistIsAUsageError() {
        try (Lifeboat lifeboat = open()) {
            assertThatThrownBy(() -> lifeboat.repair(
                            RepairRequest.plan(db.name(), List.of(tmp.resolve("nope"))), Observer.none()))
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE))
                    .hasMessageContaining("does not exist");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The result records serialize exactly as the engines' reports did
    // ---------------------------------------------------------------------------------------------

    /** What {@code lifeboat repair --json} printed from the engines' reports. */
    record EngineRepairOutput(
            CheckReport before,
            RepairPlan plan,
            List<Finding> orphans,
            boolean applied,
            io.lifeboat.repair.RepairResult result,
            FilestoreQuarantine.Result quarantine,
            CheckReport after) {}

    private CheckReport engineCheck(boolean deep) {
        return FilestoreChecker.check(
                OdooFixture.connection(db), db.name(), filestore, new CheckOptions(deep, 2), Progress.NONE);
    }

    @Test
    void theResultsSerializeToTheEnginesJson() throws Exception {
        corruptOneFile();
        Path orphan = filestore.resolve("ab/ab" + "1".repeat(38));
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "left by a clean-up script");

        CheckReport before = engineCheck(true);
        assertThat(JSON.writeValueAsString(Integrity.result(before))).isEqualTo(JSON.writeValueAsString(before));

        try (ContentProvider zip = ContentProvider.zip(intactZip)) {
            FilestoreRepair repair = new FilestoreRepair(filestore, List.of(zip));
            RepairPlan plan = repair.plan(before, Progress.NONE);
            List<Finding> orphans = FilestoreQuarantine.orphans(before);
            EngineRepairOutput dryRun = new EngineRepairOutput(before, plan, orphans, false, null, null, null);
            RepairResult apiDryRun = new RepairResult(
                    Integrity.result(before),
                    Integrity.plan(plan),
                    Integrity.findings(orphans),
                    false,
                    null,
                    null,
                    null);
            assertThat(JSON.writeValueAsString(apiDryRun)).isEqualTo(JSON.writeValueAsString(dryRun));

            io.lifeboat.repair.RepairResult applied = repair.apply(plan, new RepairOptions(2), Progress.NONE);
            FilestoreQuarantine.Result quarantined = FilestoreQuarantine.quarantine(
                    before, filestore, dataDir.resolve("q"), OdooFixture.connection(db), Progress.NONE);
            CheckReport after = engineCheck(false);
            EngineRepairOutput done = new EngineRepairOutput(before, plan, orphans, true, applied, quarantined, after);
            RepairResult apiDone = new RepairResult(
                    Integrity.result(before),
                    Integrity.plan(plan),
                    Integrity.findings(orphans),
                    true,
                    Integrity.applied(applied),
                    Integrity.quarantine(quarantined),
                    Integrity.result(after));
            assertThat(quarantined.moved()).hasSize(1);
            assertThat(JSON.writeValueAsString(apiDone)).isEqualTo(JSON.writeValueAsString(done));

            FilestoreQuarantine.RestoreResult back =
                    FilestoreQuarantine.unquarantine(quarantined.manifest(), filestore, Progress.NONE);
            assertThat(JSON.writeValueAsString(
                            new RepairUnquarantineResult(back.restored(), back.present(), back.absent())))
                    .isEqualTo(JSON.writeValueAsString(back));
        }
    }

    @Test
    void theFindingKindsAndTheStorageSentenceAreTheEngines() {
        assertThat(CheckFindingKind.values())
                .extracting(Enum::name)
                .containsExactly(Stream.of(FindingKind.values()).map(Enum::name).toArray(String[]::new));
        for (FindingKind k : FindingKind.values()) {
            CheckFindingKind mirror = CheckFindingKind.valueOf(k.name());
            assertThat(mirror.problem()).as(k.name()).isEqualTo(k.problem());
            assertThat(mirror.label()).as(k.name()).isEqualTo(k.label());
        }
        for (String location : List.of("file", "db", "s3")) {
            for (boolean configured : List.of(true, false)) {
                for (long external : List.of(0L, 4L)) {
                    StorageInfo s = new StorageInfo(location, configured, 10, 5, 2, 1, 1, external);
                    CheckResult.Storage mirror =
                            new CheckResult.Storage(location, configured, 10, 5, 2, 1, 1, external);
                    assertThat(mirror.describe()).isEqualTo(s.describe());
                }
            }
        }
    }
}
