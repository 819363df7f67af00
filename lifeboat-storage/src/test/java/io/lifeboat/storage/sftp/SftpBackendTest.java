package io.lifeboat.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.BackendContractTest;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.testing.GeneratedContent;
import io.lifeboat.storage.testing.SftpTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract over SFTP with password login. */
final class SftpBackendTest extends BackendContractTest {
    private Path serverRoot;
    private SftpTestServer server;
    private String path;

    @BeforeAll
    void startServer() throws Exception {
        serverRoot = Files.createTempDirectory("lifeboat-sftp-root-");
        server = SftpTestServer.start(serverRoot);
    }

    @AfterAll
    void stopServer() throws IOException {
        server.close();
    }

    @Override
    protected Backend newBackend(String id) throws IOException {
        path = "/" + id + "/repo";
        return new SftpBackend(server.config(path).connections(3).build());
    }

    @Override
    protected List<String> secrets() {
        return List.of(server.password());
    }

    @Test
    void objectsAreFilesUnderThePath() throws IOException {
        backend.save("data/ab/abc", ContentSource.ofBytes(new byte[] {1, 2, 3}));

        assertThat(Files.readAllBytes(serverRoot.resolve(path.substring(1)).resolve("data/ab/abc")))
                .containsExactly(1, 2, 3);
        assertThat(backend.location()).isEqualTo("sftp://" + server.user() + "@127.0.0.1:" + server.port() + path);
    }

    @Test
    void temporaryFilesOfAKilledWriterAreNotListed() throws IOException {
        backend.save("data/a", new GeneratedContent(1, 100));
        Path root = serverRoot.resolve(path.substring(1));
        Files.write(root.resolve("data/.tmp-0123456789abcdef"), new byte[50]);

        assertThat(backend.list("")).containsExactly(new ObjectInfo("data/a", 100));
    }

    @Test
    void moreOpenStreamsThanChannelsWaitForAFreeOne() throws Exception {
        backend.save("x", new GeneratedContent(2, 10));
        InputStream first = backend.load("x");
        InputStream second = backend.load("x");
        InputStream third = backend.load("x");
        third.close();

        try (InputStream fourth = backend.load("x")) {
            assertThat(fourth.readAllBytes()).hasSize(10);
        }
        first.close();
        second.close();
        assertThat(backend.stat("x")).isPresent();
    }

    @Test
    void aDirectoryRemovedBehindTheBackendIsCreatedAgain() throws IOException {
        backend.save("data/ab/one", new GeneratedContent(6, 10));
        Path dir = serverRoot.resolve(path.substring(1)).resolve("data/ab");
        Files.delete(dir.resolve("one"));
        Files.delete(dir);

        Backend retrying = new RetryingBackend(backend, new RetryPolicy(2, Duration.ZERO, Duration.ZERO));
        retrying.save("data/ab/two", new GeneratedContent(7, 10));

        assertThat(names("")).containsExactly("data/ab/two");
    }

    @Test
    void aDroppedConnectionIsReestablished() throws IOException {
        backend.save("before", new GeneratedContent(3, 10));

        server.dropConnections();

        // The first call may still use the broken channel; a retry must then reconnect.
        Backend retrying = new RetryingBackend(backend, new RetryPolicy(3, Duration.ZERO, Duration.ZERO));
        assertThat(retrying.stat("before")).isPresent();
        backend.save("after", new GeneratedContent(5, 10));
        assertThat(names("")).containsExactlyInAnyOrder("before", "after");
    }
}
