package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.testing.FaultyBackend;
import io.lifeboat.storage.testing.GeneratedContent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract still holds when a third of all calls fail and every failure is retried. */
final class RetryingFaultyBackendContractTest extends BackendContractTest {
    @TempDir
    Path temp;

    private FaultyBackend faulty;

    @Override
    protected Backend newBackend(String id) {
        // The same faults on every run: the seed depends on the test, not on the unique suffix.
        long seed = id.substring(0, id.lastIndexOf('-')).hashCode();
        faulty = new FaultyBackend(new LocalBackend(temp.resolve(id)), d -> {}).randomly(0.3, seed);
        return new RetryingBackend(
                faulty, new RetryPolicy(15, Duration.ofMillis(10), Duration.ofSeconds(1)), d -> {}, new Random(seed));
    }

    @Test
    void faultsAreActuallyInjected() throws IOException {
        for (int i = 0; i < 20; i++) {
            GeneratedContent content = new GeneratedContent(i, 50_000);
            backend.save("data/" + i, content);
            assertThat(GeneratedContent.sha256(backend.load("data/" + i))).isEqualTo(content.sha256());
        }

        assertThat(faulty.injected()).isGreaterThan(3);
    }
}
