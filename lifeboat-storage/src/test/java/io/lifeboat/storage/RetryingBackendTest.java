package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.testing.FaultyBackend;
import io.lifeboat.storage.testing.FaultyBackend.Fault;
import io.lifeboat.storage.testing.FaultyBackend.Operation;
import io.lifeboat.storage.testing.GeneratedContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RetryingBackendTest {
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1));

    @TempDir
    Path temp;

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private FaultyBackend faulty;
    private RetryingBackend retrying;

    @BeforeEach
    void setUp() {
        faulty = new FaultyBackend(new LocalBackend(temp.resolve("repo")), sleeps::add);
        retrying = new RetryingBackend(faulty, POLICY, sleeps::add, new Random(42));
    }

    @Test
    void transientSaveFailuresAreRetriedWithTheSourceReopened() throws IOException {
        faulty.script(Operation.SAVE, Fault.failBefore(), Fault.partialWrite(3000));
        GeneratedContent content = new GeneratedContent(1, 10_000);

        retrying.save("data/a", content);

        assertThat(faulty.calls(Operation.SAVE)).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
        assertThat(GeneratedContent.sha256(retrying.load("data/a"))).isEqualTo(content.sha256());
    }

    @Test
    void aLoadInterruptedMidStreamResumesWhereItStopped() throws IOException {
        GeneratedContent content = new GeneratedContent(2, 200_000);
        retrying.save("packs/p", content);
        faulty.script(Operation.LOAD, Fault.resetAfter(10_000), Fault.resetAfter(50_000), Fault.failBefore());

        assertThat(GeneratedContent.sha256(retrying.load("packs/p"))).isEqualTo(content.sha256());
        assertThat(faulty.calls(Operation.LOAD)).isEqualTo(4);
    }

    @Test
    void aRangedLoadResumesWithinItsRange() throws IOException {
        GeneratedContent content = new GeneratedContent(3, 100_000);
        byte[] all = content.bytes();
        retrying.save("packs/r", content);
        faulty.script(Operation.LOAD, Fault.resetAfter(1_000), Fault.resetAfter(2_000));

        try (InputStream in = retrying.load("packs/r", 5_000, 20_000)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 5_000, 25_000));
        }
    }

    @Test
    void slowCallsAreWaitedForNotRetried() throws IOException {
        faulty.script(Operation.STAT, Fault.slow(Duration.ofSeconds(20)));

        assertThat(retrying.stat("nothing")).isEmpty();

        assertThat(faulty.calls(Operation.STAT)).isEqualTo(1);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(20));
    }

    @Test
    void missingObjectsAreNotRetried() {
        assertThatThrownBy(() -> retrying.load("absent")).isInstanceOf(ObjectNotFoundException.class);

        assertThat(faulty.calls(Operation.LOAD)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void permanentErrorsAreNotRetried() {
        faulty.script(Operation.LIST, Fault.permanent());

        assertThatThrownBy(() -> retrying.list("")).isInstanceOf(PermanentStorageException.class);

        assertThat(faulty.calls(Operation.LIST)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void invalidNamesAreNotRetriedNorPassedOn() {
        assertThatThrownBy(() -> retrying.save("../x", ContentSource.ofBytes(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> retrying.delete("/abs")).isInstanceOf(IllegalArgumentException.class);

        assertThat(faulty.calls(Operation.SAVE)).isZero();
        assertThat(faulty.calls(Operation.DELETE)).isZero();
    }

    @Test
    void attemptsAreBounded() {
        faulty.script(
                Operation.DELETE,
                Fault.failBefore(),
                Fault.failBefore(),
                Fault.failBefore(),
                Fault.failBefore(),
                Fault.failBefore());

        assertThatThrownBy(() -> retrying.delete("x"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("delete x failed after 4 attempts: injected failure");

        assertThat(faulty.calls(Operation.DELETE)).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void aResumingLoadGivesUpAfterTheAttemptLimit() throws IOException {
        retrying.save("p", new GeneratedContent(4, 10_000));
        faulty.script(
                Operation.LOAD, Fault.resetAfter(100), Fault.resetAfter(0), Fault.resetAfter(0), Fault.resetAfter(0));

        try (InputStream in = retrying.load("p")) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed after 4 attempts");
        }
    }

    @Test
    void delaysUseFullJitterWithinTheExponentialCeiling() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(1000));
        List<Duration> recorded = new CopyOnWriteArrayList<>();
        FaultyBackend alwaysFailing = new FaultyBackend(new LocalBackend(temp.resolve("jitter")), d -> {});
        RetryingBackend backend = new RetryingBackend(alwaysFailing, policy, recorded::add, new Random(7));
        int operations = 200;
        for (int i = 0; i < operations; i++) {
            alwaysFailing.script(
                    Operation.STAT,
                    Fault.failBefore(),
                    Fault.failBefore(),
                    Fault.failBefore(),
                    Fault.failBefore(),
                    Fault.failBefore(),
                    Fault.failBefore());
            assertThatThrownBy(() -> backend.stat("x")).isInstanceOf(IOException.class);
        }

        assertThat(recorded).hasSize(operations * 5);
        long[] ceilings = {100, 200, 400, 800, 1000};
        for (int i = 0; i < recorded.size(); i++) {
            long ceiling = ceilings[i % 5];
            assertThat(recorded.get(i).toMillis()).isBetween(0L, ceiling);
        }
        // Spread over the whole range, not stuck at the ceiling: the mean is near half of it.
        double meanOfLast = recorded.stream()
                .skip(4)
                .limit(1)
                .mapToLong(Duration::toMillis)
                .average()
                .orElse(0);
        double mean = java.util.stream.IntStream.range(0, recorded.size())
                .filter(i -> i % 5 == 4)
                .mapToLong(i -> recorded.get(i).toMillis())
                .average()
                .orElseThrow();
        assertThat(meanOfLast).isBetween(0.0, 1000.0);
        assertThat(mean).isBetween(400.0, 600.0);
    }

    @Test
    void ceilingsGrowExponentiallyUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(30));

        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.ceiling(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.ceiling(100)).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInterruptedWaitStopsRetrying() {
        faulty.script(Operation.STAT, Fault.failBefore());
        RetryingBackend interrupted = new RetryingBackend(
                faulty,
                POLICY,
                d -> {
                    throw new InterruptedException();
                },
                new Random(1));

        assertThatThrownBy(() -> interrupted.stat("x")).isInstanceOf(InterruptedIOException.class);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(faulty.calls(Operation.STAT)).isEqualTo(1);
    }
}
