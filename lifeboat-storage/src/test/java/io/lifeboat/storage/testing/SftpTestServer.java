package io.lifeboat.storage.testing;

import io.lifeboat.storage.sftp.SftpConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An SFTP server (Apache MINA SSHD, in-process) on a random loopback port, serving a directory as
 * every user's root. One user logs in with a password or with a generated key, whose private half
 * is written in OpenSSH format to {@link #privateKeyFile()}.
 */
public final class SftpTestServer implements AutoCloseable {
    public static final String USER = "lifeboat";

    private final Path root;
    private final Path privateKeyFile;
    private final String password;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private final SshServer server;
    private final Path workDir;

    private SftpTestServer(Path root) throws IOException, GeneralSecurityException {
        this.root = root;
        this.workDir = Files.createTempDirectory("lifeboat-sftp-keys-");
        this.password =
                "pw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        this.hostKey = newKeyPair();
        this.clientKey = newKeyPair();
        this.privateKeyFile = workDir.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(privateKeyFile)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
                    clientKey, "lifeboat-test", (OpenSSHKeyEncryptionContext) null, out);
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((user, pass, session) -> USER.equals(user) && password.equals(pass));
        server.setPublickeyAuthenticator(
                (user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder().build()));
        server.start();
    }

    /** Starts a server whose users see {@code root} as {@code /}. */
    public static SftpTestServer start(Path root) throws IOException, GeneralSecurityException {
        return new SftpTestServer(root);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public Path root() {
        return root;
    }

    /** The user's private key, OpenSSH format, not encrypted. */
    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** The host key's fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(hostKey.getPublic());
    }

    /** A known_hosts line for this server's address and host key. */
    public String knownHostsLine() {
        return "[" + host() + "]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** A configuration with password login and the host key pinned by fingerprint. */
    public SftpConfig.Builder config(String path) {
        return SftpConfig.builder()
                .host(host())
                .port(port())
                .user(USER)
                .path(path)
                .password(password)
                .hostKeyFingerprint(hostKeyFingerprint());
    }

    /** A configuration with key login and the host key pinned by fingerprint. */
    public SftpConfig.Builder keyConfig(String path) {
        return SftpConfig.builder()
                .host(host())
                .port(port())
                .user(USER)
                .path(path)
                .privateKey(privateKeyFile)
                .hostKeyFingerprint(hostKeyFingerprint());
    }

    /** Closes every client connection at once, as a network failure would. */
    public void dropConnections() {
        server.getActiveSessions().forEach(session -> session.close(true));
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop(true);
        } finally {
            S3ProxyServer.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "SftpTestServer[" + host() + ":" + port() + "]";
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
