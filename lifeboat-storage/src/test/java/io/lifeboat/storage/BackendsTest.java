package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.sftp.SftpBackend;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.storage.testing.SftpTestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BackendsTest {
    @TempDir
    Path temp;

    @Test
    void plainPathsAndLocalLocationsOpenLocalBackends() throws IOException {
        try (Backend plain = Backends.open(temp.resolve("a").toString(), Map.of());
                Backend prefixed = Backends.open("local:" + temp.resolve("b"), Map.of())) {
            assertThat(plain).isInstanceOf(LocalBackend.class);
            assertThat(prefixed.location()).isEqualTo("local:" + temp.resolve("b"));
        }
    }

    @Test
    void s3LocationsOpenS3Backends() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start();
                Backend backend = Backends.open(
                        "s3:" + server.endpoint() + "/" + server.bucket() + "/some/prefix",
                        Map.of("s3.access-key", server.accessKey(), "s3.secret-key", server.secretKey()))) {
            assertThat(backend).isInstanceOf(S3Backend.class);
            backend.save("x", ContentSource.ofBytes(new byte[] {1}));
            assertThat(server.objectPath(server.bucket(), "some/prefix/x")).exists();
            assertThat(backend.location()).doesNotContain(server.secretKey());
        }
    }

    @Test
    void sftpLocationsOpenSftpBackends() throws Exception {
        try (SftpTestServer server = SftpTestServer.start(temp);
                Backend backend = Backends.open(
                        "sftp://" + server.user() + "@127.0.0.1:" + server.port() + "/repo",
                        Map.of("sftp.password", server.password(), "sftp.host-key", server.hostKeyFingerprint()))) {
            assertThat(backend).isInstanceOf(SftpBackend.class);
            backend.save("x", ContentSource.ofBytes(new byte[] {1}));
            assertThat(temp.resolve("repo/x")).exists();
        }
    }

    @Test
    void unknownSchemesAreRejectedWithoutSecrets() {
        assertThatThrownBy(() -> Backends.open("ftp://user:t0psecret@host/x", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported storage location")
                .hasMessageNotContaining("t0psecret");
        assertThatThrownBy(() -> Backends.open(" ", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
