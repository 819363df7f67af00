package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.storage.local.LocalBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForgetTest {
    @TempDir
    Path tmp;

    /** One snapshot a day at 03:00 for 100 days up to 2025-04-10, plus hourly ones on the last day. */
    static List<SnapshotInfo> history() {
        List<SnapshotInfo> out = new ArrayList<>();
        Instant last = Instant.parse("2025-04-10T03:00:00Z");
        for (int d = 99; d >= 0; d--)
            out.add(snap(last.minus(Duration.ofDays(d)), d == 50 ? List.of("golden") : List.of()));
        for (int h = 1; h <= 5; h++) out.add(snap(last.plus(Duration.ofHours(h)), List.of()));
        return out;
    }

    static SnapshotInfo snap(Instant t, List<String> tags) {
        return snap(t, "odoo", tags);
    }

    static SnapshotInfo snap(Instant t, String database, List<String> tags) {
        String id = String.format("%064x", t.getEpochSecond()) + database;
        return Fixtures.record(id.substring(id.length() - 64), t, "prod", database, tags);
    }

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of(RetentionPolicy.NONE.withKeepLast(3), 3, "2025-04-10T06:00:00Z"),
                Arguments.of(RetentionPolicy.NONE.withKeepHourly(4), 4, "2025-04-10T05:00:00Z"),
                Arguments.of(RetentionPolicy.NONE.withKeepDaily(7), 7, "2025-04-04T03:00:00Z"),
                // ISO weeks: 2025-04-10 is a Thursday
                Arguments.of(RetentionPolicy.NONE.withKeepWeekly(3), 3, "2025-03-30T03:00:00Z"),
                Arguments.of(RetentionPolicy.NONE.withKeepMonthly(2), 2, "2025-03-31T03:00:00Z"),
                Arguments.of(RetentionPolicy.NONE.withKeepYearly(5), 1, "2025-04-10T08:00:00Z"),
                Arguments.of(RetentionPolicy.NONE.withKeepWithin(Duration.ofDays(2)), 7, "2025-04-09T03:00:00Z"),
                // a tag rule alone still keeps the newest
                Arguments.of(RetentionPolicy.NONE.withKeepTags(Set.of("golden")), 2, "2025-02-19T03:00:00Z"),
                // default: 14 daily + 5 more weekly + 2 more monthly over 100 days of history
                Arguments.of(RetentionPolicy.NONE, 21, "2025-01-31T03:00:00Z"));
    }

    @ParameterizedTest
    @MethodSource("policies")
    void keepsWhatThePolicySays(RetentionPolicy policy, int kept, String oldestKept) {
        ForgetResult r = Forget.plan(history(), policy, ZoneOffset.UTC);
        assertThat(r.kept()).hasSize(kept);
        assertThat(r.kept().stream()
                        .map(SnapshotInfo::time)
                        .min(Instant::compareTo)
                        .orElseThrow())
                .isEqualTo(Instant.parse(oldestKept));
        assertThat(r.kept().size() + r.removed().size()).isEqualTo(105);
        for (var d : r.decisions()) assertThat(d.keep()).isEqualTo(!d.reasons().isEmpty());
    }

    @Test
    void defaultPolicyKeepsAtLeastFourteenOnceHistoryAllows() {
        ForgetResult r = Forget.plan(history(), RetentionPolicy.NONE, ZoneOffset.UTC);
        assertThat(r.kept()).hasSizeGreaterThanOrEqualTo(14);
        assertThat(r.decisions().get(0).reasons()).contains("newest");
    }

    @Test
    void theNewestOfEveryDatabaseIsKeptWhateverThePolicy() {
        Instant t0 = Instant.parse("2025-04-01T03:00:00Z");
        List<SnapshotInfo> all = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            all.add(snap(t0.plus(Duration.ofDays(d)), "tagged", d == 0 ? List.of("golden") : List.of()));
            all.add(snap(t0.plus(Duration.ofDays(d)), "other", List.of()));
        }
        ForgetResult r = Forget.plan(all, RetentionPolicy.NONE.withKeepTags(Set.of("golden")), ZoneOffset.UTC);
        assertThat(r.kept())
                .extracting(s -> s.database() + " " + s.time())
                .containsExactlyInAnyOrder(
                        "tagged " + t0,
                        "tagged " + t0.plus(Duration.ofDays(2)),
                        "other " + t0.plus(Duration.ofDays(2)));
        for (var d : r.decisions()) {
            boolean newest = d.snapshot().time().equals(t0.plus(Duration.ofDays(2)));
            assertThat(d.reasons().contains("newest")).as("%s", d).isEqualTo(newest);
        }
        // "other" is left with its newest alone, "tagged" with two snapshots
        assertThat(r.warnings()).containsExactly("prod/other would be left with a single snapshot (3 before)");
        assertThat(Forget.plan(all, RetentionPolicy.NONE.withKeepLast(2), ZoneOffset.UTC)
                        .warnings())
                .isEmpty();
    }

    @Test
    void groupsByInstanceAndDatabaseAndDryRunDeletesNothing() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
            for (int i = 0; i < 3; i++) {
                for (String db : List.of("a", "b")) {
                    Fixtures.write(
                            repo,
                            SnapshotMeta.of("prod", db, SnapshotKind.SCHEDULED).withTime(t0.plus(Duration.ofDays(i))),
                            new byte[] {(byte) i},
                            Map.of());
                }
            }
            ForgetResult dry = repo.forget(RetentionPolicy.NONE.withKeepLast(1), true);
            assertThat(dry.applied()).isFalse();
            assertThat(dry.removed()).hasSize(4);
            assertThat(repo.snapshots()).hasSize(6);
            ForgetResult done = repo.forget(RetentionPolicy.NONE.withKeepLast(1), false);
            assertThat(done.kept()).extracting(SnapshotInfo::database).containsExactlyInAnyOrder("a", "b");
            assertThat(repo.snapshots()).hasSize(2);
            assertThat(repo.snapshots()).allSatisfy(s -> assertThat(s.time()).isEqualTo(t0.plus(Duration.ofDays(2))));
        }
    }

    @Test
    void oneInstanceOnlyLeavesTheOthersAlone() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
            for (int i = 0; i < 3; i++) {
                for (String instance : List.of("prod", "staging")) {
                    Fixtures.write(
                            repo,
                            SnapshotMeta.of(instance, "db", SnapshotKind.SCHEDULED)
                                    .withTime(t0.plus(Duration.ofDays(i))),
                            new byte[] {(byte) i},
                            Map.of());
                }
            }
            ForgetResult done = repo.forget(RetentionPolicy.NONE.withKeepLast(1), "staging", false);
            assertThat(done.decisions())
                    .allSatisfy(d -> assertThat(d.snapshot().instance()).isEqualTo("staging"));
            assertThat(done.removed()).hasSize(2);
            assertThat(repo.snapshots())
                    .extracting(SnapshotInfo::instance)
                    .containsExactlyInAnyOrder("prod", "prod", "prod", "staging");
        }
    }
}
