package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrDrillRequest;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.restore.Trees;
import io.lifeboat.testkit.PitrInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Point-in-time drills through the facade, against a real cluster archiving its WAL into a repository. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PitrDrillTest {
    PitrInstance prod;
    Lifeboat lifeboat;

    @BeforeAll
    void setUp() throws Exception {
        prod = PitrInstance.start();
        lifeboat = Lifeboat.open(prod.settings());
    }

    @AfterAll
    void tearDown() {
        if (lifeboat != null) lifeboat.close();
        if (prod != null) prod.close();
    }

    @Test
    void theNewestPointPassesAndTheSideCopyIsStoppedAndRemoved() throws Exception {
        prod.commitAndArchive();
        Path dir = prod.work.resolve("drill-latest");

        DrillResult r = lifeboat.drillPointInTime(
                PitrDrillRequest.of(PitrInstance.DATABASE).withDirectory(dir), Observer.none());

        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.source()).isEqualTo("point in time latest");
        assertThat(r.scratchDatabase()).isEqualTo(PitrInstance.DATABASE);
        assertThat(r.steps())
                .extracting(DrillResult.Step::name)
                .containsExactly("recover", "verify_base", "verify_files", "remove");
        assertThat(r.steps()).allSatisfy(s -> assertThat(s.ok()).as(s.detail()).isTrue());
        assertThat(r.counts().baseInstalled()).isTrue();
        assertThat(r.counts().users()).isPositive();
        assertThat(r.counts().referencedFiles()).isPositive();
        assertThat(r.counts().presentFiles()).isEqualTo(r.counts().referencedFiles());
        assertThat(r.counts().missingFiles()).isZero();
        // the newest recoverable point is the transaction just archived
        assertThat(r.pointTime()).isNotNull().isBefore(r.startedAt());
        assertThat(r.rpoMillis())
                .isNotNull()
                .isBetween(0L, Duration.ofMinutes(2).toMillis());
        assertThat(r.rpoMillis())
                .isEqualTo(Duration.between(r.pointTime(), r.startedAt()).toMillis());
        assertThat(r.rtoMillis()).isPositive();
        assertThat(r.removed()).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(running(dir)).isFalse();
        assertThat(Lifeboat.pendingTemporaryItems()).isZero();
    }

    @Test
    void aTimeBeforeTheBaseBackupFailsAndLeavesNothing() throws Exception {
        Path dir = prod.work.resolve("drill-too-early");

        DrillResult r = lifeboat.drillPointInTime(
                PitrDrillRequest.of(null).withDirectory(dir).withTargetTime("2001-01-01T00:00:00Z"), Observer.none());

        assertThat(r.passed()).isFalse();
        assertThat(r.steps()).extracting(DrillResult.Step::name).containsExactly("recover", "remove");
        assertThat(r.steps().get(0).ok()).isFalse();
        assertThat(r.failures()).singleElement().asString().contains("the recovery failed", "base backup");
        assertThat(r.pointTime()).isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
        assertThat(r.removed()).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(Lifeboat.pendingTemporaryItems()).isZero();
    }

    @Test
    void aCancelledDrillStopsAndRemovesTheSideCopy() {
        Path dir = prod.work.resolve("drill-cancelled");
        Cancellation cancellation = new Cancellation();
        Observer observer = new Observer(
                "op",
                e -> {
                    if (e.type() == ProgressEvent.Type.PHASE && e.phase().startsWith("starting the side copy")) {
                        cancellation.cancel("test");
                    }
                },
                cancellation);

        assertThatThrownBy(() -> lifeboat.drillPointInTime(
                        PitrDrillRequest.of(null).withDirectory(dir).withKeep(true), observer))
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).kind()).isEqualTo(Kind.CANCELLED));
        assertThat(dir).doesNotExist();
        assertThat(running(dir)).isFalse();
        assertThat(Lifeboat.pendingTemporaryItems()).isZero();
    }

    @Test
    void keepLeavesTheSideCopyRunning() throws Exception {
        Path dir = prod.work.resolve("drill-kept");
        try {
            DrillResult r = lifeboat.drillPointInTime(
                    PitrDrillRequest.of(null).withDirectory(dir).withKeep(true), Observer.none());

            assertThat(r.passed()).isTrue();
            assertThat(r.removed()).isFalse();
            assertThat(r.steps().get(r.steps().size() - 1).detail()).startsWith("kept");
            assertThat(running(dir)).isTrue();
            assertThat(Lifeboat.pendingTemporaryItems()).isZero();
        } finally {
            PgCluster.stop(prod.cluster.binDir(), dir.resolve("data"));
            Trees.deleteQuietly(dir);
        }
    }

    /** Whether a server of the side copy in {@code dir} runs. */
    private static boolean running(Path dir) {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().orElse("").contains(dir.toString()));
    }

    @Test
    void badUsageThrowsBeforeAnythingIsWritten() throws Exception {
        Path dir = prod.work.resolve("drill-refused");
        assertThatThrownBy(() -> lifeboat.drillPointInTime(
                        PitrDrillRequest.of(null).withDirectory(dir).withTargetTime("2026-12-01 10:31:00"),
                        Observer.none()))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("time zone");
        assertThat(dir).doesNotExist();
        Path full = Files.createDirectories(prod.work.resolve("drill-full"));
        Files.writeString(full.resolve("something"), "x");
        assertThatThrownBy(() ->
                        lifeboat.drillPointInTime(PitrDrillRequest.of(null).withDirectory(full), Observer.none()))
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).kind()).isEqualTo(Kind.CONFLICT));
        assertThat(full.resolve("something")).exists();
    }
}
