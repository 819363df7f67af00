package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.BackendContractTest;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.PermanentStorageException;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.StorageErrors;
import io.lifeboat.storage.testing.FailingContent;
import io.lifeboat.storage.testing.FaultyBackend;
import io.lifeboat.storage.testing.GeneratedContent;
import io.lifeboat.storage.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

final class S3BackendTest extends BackendContractTest {
    private static final long MIB = 1024 * 1024;

    private S3ProxyServer server;
    private S3Client raw;
    private String prefix;

    @BeforeAll
    void startServer() throws Exception {
        server = S3ProxyServer.start();
        raw = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .build();
    }

    @AfterAll
    void stopServer() throws Exception {
        raw.close();
        server.close();
    }

    @Override
    protected Backend newBackend(String id) {
        prefix = "tests/" + id;
        return new S3Backend(server.config(prefix)
                .multipartThreshold(8 * MIB)
                .partSize(5 * MIB)
                .build());
    }

    @Override
    protected List<String> secrets() {
        return List.of(S3ProxyServer.SECRET_KEY);
    }

    @Test
    void objectsAreKeysUnderThePrefix() throws IOException {
        backend.save("data/ab/abc", ContentSource.ofBytes(new byte[] {1, 2, 3}));

        assertThat(Files.readAllBytes(server.objectPath(server.bucket(), prefix + "/data/ab/abc")))
                .containsExactly(1, 2, 3);
        assertThat(backend.location()).isEqualTo("s3:" + server.endpoint() + "/" + server.bucket() + "/" + prefix);
    }

    @Test
    void largeObjectsAreUploadedInParts() throws IOException {
        backend.save("packs/big", new GeneratedContent(11, 12 * MIB));

        String etag = raw.headObject(r -> r.bucket(server.bucket()).key(prefix + "/packs/big"))
                .eTag();
        assertThat(etag).matches("\"?[0-9a-f]+-3\"?");
        assertThat(GeneratedContent.sha256(backend.load("packs/big")))
                .isEqualTo(new GeneratedContent(11, 12 * MIB).sha256());
    }

    @Test
    void aSmallUploadFailingAfterTheChecksumPassLeavesNothing() {
        // The first stream computes the MD5; the second, which is being uploaded, breaks.
        ContentSource failing = new FailingContent(new GeneratedContent(12, 300_000), 100_000, 2);

        assertThatThrownBy(() -> backend.save("data/x", failing)).isInstanceOf(IOException.class);

        assertThat(raw.listObjectsV2(r -> r.bucket(server.bucket()).prefix(prefix + "/data/x"))
                        .contents())
                .noneMatch(o -> o.key().equals(prefix + "/data/x"));
        // S3Proxy's filesystem store writes an upload to "<key>-<uuid>" and removes it once it has seen the
        // broken request end, which can be just after the client gave up: it must go, not linger
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> raw.listObjectsV2(r -> r.bucket(server.bucket()).prefix(prefix))
                        .contents()
                        .isEmpty());
    }

    @Test
    void aFailedMultipartUploadIsAborted() throws IOException {
        ContentSource failing = FailingContent.failingAfter(new GeneratedContent(13, 14 * MIB), 7 * MIB);

        assertThatThrownBy(() -> backend.save("packs/broken", failing)).isInstanceOf(IOException.class);

        assertThat(backend.list("")).isEmpty();
        assertThat(raw.listMultipartUploads(r -> r.bucket(server.bucket()).prefix(prefix))
                        .uploads())
                .isEmpty();
    }

    @Test
    void flexibleChecksumsWorkToo() throws IOException {
        try (Backend withChecksums = new S3Backend(server.config(prefix + "-crc")
                .checksumsWhenRequired(false)
                .multipartThreshold(5 * MIB)
                .partSize(5 * MIB)
                .build())) {
            withChecksums.save("small", new GeneratedContent(14, 1000));
            withChecksums.save("large", new GeneratedContent(15, 11 * MIB));

            assertThat(GeneratedContent.sha256(withChecksums.load("small")))
                    .isEqualTo(new GeneratedContent(14, 1000).sha256());
            assertThat(GeneratedContent.sha256(withChecksums.load("large")))
                    .isEqualTo(new GeneratedContent(15, 11 * MIB).sha256());
        }
    }

    @Test
    void aWrongSecretKeyIsAPermanentErrorThatDoesNotShowTheKey() {
        String wrongSecret = "wrong-secret-for-test-7731";
        try (S3Backend wrong = new S3Backend(server.config(prefix)
                .credentials(S3ProxyServer.ACCESS_KEY, wrongSecret)
                .build())) {
            assertThatThrownBy(() -> wrong.save("x", ContentSource.ofBytes(new byte[1])))
                    .isInstanceOf(PermanentStorageException.class)
                    .satisfies(e -> assertThat(e.toString()).doesNotContain(wrongSecret))
                    .hasMessageContaining("check the access key");
            assertThatThrownBy(() -> wrong.stat("x")).isInstanceOf(PermanentStorageException.class);
            assertThatThrownBy(() -> wrong.list("")).isInstanceOf(PermanentStorageException.class);
        }
    }

    @Test
    void aMissingBucketIsAPermanentError() {
        try (S3Backend missing =
                new S3Backend(server.config("p").bucket("no-such-bucket").build())) {
            assertThatThrownBy(() -> missing.list(""))
                    .isInstanceOf(PermanentStorageException.class)
                    .hasMessageContaining("check that the bucket exists");
            assertThatThrownBy(() -> missing.load("x")).isInstanceOf(PermanentStorageException.class);
        }
    }

    @Test
    void anUnreachableServerIsATransientError() {
        try (S3Backend unreachable = new S3Backend(
                server.config("p").endpoint(URI.create("http://127.0.0.1:9")).build())) {
            assertThatThrownBy(() -> unreachable.stat("x"))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(StorageErrors.isTransient(e)).isTrue())
                    .hasMessageContaining("s3 stat x at s3:http://127.0.0.1:9/");
        }
    }

    @Test
    void withRetriesEverythingSucceedsDespiteRandomFaults() throws IOException {
        FaultyBackend faulty = new FaultyBackend(backend, d -> {}).randomly(0.4, 99);
        Backend retrying = new RetryingBackend(
                faulty, new RetryPolicy(20, Duration.ofMillis(1), Duration.ofMillis(10)), d -> {}, new Random(99));
        List<GeneratedContent> contents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contents.add(new GeneratedContent(100 + i, i == 0 ? 9 * MIB : 20_000 + i));
        }

        for (int i = 0; i < contents.size(); i++) {
            retrying.save("data/" + i, contents.get(i));
        }
        for (int i = 0; i < contents.size(); i++) {
            assertThat(GeneratedContent.sha256(retrying.load("data/" + i)))
                    .isEqualTo(contents.get(i).sha256());
        }
        assertThat(retrying.list("data/")).hasSize(contents.size());
        retrying.delete("data/0");
        assertThat(retrying.stat("data/0")).isEmpty();

        assertThat(faulty.injected()).isGreaterThan(3);
        assertThat(raw.listMultipartUploads(r -> r.bucket(server.bucket()).prefix(prefix))
                        .uploads())
                .isEmpty();
    }

    @Test
    void keysOutsideTheNamingRulesAreNotListed() throws IOException {
        backend.save("good", ContentSource.ofBytes(new byte[] {1}));
        raw.putObject(
                r -> r.bucket(server.bucket()).key(prefix + "/folder/"),
                software.amazon.awssdk.core.sync.RequestBody.empty());

        assertThat(backend.list("")).containsExactly(new ObjectInfo("good", 1));
    }
}
