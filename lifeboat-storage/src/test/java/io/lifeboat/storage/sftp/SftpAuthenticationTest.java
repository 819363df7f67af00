package io.lifeboat.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.PermanentStorageException;
import io.lifeboat.storage.testing.GeneratedContent;
import io.lifeboat.storage.testing.SftpTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Logging in with a key or a password, and checking the server's host key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class SftpAuthenticationTest {
    private Path serverRoot;
    private SftpTestServer server;

    @TempDir
    Path temp;

    @BeforeAll
    void startServer() throws Exception {
        serverRoot = Files.createTempDirectory("lifeboat-sftp-auth-");
        server = SftpTestServer.start(serverRoot);
    }

    @AfterAll
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void publicKeyLoginWorks() throws IOException {
        try (SftpBackend backend = new SftpBackend(server.keyConfig("keyed").build())) {
            backend.save("a/b", new GeneratedContent(1, 5000));

            assertThat(GeneratedContent.sha256(backend.load("a/b"))).isEqualTo(new GeneratedContent(1, 5000).sha256());
        }
        assertThat(serverRoot.resolve("keyed/a/b")).hasSize(5000);
    }

    @Test
    void passwordLoginWorks() throws IOException {
        try (SftpBackend backend = new SftpBackend(server.config("/pw").build())) {
            backend.save("x", ContentSource.ofBytes(new byte[] {7}));
        }
        assertThat(serverRoot.resolve("pw/x")).hasBinaryContent(new byte[] {7});
    }

    @Test
    void aWrongPasswordIsAPermanentErrorThatDoesNotShowIt() {
        String wrong = "wrong-password-5521";
        assertThatThrownBy(() ->
                        new SftpBackend(server.config("/pw").password(wrong).build()))
                .isInstanceOf(PermanentStorageException.class)
                .hasMessageContaining("authentication failed")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(wrong));
    }

    @Test
    void anUnknownHostKeyIsRejected() throws IOException {
        Path knownHosts = temp.resolve("known_hosts_empty");
        Files.writeString(knownHosts, "");

        assertThatThrownBy(() -> new SftpBackend(server.config("/pw")
                        .hostKeyFingerprint(null)
                        .knownHosts(knownHosts)
                        .build()))
                .isInstanceOf(PermanentStorageException.class)
                .hasMessageContaining(server.hostKeyFingerprint())
                .hasMessageContaining("known_hosts");
    }

    @Test
    void aKnownHostKeyIsAccepted() throws IOException {
        Path knownHosts = temp.resolve("known_hosts_good");
        Files.writeString(knownHosts, server.knownHostsLine() + "\n");

        try (SftpBackend backend = new SftpBackend(server.config("/kh")
                .hostKeyFingerprint(null)
                .knownHosts(knownHosts)
                .build())) {
            assertThat(backend.list("")).isEmpty();
        }
    }

    @Test
    void acceptNewRecordsTheKeyButAChangedKeyIsAlwaysRejected() throws Exception {
        Path knownHosts = temp.resolve("known_hosts_new");
        try (SftpBackend backend = new SftpBackend(server.config("/new")
                .hostKeyFingerprint(null)
                .knownHosts(knownHosts)
                .acceptNewHostKeys(true)
                .build())) {
            assertThat(backend.list("")).isEmpty();
        }
        assertThat(Files.readString(knownHosts, StandardCharsets.UTF_8)).contains(String.valueOf(server.port()));

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String otherKey = PublicKeyEntry.toString(generator.generateKeyPair().getPublic());
        Path changed = temp.resolve("known_hosts_changed");
        Files.writeString(changed, "[127.0.0.1]:" + server.port() + " " + otherKey + "\n");
        assertThatThrownBy(() -> new SftpBackend(server.config("/new")
                        .hostKeyFingerprint(null)
                        .knownHosts(changed)
                        .acceptNewHostKeys(true)
                        .build()))
                .isInstanceOf(PermanentStorageException.class);
    }

    @Test
    void aWrongFingerprintIsRejected() {
        assertThatThrownBy(() -> new SftpBackend(server.config("/pw")
                        .hostKeyFingerprint("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                        .build()))
                .isInstanceOf(PermanentStorageException.class)
                .hasMessageContaining("not trusted");
    }

    @Test
    void aBrokenKeyFileIsAPermanentError() throws IOException {
        Path broken = temp.resolve("id_broken");
        Files.writeString(
                broken, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n");

        assertThatThrownBy(() -> new SftpBackend(
                        server.keyConfig("/k").privateKey(broken).build()))
                .isInstanceOf(PermanentStorageException.class)
                .hasMessageContaining("cannot read the sftp private key");
    }

    @Test
    void locationsParseAndHidePasswords() {
        SftpConfig config = SftpConfig.parse(
                "sftp://backup:se%40cret-pw@files.example.com:2222/srv/lifeboat",
                Map.of("sftp.connections", "2", "sftp.host-key", "SHA256:abc"));

        assertThat(config.user()).isEqualTo("backup");
        assertThat(config.password()).isEqualTo("se@cret-pw");
        assertThat(config.host()).isEqualTo("files.example.com");
        assertThat(config.port()).isEqualTo(2222);
        assertThat(config.path()).isEqualTo("/srv/lifeboat");
        assertThat(config.connections()).isEqualTo(2);
        assertThat(config.toString()).doesNotContain("se@cret-pw");
        assertThat(SftpConfig.parse("sftp://u@h/~/backups", Map.of()).path()).isEqualTo("backups");
        assertThat(SftpConfig.parse("sftp://u@h/~/backups", Map.of()).port()).isEqualTo(22);
        assertThatThrownBy(() -> SftpConfig.parse("sftp://u@h/x", Map.of("sftp.pasword", "x")))
                .hasMessage("unknown sftp option: sftp.pasword");
        assertThatThrownBy(() -> SftpConfig.parse("sftp:///nohost", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
