package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.BackupAllRequest;
import io.lifeboat.api.BackupAllResult;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.Cancellation;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.CleanupResult;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.DatabasesResult;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RepositorySettings;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.repository.KeyFiles;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The backup side of the facade, called as a library would, against a real cluster. */
@ExtendWith(PostgresExtension.class)
class BackupsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    LifeboatSettings settings;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, dataDir.resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
        }
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
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", tmp.toString()); // no ~/.odoorc of the machine running the test
        settings = LifeboatSettings.of(instance, env);
    }

    /** Records every progress event. */
    static final class Events {
        final List<ProgressEvent> all = Collections.synchronizedList(new ArrayList<>());

        Observer observer() {
            return Observer.of(all::add, Cancellation.none());
        }

        List<String> phases() {
            synchronized (all) {
                return all.stream()
                        .filter(e -> e.type() == ProgressEvent.Type.PHASE)
                        .map(ProgressEvent::phase)
                        .toList();
            }
        }
    }

    @Test
    void backsUpToAZipAndReportsProgress() throws Exception {
        Path zip = tmp.resolve("out").resolve("b.zip");
        Events events = new Events();
        BackupResult r;
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            r = lifeboat.backup(BackupRequest.zip(db.name(), zip), events.observer());
        }
        assertThat(zip).isRegularFile();
        assertThat(r.database()).isEqualTo(db.name());
        assertThat(r.format()).isEqualTo("zip");
        assertThat(r.dumpFormat()).isEqualTo("plain");
        assertThat(r.filestoreMode()).isEqualTo("referenced");
        assertThat(r.target()).isEqualTo(zip.toString());
        assertThat(r.snapshot()).isNull();
        assertThat(r.written()).isNull();
        assertThat(r.files()).isPositive().isEqualTo(r.referencedFiles());
        assertThat(r.hasWarnings()).isFalse();

        assertThat(events.phases()).contains("dump database", "filestore");
        long filesDone = List.copyOf(events.all).stream()
                .filter(e -> e.type() == ProgressEvent.Type.ADVANCE && "filestore".equals(e.phase()))
                .mapToLong(ProgressEvent::filesDone)
                .max()
                .orElse(-1);
        assertThat(filesDone).isEqualTo(r.referencedFiles());
        assertThat(List.copyOf(events.all))
                .anyMatch(e -> e.type() == ProgressEvent.Type.ADVANCE
                        && "dump database".equals(e.phase())
                        && e.bytesDone() > 0);

        // the JSON of the CLI: the report's fields in order, "snapshot" null, no "written"
        JsonNode json = JSON.valueToTree(r);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .containsExactly(
                        "database",
                        "format",
                        "dumpFormat",
                        "filestoreMode",
                        "target",
                        "snapshot",
                        "dumpBytes",
                        "files",
                        "fileBytes",
                        "referencedFiles",
                        "attachmentRows",
                        "missingFiles",
                        "corruptFiles",
                        "unsafeNames",
                        "affectedAttachmentIds",
                        "affectedFiles",
                        "dumpMillis",
                        "filestoreMillis",
                        "totalMillis",
                        "warnings");
        assertThat(json.get("snapshot").isNull()).isTrue();

        // the file exists: refused, untouched
        long size = Files.size(zip);
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            assertThatThrownBy(() -> lifeboat.backup(BackupRequest.zip(db.name(), zip), Observer.none()))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CONFLICT));
        }
        assertThat(Files.size(zip)).isEqualTo(size);
    }

    @Test
    void backsUpADumpToAStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BackupResult r;
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            r = lifeboat.backup(BackupRequest.dump(db.name(), null).withStream(out), Observer.none());
        }
        assertThat(r.format()).isEqualTo("dump");
        assertThat(r.dumpFormat()).isEqualTo("custom");
        assertThat(r.filestoreMode()).isEqualTo("none");
        assertThat(out.size()).isEqualTo(r.dumpBytes());
        assertThat(new String(out.toByteArray(), 0, 5)).isEqualTo("PGDMP");
    }

    @Test
    void backsUpToASnapshotWithAWriterKey() throws Exception {
        Path repo = tmp.resolve("repo");
        SecretKey key = SecretKey.generate();
        Path writerKey = tmp.resolve("w.writer-key");
        KeyFiles.writeWriterKey(writerKey, Repository.init(new LocalBackend(repo), List.of(key.recipient())));
        LifeboatSettings withRepo =
                settings.withRepository(new RepositorySettings(repo.toString(), Map.of(), null, writerKey, null));
        Events events = new Events();
        BackupResult r;
        try (Lifeboat lifeboat = Lifeboat.open(withRepo)) {
            r = lifeboat.backup(
                    BackupRequest.snapshot(db.name()).withSnapshotLabels("scheduled", "prod", List.of("nightly")),
                    events.observer());
        }
        assertThat(r.format()).isEqualTo("snapshot");
        assertThat(r.dumpFormat()).isEqualTo("custom");
        assertThat(r.target()).isEqualTo(repo.toString());
        assertThat(r.snapshot()).matches("[0-9a-f]{64}");
        assertThat(r.written()).isNotNull();
        assertThat(r.written().blobsNew()).isPositive();
        assertThat(r.written().packs()).isPositive();
        assertThat(r.files()).isPositive();
        assertThat(events.phases()).contains("dump database", "filestore");
        JsonNode json = JSON.valueToTree(r);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).endsWith("warnings", "written");
        List<String> written = new ArrayList<>();
        json.get("written").fieldNames().forEachRemaining(written::add);
        assertThat(written)
                .containsExactly(
                        "logicalBytes", "bytesNew", "storedBytes", "blobs", "blobsNew", "packs", "adoptedPacks");

        try (Repository opened = Repository.open(new LocalBackend(repo), Keys.secret(key))) {
            List<SnapshotInfo> snapshots = opened.snapshots();
            assertThat(snapshots).hasSize(1);
            SnapshotInfo s = snapshots.get(0);
            assertThat(s.id()).isEqualTo(r.snapshot());
            assertThat(s.instance()).isEqualTo("prod");
            assertThat(s.database()).isEqualTo(db.name());
            assertThat(s.kind().label()).isEqualTo("scheduled");
            assertThat(s.tags()).containsExactly("nightly");
        }

        // import is not a kind of backup
        try (Lifeboat lifeboat = Lifeboat.open(withRepo)) {
            assertThatThrownBy(() -> lifeboat.backup(
                            BackupRequest.snapshot(db.name()).withSnapshotLabels("import", null, null),
                            Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessage("--kind import is not for backups");
        }
    }

    @Test
    void aCancelledBackupFailsAndLeavesNoFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Path zip = dir.resolve("c.zip");
        Cancellation cancellation = new Cancellation();
        List<ProgressEvent> seen = Collections.synchronizedList(new ArrayList<>());
        Observer observer = Observer.of(
                e -> {
                    seen.add(e);
                    // halfway through the filestore
                    if (e.type() == ProgressEvent.Type.ADVANCE && "filestore".equals(e.phase()) && e.done() >= 3) {
                        cancellation.cancel("test");
                    }
                },
                cancellation);
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            assertThatThrownBy(() -> lifeboat.backup(BackupRequest.zip(db.name(), zip), observer))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CANCELLED);
                        assertThat(e.getMessage()).contains("test");
                    });
        }
        assertThat(cancellation.isCancelled()).isTrue();
        assertThat(zip).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("no partial file").isEmpty();
        }

        // a token tripped before the call: nothing is started
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            assertThatThrownBy(() -> lifeboat.backup(BackupRequest.zip(db.name(), zip), observer))
                    .isInstanceOfSatisfying(
                            LifeboatException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.CANCELLED));
        }
        assertThat(zip).doesNotExist();
    }

    @Test
    void backsUpEveryDatabaseAndListsThem() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("all"));
        List<BackupAllResult.Entry> told = new ArrayList<>();
        BackupAllResult all;
        DatabasesResult dbs;
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            dbs = lifeboat.databases(DatabasesRequest.all(), Observer.none());
            all = lifeboat.backupAll(
                    new BackupAllRequest(dir, BackupRequest.zip(null, null), told::add), Observer.none());
        }
        assertThat(dbs.dataDir()).isEqualTo(dataDir.toString());
        assertThat(dbs.databases())
                .containsEntry(
                        db.name(),
                        dataDir.resolve("filestore").resolve(db.name()).toString());
        assertThat(JSON.valueToTree(dbs).has("data_dir")).isTrue();
        assertThat(told).isEqualTo(all.databases());
        BackupAllResult.Entry mine = all.databases().stream()
                .filter(e -> e.database().equals(db.name()))
                .findFirst()
                .orElseThrow();
        assertThat(mine.ok()).isTrue();
        assertThat(Path.of(mine.report().target())).isRegularFile().hasParentRaw(dir);
        JsonNode json = JSON.valueToTree(mine);
        assertThat(json.has("report")).isTrue();
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void cleanupListsAStrayLeftoverAndRemovesItOnlyWhenForced() throws Exception {
        String stray = "stray_lbnew_" + Long.toHexString(System.nanoTime()).substring(0, 4);
        db.cluster().createDatabase(stray, db.owner());
        try (Lifeboat lifeboat = Lifeboat.open(settings)) {
            CleanupResult dry = lifeboat.cleanup(new CleanupRequest(true, true), Observer.none());
            assertThat(dry.leftovers())
                    .contains(new CleanupResult.Leftover("database", stray, "unknown", CleanupResult.WOULD_REMOVE));
            assertThat(JSON.valueToTree(dry).get("dry_run").asBoolean()).isTrue();
            CleanupResult kept = lifeboat.cleanup(new CleanupRequest(false, false), Observer.none());
            assertThat(kept.leftovers())
                    .contains(new CleanupResult.Leftover("database", stray, "unknown", CleanupResult.KEPT));
            assertThat(kept.kept()).isPositive();
            assertThat(db.cluster().databases()).contains(stray);
            CleanupResult forced = lifeboat.cleanup(new CleanupRequest(false, true), Observer.none());
            assertThat(forced.leftovers())
                    .contains(new CleanupResult.Leftover("database", stray, "unknown", CleanupResult.REMOVED));
        }
        assertThat(db.cluster().databases()).doesNotContain(stray);
    }
}
