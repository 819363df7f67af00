package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.ExportRequest;
import io.lifeboat.api.ExportResult;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.api.ForgetRequest;
import io.lifeboat.api.ForgetResult;
import io.lifeboat.api.ImportRequest;
import io.lifeboat.api.ImportResult;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.PruneRequest;
import io.lifeboat.api.PruneResult;
import io.lifeboat.api.RepoInitRequest;
import io.lifeboat.api.RepoInitResult;
import io.lifeboat.api.RepoUnlockRequest;
import io.lifeboat.api.RepoWriterKeyRequest;
import io.lifeboat.api.RepositorySettings;
import io.lifeboat.api.SnapshotRecord;
import io.lifeboat.api.SnapshotsRequest;
import io.lifeboat.api.StatsRequest;
import io.lifeboat.api.StatsResult;
import io.lifeboat.api.VerifyRequest;
import io.lifeboat.api.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository use cases through the facade, on a local repository. */
class SnapshotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DAY1 = Instant.parse("2025-01-01T02:00:00Z");
    private static final Instant DAY2 = Instant.parse("2025-01-02T02:00:00Z");
    private static final Instant DAY3 = Instant.parse("2025-01-03T02:00:00Z");

    @TempDir
    Path tmp;

    Path repo;
    Path key;
    Path writer;

    @BeforeEach
    void init() throws IOException {
        repo = tmp.resolve("repo");
        key = tmp.resolve("a.key");
        writer = tmp.resolve("a.writer-key");
        try (Lifeboat lifeboat = open(null, null)) {
            RepoInitResult r = lifeboat.repoInit(RepoInitRequest.of(key, writer), Observer.none());
            assertThat(r.repository()).matches("[0-9a-f]{64}");
            assertThat(r.location()).isEqualTo(repo.toString());
            assertThat(r.recipients()).singleElement().asString().startsWith("lbpub1");
            assertThat(r.secretKey()).isEqualTo(key.toAbsolutePath().toString());
            assertThat(r.writerKey()).isEqualTo(writer.toAbsolutePath().toString());
        }
        assertThat(key).exists();
        assertThat(writer).exists();
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private Lifeboat open(Path secretKey, Path writerKey) {
        return Lifeboat.open(new LifeboatSettings(
                InstanceSettings.defaults(),
                new RepositorySettings(repo.toString(), Map.of(), secretKey, writerKey, null),
                Map.of()));
    }

    private Path sql(String name, String table) throws IOException {
        Path file = tmp.resolve(name);
        StringBuilder b = new StringBuilder("--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public." + table
                + " (id integer, name text);\n\nCOPY public." + table + " (id, name) FROM stdin;\n");
        for (int i = 0; i < 2000; i++)
            b.append(i).append("\trow ").append(table).append(' ').append(i).append('\n');
        b.append("\\.\n");
        Files.writeString(file, b);
        return file;
    }

    /** Three snapshots of prod/db1 (days 1-3, the first tagged) and one of prod/db2, imported with a writer key. */
    private List<ImportResult.Imported> history() throws IOException {
        Path one = sql("one.sql", "t1");
        Path two = sql("two.sql", "t2");
        List<ImportResult.Imported> seen = Collections.synchronizedList(new ArrayList<>());
        List<ImportResult.Imported> all = new ArrayList<>();
        try (Lifeboat lifeboat = open(null, writer)) {
            all.addAll(lifeboat.importArchives(
                            new ImportRequest(List.of(one), "prod", "db1", List.of("keep"), DAY1, seen::add),
                            Observer.none())
                    .imported());
            ImportResult r = lifeboat.importArchives(
                    new ImportRequest(List.of(one, two), "prod", "db1", List.of(), DAY2, seen::add), Observer.none());
            all.addAll(r.imported());
            all.addAll(lifeboat.importArchives(
                            new ImportRequest(List.of(two), "prod", "db2", List.of(), DAY3, seen::add), Observer.none())
                    .imported());
        }
        assertThat(seen).isEqualTo(all);
        assertThat(all).hasSize(4);
        assertThat(all.get(0).archive()).isEqualTo(one);
        assertThat(all.get(0).dumpFormat()).isEqualTo("PLAIN");
        assertThat(all.get(0).time()).isEqualTo(DAY1);
        assertThat(all.get(0).warnings()).isEmpty();
        // the same dump again adds little: it is deduplicated
        assertThat(all.get(1).stats().bytesNew()).isLessThan(all.get(0).stats().bytesNew());
        return all;
    }

    @Test
    void snapshotsAreListedOldestFirstAndFiltered() throws IOException {
        List<ImportResult.Imported> imported = history();
        try (Lifeboat lifeboat = open(null, writer)) {
            List<SnapshotRecord> all =
                    lifeboat.snapshots(SnapshotsRequest.all(), Observer.none()).snapshots();
            assertThat(all)
                    .extracting(SnapshotRecord::id)
                    .containsExactlyInAnyOrderElementsOf(imported.stream()
                            .map(ImportResult.Imported::snapshotId)
                            .toList());
            assertThat(all).extracting(SnapshotRecord::time).isSorted();
            SnapshotRecord first = all.get(0);
            assertThat(first.shortId()).isEqualTo(first.id().substring(0, 8));
            assertThat(first.instance()).isEqualTo("prod");
            assertThat(first.database()).isEqualTo("db1");
            assertThat(first.kind()).isEqualTo("import");
            assertThat(first.tags()).containsExactly("keep");
            assertThat(first.summary().dumpFormat()).isEqualTo("PLAIN");
            assertThat(first.summary().dumpBytes()).isPositive();

            assertThat(lifeboat.snapshots(new SnapshotsRequest(null, "db2", null, false, null), Observer.none())
                            .snapshots())
                    .singleElement()
                    .extracting(SnapshotRecord::time)
                    .isEqualTo(DAY3);
            assertThat(lifeboat.snapshots(
                                    new SnapshotsRequest(null, null, List.of("keep"), false, null), Observer.none())
                            .snapshots())
                    .extracting(SnapshotRecord::id)
                    .containsExactly(first.id());
            assertThat(lifeboat.snapshots(new SnapshotsRequest("other", null, null, false, null), Observer.none())
                            .snapshots())
                    .isEmpty();
            // the newest of each (instance, database), oldest first
            List<SnapshotRecord> latest = lifeboat.snapshots(
                            new SnapshotsRequest(null, null, null, true, null), Observer.none())
                    .snapshots();
            assertThat(latest).extracting(SnapshotRecord::database).containsExactly("db1", "db2");
            assertThat(latest.get(0).time()).isEqualTo(DAY2);

            // references are resolved by the core
            SnapshotRecord newestDb1 = lifeboat.snapshots(
                            new SnapshotsRequest(null, null, null, false, "latest:prod/db1"), Observer.none())
                    .snapshots()
                    .get(0);
            assertThat(newestDb1.time()).isEqualTo(DAY2);
            assertThat(lifeboat.snapshots(
                                    new SnapshotsRequest(
                                            null, null, null, false, first.id().substring(0, 6)),
                                    Observer.none())
                            .snapshots())
                    .extracting(SnapshotRecord::id)
                    .containsExactly(first.id());
            assertThatThrownBy(() -> lifeboat.snapshots(
                            new SnapshotsRequest(null, null, null, false, "latest"), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("latest is ambiguous");
        }
    }

    @Test
    void forgetPlansWithAWriterKeyAndRemovesWithTheSecretKey() throws IOException {
        history();
        ForgetPolicy keepLast1 = new ForgetPolicy(1, 0, 0, 0, 0, 0, null, Set.of());
        try (Lifeboat lifeboat = open(null, writer)) {
            ForgetResult plan = lifeboat.forget(new ForgetRequest(keepLast1, null, true, true), Observer.none());
            assertThat(plan.applied()).isFalse();
            assertThat(plan.policy()).isEqualTo(keepLast1);
            assertThat(plan.newestAlwaysKept()).isTrue();
            assertThat(plan.kept())
                    .extracting(d -> d.database() + "@" + d.time())
                    .containsExactlyInAnyOrder("db1@" + DAY2, "db2@" + DAY3);
            assertThat(plan.removed())
                    .hasSize(2)
                    .allSatisfy(d -> assertThat(d.reasons()).isEmpty());
            assertThat(plan.prune()).isNull();
            assertThat(plan.decisions()).hasSize(4);
            // in JSON: the CLI's --json shape, times and durations as ISO-8601 text
            JsonNode json = JSON.readTree(JSON.writeValueAsString(plan));
            assertThat(names(json))
                    .containsExactly("applied", "policy", "newestAlwaysKept", "kept", "removed", "warnings", "prune");
            assertThat(names(json.path("policy")))
                    .containsExactly(
                            "keepLast",
                            "keepHourly",
                            "keepDaily",
                            "keepWeekly",
                            "keepMonthly",
                            "keepYearly",
                            "keepWithin",
                            "keepTags",
                            "empty");
            assertThat(names(json.path("kept").get(0)))
                    .containsExactly(
                            "id",
                            "shortId",
                            "time",
                            "instance",
                            "database",
                            "host",
                            "kind",
                            "tags",
                            "odooVersion",
                            "postgresVersion",
                            "warnings",
                            "reasons");
            assertThat(json.path("kept").get(0).path("time").isTextual()).isTrue();
            JsonNode list =
                    JSON.readTree(JSON.writeValueAsString(lifeboat.snapshots(SnapshotsRequest.all(), Observer.none())));
            assertThat(list.isArray()).isTrue();
            assertThat(list.get(0).path("time").asText()).isEqualTo(DAY1.toString());
            assertThat(names(list.get(0).path("summary")))
                    .containsExactly(
                            "dumpFormat", "dumpBytes", "fileCount", "fileBytes", "blobsNew", "bytesNew", "storedNew");
            assertThat(JSON.readTree(JSON.writeValueAsString(
                                    new ForgetPolicy(0, 0, 0, 0, 0, 0, Duration.ofDays(7), null)))
                            .path("keepWithin")
                            .asText())
                    .isEqualTo("PT168H");
            assertThat(lifeboat.snapshots(SnapshotsRequest.all(), Observer.none())
                            .snapshots())
                    .hasSize(4);
            // removing needs the secret key
            assertThatThrownBy(() -> lifeboat.forget(new ForgetRequest(keepLast1, null, false, false), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("needs the repository's secret key");
            // the default policy is reported as such
            ForgetResult byDefault = lifeboat.forget(new ForgetRequest(null, null, true, false), Observer.none());
            assertThat(byDefault.policy()).isEqualTo(ForgetPolicy.DEFAULT);
            // a keep-tag rule keeps the tagged snapshot
            ForgetResult tagged = lifeboat.forget(
                    new ForgetRequest(new ForgetPolicy(1, 0, 0, 0, 0, 0, null, Set.of("keep")), "prod", true, false),
                    Observer.none());
            assertThat(tagged.kept()).hasSize(3);
            assertThatThrownBy(() -> lifeboat.forget(
                            new ForgetRequest(new ForgetPolicy(-1, 0, 0, 0, 0, 0, null, null), null, true, false),
                            Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessage("keep counts must not be negative");
        }
        List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (Lifeboat lifeboat = open(key, null)) {
            ForgetResult done = lifeboat.forget(
                    new ForgetRequest(keepLast1, null, false, true),
                    Observer.of(events::add, io.lifeboat.api.Cancellation.none()));
            assertThat(done.applied()).isTrue();
            assertThat(done.removed()).hasSize(2);
            assertThat(done.prune()).isNotNull();
            assertThat(done.prune().dryRun()).isFalse();
            assertThat(lifeboat.snapshots(SnapshotsRequest.all(), Observer.none())
                            .snapshots())
                    .extracting(SnapshotRecord::time)
                    .containsExactly(DAY2, DAY3);
            PruneResult again = lifeboat.prune(new PruneRequest(10, true), Observer.none());
            assertThat(again.dryRun()).isTrue();
            assertThat(again.packsDeleted()).isZero();
            assertThatThrownBy(() -> lifeboat.prune(new PruneRequest(101, false), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("within 0..100");
        }
        assertThat(events).isNotEmpty();
    }

    @Test
    void verifyStatsExportAndKeys() throws IOException {
        List<ImportResult.Imported> imported = history();
        try (Lifeboat lifeboat = open(key, null)) {
            VerifyResult structure = lifeboat.verify(VerifyRequest.structure(), Observer.none());
            assertThat(structure.ok()).isTrue();
            assertThat(structure.snapshotsChecked()).isEqualTo(4);
            assertThat(structure.packsRead()).isZero();
            VerifyResult data = lifeboat.verify(new VerifyRequest(true, null), Observer.none());
            assertThat(data.ok()).isTrue();
            assertThat(data.packsRead()).isPositive();
            assertThat(data.blobsChecked()).isPositive();

            StatsResult stats = lifeboat.stats(new StatsRequest(), Observer.none());
            assertThat(stats.snapshots()).isEqualTo(4);
            assertThat(stats.location()).isEqualTo(repo.toString());
            assertThat(stats.logicalBytes()).isGreaterThan(stats.uniqueBytes());
            assertThat(stats.dedupRatio()).isGreaterThan(1);

            Path zip = tmp.resolve("out/db2.zip");
            Files.createDirectories(zip.getParent());
            ExportResult exported = lifeboat.export(ExportRequest.toFile("latest:db2", zip), Observer.none());
            assertThat(zip).exists();
            assertThat(exported.target()).endsWith("db2.zip");
            assertThat(exported.sourceFormat()).isEqualTo("PLAIN");
            assertThat(exported.dumpBytes()).isEqualTo(Files.size(tmp.resolve("two.sql")));
            assertThat(exported.snapshot().id()).isEqualTo(imported.get(3).snapshotId());

            Path fresh = tmp.resolve("fresh.writer-key");
            assertThat(lifeboat.repoWriterKey(new RepoWriterKeyRequest(fresh), Observer.none())
                            .writerKey())
                    .isEqualTo(fresh.toAbsolutePath().toString());
            assertThat(lifeboat.repoUnlock(new RepoUnlockRequest(), Observer.none())
                            .locks())
                    .isEmpty();
        }
        // verify needs the secret key; stats work with a writer key
        try (Lifeboat lifeboat = open(null, writer)) {
            assertThatThrownBy(() -> lifeboat.verify(VerifyRequest.structure(), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("needs the repository's secret key");
            assertThat(lifeboat.stats(new StatsRequest(), Observer.none()).snapshots())
                    .isEqualTo(4);
        }
        // a second init at the same place is refused, and writes no key
        try (Lifeboat lifeboat = open(null, null)) {
            assertThatThrownBy(() -> lifeboat.repoInit(
                            RepoInitRequest.of(tmp.resolve("b.key"), tmp.resolve("b.writer-key")), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("a repository already exists");
        }
        assertThat(tmp.resolve("b.key")).doesNotExist();
    }

    @Test
    void initWithARecipientMakesNoSecretKey() throws IOException {
        try (Lifeboat lifeboat = open(key, null)) {
            assertThat(lifeboat.snapshots(SnapshotsRequest.all(), Observer.none())
                            .snapshots())
                    .isEmpty();
        }
        String recipient = Files.readString(key).replaceAll("(?s).*\"recipient\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        repo = tmp.resolve("second");
        Path w = tmp.resolve("second.writer-key");
        try (Lifeboat lifeboat = open(null, null)) {
            RepoInitResult r =
                    lifeboat.repoInit(new RepoInitRequest(List.of(recipient), null, w, null), Observer.none());
            assertThat(r.secretKey()).isNull();
            assertThat(r.recipients()).containsExactly(recipient);
            assertThat(w).exists();
            assertThatThrownBy(() -> lifeboat.repoInit(
                            new RepoInitRequest(List.of(recipient), tmp.resolve("c.key"), null, null), Observer.none()))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessage("--key and --recipient exclude each other");
        }
    }
}
