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
