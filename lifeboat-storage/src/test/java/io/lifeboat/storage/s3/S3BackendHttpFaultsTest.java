package io.lifeboat.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.StorageErrors;
import io.lifeboat.storage.testing.FaultyHttpProxy;
import io.lifeboat.storage.testing.FaultyHttpProxy.Action;
import io.lifeboat.storage.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * {@link S3Backend} behind {@link FaultyHttpProxy}: requests signed for the proxy's address reach the
 * server intact, and injected 500s, 503s and unanswered requests surface as transient failures (after
 * the SDK's own retries).
 */
final class S3BackendHttpFaultsTest {
    @TempDir
    Path tmp;

    S3ProxyServer server;
    FaultyHttpProxy proxy;
    S3Backend backend;

    @BeforeEach
    void setUp() throws Exception {
        server = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "faults");
        proxy = FaultyHttpProxy.start(server.endpoint(), 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (backend != null) backend.close();
        if (proxy != null) proxy.close();
        if (server != null) server.close();
    }

    private S3Backend backend(Duration attemptTimeout) {
        backend = new S3Backend(server.config("p")
                .endpoint(proxy.endpoint())
                .apiCallAttemptTimeout(attemptTimeout)
                .build());
        return backend;
    }

    @Test
    void requestsSignedForTheProxyPassThroughItOnePerConnection() throws IOException {
        S3Backend s3 = backend(null);
        s3.save("a/b", ContentSource.ofBytes("hello".getBytes(UTF_8)));
        try (InputStream in = s3.load("a/b")) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("hello");
        }
        assertThat(s3.stat("a/b")).contains(new ObjectInfo("a/b", 5));
        assertThat(s3.list("")).extracting(ObjectInfo::name).containsExactly("a/b");
        s3.delete("a/b");
        assertThat(s3.stat("a/b")).isEmpty();
        // each request came on a connection of its own, and was decided on
        assertThat(proxy.counts())
                .isEqualTo(
                        Map.of(Action.FORWARD, 6L, Action.INTERNAL_ERROR, 0L, Action.SLOW_DOWN, 0L, Action.HANG, 0L));
    }

    @Test
    void injectedServerErrorsAreTransient() {
        S3Backend s3 = backend(null);
        proxy.faults(1, 0, 0);
        assertThatThrownBy(() -> s3.list(""))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("InternalError"))
                .satisfies(e -> assertThat(StorageErrors.isTransient(e)).isTrue());
        assertThatThrownBy(() -> s3.stat("x")) // HEAD: no body, the status says it
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Status Code: 500")
                .satisfies(e -> assertThat(StorageErrors.isTransient(e)).isTrue());
        proxy.faults(0, 1, 0);
        assertThatThrownBy(() -> s3.save("x", ContentSource.ofBytes(new byte[100])))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("SlowDown"))
                .satisfies(e -> assertThat(StorageErrors.isTransient(e)).isTrue());
        assertThat(proxy.count(Action.INTERNAL_ERROR)).isGreaterThan(1); // the SDK retried
        assertThat(proxy.count(Action.SLOW_DOWN)).isGreaterThan(1);
        assertThat(proxy.count(Action.FORWARD)).isZero();
    }

    private static String errorCode(Throwable e) {
        return ((AwsServiceException) e.getCause()).awsErrorDetails().errorCode();
    }

    @Test
    void anUnansweredRequestTimesOutAsATransientFailure() throws IOException {
        S3Backend s3 = backend(Duration.ofMillis(500));
        proxy.faults(0, 0, 1);
        assertThatThrownBy(() -> s3.list(""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("timeout")
                .satisfies(e -> assertThat(StorageErrors.isTransient(e)).isTrue());
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(proxy.count(Action.HANG)).isGreaterThan(1);
        proxy.faults(0, 0, 0);
        assertThat(s3.list("")).isEmpty(); // the client is still usable
    }

    @Test
    void theAttemptTimeoutOption() {
        assertThat(S3Config.parse("s3:b", Map.of()).apiCallAttemptTimeout()).isNull();
        S3Config config = S3Config.parse("s3:b", Map.of("s3.attempt-timeout", "30"));
        assertThat(config.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toString()).contains("apiCallAttemptTimeout=PT30S");
        assertThatThrownBy(() -> S3Config.parse("s3:b", Map.of("s3.attempt-timeout", "0")))
                .hasMessageContaining("s3.attempt-timeout");
        assertThatThrownBy(() -> S3Config.parse("s3:b", Map.of("s3.attempt-timeout", "soon")))
                .hasMessageContaining("positive number of seconds");
        assertThatThrownBy(() -> S3Config.builder()
                        .bucket("b")
                        .apiCallAttemptTimeout(Duration.ofSeconds(-1))
                        .build())
                .hasMessageContaining("attempt timeout must be positive");
    }
}
