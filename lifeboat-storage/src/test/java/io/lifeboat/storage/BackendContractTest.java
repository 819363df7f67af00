package io.lifeboat.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.testing.FailingContent;
import io.lifeboat.storage.testing.GeneratedContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link Backend} promises. A driver's test extends this class and returns a
 * fresh, empty backend from {@link #newBackend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest {
    /** Larger than the multipart threshold drivers use in tests. */
    protected static final long LARGE = 20L * 1000 * 1000;

    protected Backend backend;

    /** A new backend over empty storage; {@code id} is unique per test. */
    protected abstract Backend newBackend(String id) throws Exception;

    /** Secrets the backend was configured with, which must never show. */
    protected List<String> secrets() {
        return List.of();
    }

    @BeforeEach
    void openBackend(TestInfo info) throws Exception {
        String id = info.getTestMethod().orElseThrow().getName() + "-" + Long.toHexString(System.nanoTime());
        backend = newBackend(id.replaceAll("[^A-Za-z0-9-]", "-"));
    }

    @AfterEach
    void closeBackend() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void emptyObjectRoundTrips() throws IOException {
        backend.save("empty", ContentSource.ofBytes(new byte[0]));

        assertThat(read("empty")).isEmpty();
        assertThat(backend.stat("empty")).contains(new ObjectInfo("empty", 0));
    }

    @Test
    void smallObjectRoundTrips() throws IOException {
        byte[] content = "hello, lifeboat\n".getBytes(UTF_8);

        backend.save("data/ab/abcdef", ContentSource.ofBytes(content));

        assertThat(read("data/ab/abcdef")).isEqualTo(content);
    }

    @Test
    void largeObjectRoundTripsStreamed() throws IOException {
        GeneratedContent content = new GeneratedContent(7, LARGE);

        backend.save("packs/large", content);

        assertThat(backend.stat("packs/large")).contains(new ObjectInfo("packs/large", LARGE));
        assertThat(GeneratedContent.sha256(backend.load("packs/large"))).isEqualTo(content.sha256());
    }

    @Test
    void rangedLoadsReturnExactlyTheRange() throws IOException {
        GeneratedContent content = new GeneratedContent(3, 100_000);
        byte[] all = content.bytes();
        backend.save("ranged", content);

        assertThat(read("ranged", 0, 10)).isEqualTo(Arrays.copyOfRange(all, 0, 10));
        assertThat(read("ranged", 12_345, 54_321)).isEqualTo(Arrays.copyOfRange(all, 12_345, 12_345 + 54_321));
        assertThat(read("ranged", 99_990, -1)).isEqualTo(Arrays.copyOfRange(all, 99_990, 100_000));
        assertThat(read("ranged", 99_990, 1_000)).isEqualTo(Arrays.copyOfRange(all, 99_990, 100_000));
        assertThat(read("ranged", 100_000, -1)).isEmpty();
        assertThat(read("ranged", 150_000, 10)).isEmpty();
        assertThat(read("ranged", 500, 0)).isEmpty();
    }

    @Test
    void closingALoadEarlyIsAllowed() throws IOException {
        backend.save("early", new GeneratedContent(4, 3_000_000));

        try (InputStream in = backend.load("early")) {
            assertThat(in.readNBytes(1000)).hasSize(1000);
        }
        assertThat(backend.stat("early")).isPresent();
    }

    @Test
    void savingAnExistingNameReplacesIt() throws IOException {
        backend.save("config", ContentSource.ofBytes("first version, longer".getBytes(UTF_8)));

        backend.save("config", ContentSource.ofBytes("second".getBytes(UTF_8)));

        assertThat(new String(read("config"), UTF_8)).isEqualTo("second");
        assertThat(backend.stat("config")).contains(new ObjectInfo("config", 6));
        assertThat(backend.list("")).containsExactly(new ObjectInfo("config", 6));
    }

    @Test
    void statReportsSizeOrNothing() throws IOException {
        backend.save("a/b", ContentSource.ofBytes(new byte[1234]));

        assertThat(backend.stat("a/b")).contains(new ObjectInfo("a/b", 1234));
        assertThat(backend.stat("a/c")).isEmpty();
        assertThat(backend.stat("a")).isEmpty();
        assertThat(backend.stat("missing/deeper/name")).isEmpty();
    }

    @Test
    void listFindsObjectsByNamePrefix() throws IOException {
        for (String name : List.of("a/b/c1", "a/b/c2", "a/bz", "a/d", "e")) {
            backend.save(name, ContentSource.ofBytes(name.getBytes(UTF_8)));
        }

        assertThat(names("")).containsExactlyInAnyOrder("a/b/c1", "a/b/c2", "a/bz", "a/d", "e");
        assertThat(names("a/")).containsExactlyInAnyOrder("a/b/c1", "a/b/c2", "a/bz", "a/d");
        assertThat(names("a/b/")).containsExactlyInAnyOrder("a/b/c1", "a/b/c2");
        assertThat(names("a/b")).containsExactlyInAnyOrder("a/b/c1", "a/b/c2", "a/bz");
        assertThat(names("a/b/c1")).containsExactly("a/b/c1");
        assertThat(names("x")).isEmpty();
        assertThat(names("x/y/")).isEmpty();
        assertThat(backend.list("a/b/c"))
                .containsExactlyInAnyOrder(new ObjectInfo("a/b/c1", 6), new ObjectInfo("a/b/c2", 6));
    }

    @Test
    void listOfEmptyStorageIsEmpty() throws IOException {
        assertThat(backend.list("")).isEmpty();
    }

    @Test
    void deleteRemovesTheObjectAndToleratesMissingOnes() throws IOException {
        backend.save("locks/one", ContentSource.ofBytes(new byte[] {1}));
        backend.save("locks/two", ContentSource.ofBytes(new byte[] {2}));

        backend.delete("locks/one");
        backend.delete("locks/one");
        backend.delete("never/existed");

        assertThat(backend.stat("locks/one")).isEmpty();
        assertThat(names("")).containsExactly("locks/two");
        assertThatThrownBy(() -> backend.load("locks/one")).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void loadingAMissingObjectFailsWithNotFound() throws IOException {
        backend.save("present", ContentSource.ofBytes(new byte[] {1}));

        assertThatThrownBy(() -> backend.load("absent")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> backend.load("absent", 10, 20)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> backend.load("absent", 0, 0)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> backend.load("no/such/dir/absent")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> backend.load("present/below")).isInstanceOf(ObjectNotFoundException.class);
        backend.save("dir/inside", ContentSource.ofBytes(new byte[] {1}));
        assertThatThrownBy(() -> backend.load("dir")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(StorageErrors.isTransient(new ObjectNotFoundException("x"))).isFalse();
    }

    static Stream<String> invalidNames() {
        return Stream.of(
                "",
                "../x",
                "a/../../x",
                "/abs",
                "a//b",
                "a/",
                "./a",
                "a/./b",
                ".hidden",
                "a/.tmp-1234",
                "a\\b",
                "a b",
                "a\nb",
                "ümlaut",
                "a:b",
                "x".repeat(ObjectNames.MAX_LENGTH + 1));
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void invalidNamesAreRejected(String name) {
        assertThatThrownBy(() -> backend.save(name, ContentSource.ofBytes(new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend.load(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend.stat(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend.delete(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../", "/abs", "a//", "a/../b"})
    void invalidPrefixesAreRejected(String prefix) {
        assertThatThrownBy(() -> backend.list(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentSavesOfDifferentNamesAllSucceed() throws Exception {
        int threads = 4;
        int perThread = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long seed = thread * 100L + i;
                        backend.save(
                                "data/" + (i % 2) + "/obj-" + thread + "-" + i,
                                new GeneratedContent(seed, 1000 + seed * 997));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(backend.list("data/")).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                long seed = t * 100L + i;
                GeneratedContent expected = new GeneratedContent(seed, 1000 + seed * 997);
                assertThat(GeneratedContent.sha256(backend.load("data/" + (i % 2) + "/obj-" + t + "-" + i)))
                        .isEqualTo(expected.sha256());
            }
        }
    }

    @Test
    void aSaveWhoseContentFailsLeavesNothing() throws IOException {
        ContentSource failing = FailingContent.failingAfter(new GeneratedContent(5, 300_000), 100_000);

        assertThatThrownBy(() -> backend.save("data/partial", failing)).isInstanceOf(IOException.class);

        assertThat(backend.stat("data/partial")).isEmpty();
        assertThat(backend.list("")).isEmpty();
        assertThatThrownBy(() -> backend.load("data/partial")).isInstanceOf(ObjectNotFoundException.class);
        backend.save("data/partial", new GeneratedContent(5, 300_000));
        assertThat(backend.stat("data/partial")).contains(new ObjectInfo("data/partial", 300_000));
    }

    @Test
    void aLargeSaveWhoseContentFailsLeavesNothing() throws IOException {
        ContentSource failing = FailingContent.failingAfter(new GeneratedContent(6, LARGE), LARGE - 1_000_000);

        assertThatThrownBy(() -> backend.save("packs/partial", failing)).isInstanceOf(IOException.class);

        assertThat(backend.stat("packs/partial")).isEmpty();
        assertThat(backend.list("")).isEmpty();
    }

    @Test
    void aFailedReplacementKeepsTheOldObject() throws IOException {
        backend.save("index/1", ContentSource.ofBytes("old".getBytes(UTF_8)));

        ContentSource failing = FailingContent.failingAfter(new GeneratedContent(8, 50_000), 20_000);
        assertThatThrownBy(() -> backend.save("index/1", failing)).isInstanceOf(IOException.class);

        assertThat(new String(read("index/1"), UTF_8)).isEqualTo("old");
        assertThat(backend.list("")).containsExactly(new ObjectInfo("index/1", 3));
    }

    @Test
    void aSourceShorterOrLongerThanAnnouncedIsRejected() throws IOException {
        ContentSource shorter = announcing(new GeneratedContent(9, 5_000), 6_000);
        ContentSource longer = announcing(new GeneratedContent(9, 5_000), 4_000);

        assertThatThrownBy(() -> backend.save("short", shorter)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> backend.save("long", longer)).isInstanceOf(IOException.class);

        assertThat(names("")).isEmpty();
    }

    @Test
    void locationShowsNoSecret() {
        assertThat(backend.location()).isNotBlank();
        for (String secret : secrets()) {
            assertThat(backend.location()).doesNotContain(secret);
            assertThat(backend.toString()).doesNotContain(secret);
        }
    }

    protected byte[] read(String name) throws IOException {
        try (InputStream in = backend.load(name)) {
            return in.readAllBytes();
        }
    }

    protected byte[] read(String name, long offset, long length) throws IOException {
        try (InputStream in = backend.load(name, offset, length)) {
            return in.readAllBytes();
        }
    }

    protected List<String> names(String prefix) throws IOException {
        return backend.list(prefix).stream().map(ObjectInfo::name).toList();
    }

    private static ContentSource announcing(ContentSource source, long announced) {
        return new ContentSource() {
            @Override
            public long length() {
                return announced;
            }

            @Override
            public InputStream open() throws IOException {
                return source.open();
            }
        };
    }
}
