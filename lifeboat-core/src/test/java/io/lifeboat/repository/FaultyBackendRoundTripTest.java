package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.testing.FaultyBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/**
 * The snapshot round trips again, over storage where a third of all calls fail (refused, reset part
 * way, a save whose content breaks, slow) and every failure is retried: the faults are absorbed,
 * nothing a test reads or counts changes.
 */
class FaultyBackendRoundTripTest extends SnapshotRoundTripTest {
    private static final AtomicInteger INJECTED = new AtomicInteger();
    private FaultyBackend faulty;

    @Override
    Backend backend(Path dir) {
        faulty = new FaultyBackend(new LocalBackend(dir), d -> {}).randomly(0.3, 20_240_611L);
        return new RetryingBackend(
                faulty, new RetryPolicy(15, Duration.ofMillis(10), Duration.ofSeconds(1)), d -> {}, new Random(7));
    }

    /**
     * Under injected faults the second snapshot stored more than without them, and not the same amount in every
     * run (5.08% in one CI run where the run without faults stored 3.69%); the 5% target is held by {@link
     * SnapshotRoundTripTest} and the benchmark, without faults. Here the round trip must stay correct and the
     * change small.
     */
    @Override
    @org.junit.jupiter.api.Test
    void onePercentChangeWritesAtMostFivePercent() throws Exception {
        onePercentChangeWritesAtMost(0.08);
    }

    @AfterEach
    void countFaults() {
        assertThat(faulty).as("the test used the faulty backend").isNotNull();
        INJECTED.addAndGet(faulty.injected());
    }

    @AfterAll
    static void faultsWereInjected() {
        assertThat(INJECTED.get()).isGreaterThan(20);
    }
}
