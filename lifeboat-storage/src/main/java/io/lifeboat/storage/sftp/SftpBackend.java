package io.lifeboat.storage.sftp;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.ObjectNotFoundException;
import io.lifeboat.storage.PermanentStorageException;
import io.lifeboat.storage.Redaction;
import io.lifeboat.storage.internal.Streams;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Objects as files under a directory of an SFTP server; a name's segments are subdirectories.
 *
 * <p>{@link #save} writes a temporary file ({@code .tmp-<random>}) next to the target, asks the
 * server to force it to disk ({@code fsync@openssh.com}, when offered) and renames it over the
 * target. With {@code posix-rename@openssh.com} (OpenSSH and most servers) the replacement is
 * atomic. Without it, saving a name that does not exist yet is still atomic, but replacing an
 * existing object removes it first, so a reader can briefly find it missing. A killed process can
 * leave temporary files behind, which {@link #list} never reports.
 *
 * <p>Thread-safe: one SSH connection carries up to {@link SftpConfig#connections()} SFTP channels,
 * each used by one operation (or one open {@link #load} stream) at a time; further callers wait up
 * to the configured timeout. A dropped connection is re-established by the next operation.
 *
 * <p>It is long because it is one whole protocol driver: session and host-key handling, atomic uploads and
 * error mapping belong together.
 */
public final class SftpBackend implements Backend {
    private static final int READ_BUFFER = 32 * 1024;
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final SftpConfig config;
    private final SshClient ssh;
    private final Semaphore permits;
    private final LinkedBlockingQueue<SftpClient> idle = new LinkedBlockingQueue<>();
    private final Set<String> knownDirectories = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> rejectedHostKey = new AtomicReference<>();
    private final List<KeyPair> keys;
    private final Object sessionLock = new Object();
    private ClientSession session; // guarded by sessionLock
    private volatile boolean closed;

    /** Connects and authenticates at once, so that configuration errors show up here. */
    public SftpBackend(SftpConfig config) throws IOException {
        this.config = config;
        this.permits = new Semaphore(config.connections(), true);
        this.keys = loadKeys(config);
        this.ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier(recordingRejections(hostKeyVerifier(config)));
        ssh.start();
        try {
            synchronized (sessionLock) {
                session();
            }
        } catch (IOException | RuntimeException e) {
            ssh.stop();
            throw e;
        }
    }

    public SftpConfig config() {
        return config;
    }

    @Override
    public String location() {
        String path = config.path().startsWith("/") || config.path().isEmpty() ? config.path() : "/~/" + config.path();
        return "sftp://" + config.user() + "@" + config.host() + (config.port() == 22 ? "" : ":" + config.port())
                + path;
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        String target = remote(name);
        String dir = parentOf(target);
        String temp = dir.isEmpty() || dir.endsWith("/") ? dir + Streams.tempName() : dir + "/" + Streams.tempName();
        withClient("save", name, client -> {
            makeDirectories(client, dir);
            try {
                try (OutputStream out = client.write(
                                temp,
                                SftpClient.OpenMode.Write,
                                SftpClient.OpenMode.Create,
                                SftpClient.OpenMode.Exclusive);
                        InputStream in = source.open()) {
                    Streams.copyExactly(in, out, source.length());
                }
                fsync(client, temp);
                rename(client, temp, target);
            } catch (IOException | RuntimeException e) {
                // A directory removed behind our back is created again by the next attempt.
                knownDirectories.clear();
                try {
                    client.remove(temp);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        String path = remote(name);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        SftpClient client = acquire("load", name);
        AtomicBoolean released = new AtomicBoolean();
        try {
            // One round trip more, but directories open like files on some servers.
            if (!client.stat(path).isRegularFile()) {
                throw new ObjectNotFoundException(name);
            }
            InputStream in = client.read(path, READ_BUFFER);
            if (offset > 0 && in.skip(offset) < offset) {
                in = InputStream.nullInputStream();
            }
            InputStream limited = length < 0 ? in : Streams.limit(in, length);
            return new FilterInputStream(limited) {
                private boolean healthy = true;

                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        healthy = false;
                        throw translate("load", name, e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (IOException e) {
                        healthy = false;
                        throw translate("load", name, e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } catch (IOException e) {
                        healthy = false;
                        throw translate("load", name, e);
                    } finally {
                        if (released.compareAndSet(false, true)) {
                            release(client, healthy);
                        }
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            release(client, e instanceof SftpException || e instanceof ObjectNotFoundException);
            if (isNoSuchFile(e)) {
                throw new ObjectNotFoundException(name);
            }
            if (e instanceof IOException io) {
                throw translate("load", name, io);
            }
            throw e;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        String path = remote(name);
        return withClient("stat", name, client -> {
            try {
                SftpClient.Attributes attributes = client.stat(path);
                return attributes.isRegularFile()
                        ? Optional.of(new ObjectInfo(name, attributes.getSize()))
                        : Optional.empty();
            } catch (SftpException e) {
                if (isNoSuchFile(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectNames.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String start = slash < 0 ? "" : prefix.substring(0, slash);
        return withClient("list", prefix.isEmpty() ? "(all)" : prefix + "*", client -> {
            List<ObjectInfo> result = new ArrayList<>();
            walk(client, start, prefix, result);
            return result;
        });
    }

    private void walk(SftpClient client, String relativeDir, String prefix, List<ObjectInfo> result)
            throws IOException {
        String dir = relativeDir.isEmpty() ? rootPath() : remoteUnchecked(relativeDir);
        List<SftpClient.DirEntry> read = new ArrayList<>();
        try {
            client.readDir(dir.isEmpty() ? "." : dir).forEach(read::add);
        } catch (UncheckedIOException e) {
            // The directory is read lazily, so failures arrive unchecked.
            if (isNoSuchFile(e.getCause())) {
                return;
            }
            throw e.getCause();
        } catch (SftpException e) {
            if (isNoSuchFile(e)) {
                return;
            }
            throw e;
        }
        for (SftpClient.DirEntry entry : read) {
            String file = entry.getFilename();
            if (file.startsWith(".")) {
                continue; // ".", "..", temporary files
            }
            String name = relativeDir.isEmpty() ? file : relativeDir + "/" + file;
            SftpClient.Attributes attributes = entry.getAttributes();
            if (attributes.isDirectory()) {
                if (name.startsWith(prefix) || prefix.startsWith(name + "/")) {
                    walk(client, name, prefix, result);
                }
            } else if (attributes.isRegularFile() && name.startsWith(prefix) && ObjectNames.isValid(name)) {
                result.add(new ObjectInfo(name, attributes.getSize()));
            }
        }
    }

    @Override
    public void delete(String name) throws IOException {
        String path = remote(name);
        withClient("delete", name, client -> {
            try {
                client.remove(path);
            } catch (SftpException e) {
                if (!isNoSuchFile(e)) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        for (SftpClient client; (client = idle.poll()) != null; ) {
            closeQuietly(client);
        }
        synchronized (sessionLock) {
            if (session != null) {
                session.close(true);
                session = null;
            }
        }
        ssh.stop();
    }

    @Override
    public String toString() {
        return location();
    }

    // --- paths

    private String rootPath() {
        return config.path();
    }

    private String remote(String name) {
        return remoteUnchecked(ObjectNames.check(name));
    }

    private String remoteUnchecked(String name) {
        String root = rootPath();
        if (root.isEmpty()) {
            return name;
        }
        return root.endsWith("/") ? root + name : root + "/" + name;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return "";
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private void makeDirectories(SftpClient client, String dir) throws IOException {
        if (dir.isEmpty() || dir.equals("/") || knownDirectories.contains(dir)) {
            return;
        }
        try {
            if (client.stat(dir).isDirectory()) {
                knownDirectories.add(dir);
                return;
            }
            throw new PermanentStorageException("sftp path " + dir + " exists but is not a directory");
        } catch (SftpException e) {
            if (!isNoSuchFile(e)) {
                throw e;
            }
        }
        makeDirectories(client, parentOf(dir));
        try {
            client.mkdir(dir);
        } catch (SftpException e) {
            // Another writer may have created it meanwhile.
            if (!client.stat(dir).isDirectory()) {
                throw e;
            }
        }
        knownDirectories.add(dir);
    }

    private static void fsync(SftpClient client, String path) throws IOException {
        OpenSSHFsyncExtension fsync = client.getExtension(OpenSSHFsyncExtension.class);
        if (fsync != null && fsync.isSupported()) {
            // fsync(2) on any descriptor of a file flushes the file's data.
            try (SftpClient.CloseableHandle handle = client.open(path, SftpClient.OpenMode.Read)) {
                fsync.fsync(handle);
            }
        }
    }

    private static void rename(SftpClient client, String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = client.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        try {
            client.rename(from, to, SftpClient.CopyMode.Overwrite);
        } catch (SftpException e) {
            // SFTP v3 servers cannot replace on rename: remove the old object first.
            try {
                client.remove(to);
            } catch (SftpException removeFailure) {
                if (!isNoSuchFile(removeFailure)) {
                    throw removeFailure;
                }
            }
            client.rename(from, to);
        }
    }

    // --- channels and session

    private interface SftpCall<T> {
        T run(SftpClient client) throws IOException;
    }

    private <T> T withClient(String operation, String name, SftpCall<T> call) throws IOException {
        SftpClient client = acquire(operation, name);
        boolean healthy = false;
        try {
            T result = call.run(client);
            healthy = true;
            return result;
        } catch (IOException e) {
            // A status reply means the channel still works; anything else may have broken it.
            healthy = e instanceof SftpException || e instanceof PermanentStorageException;
            throw translate(operation, name, e);
        } finally {
            release(client, healthy);
        }
    }

    private SftpClient acquire(String operation, String name) throws IOException {
        if (closed) {
            throw new IOException("sftp backend " + location() + " is closed");
        }
        try {
            if (!permits.tryAcquire(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("sftp " + operation + " " + name + " at " + location() + " found no free channel"
                        + " within " + config.timeout().toSeconds() + " s; close load streams sooner or raise"
                        + " sftp.connections");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an sftp channel");
        }
        try {
            for (SftpClient client; (client = idle.poll()) != null; ) {
                if (client.isOpen() && client.getClientSession().isOpen()) {
                    return client;
                }
                closeQuietly(client);
            }
            ClientSession current;
            synchronized (sessionLock) {
                current = session();
            }
            return SftpClientFactory.instance().createSftpClient(current);
        } catch (IOException | RuntimeException e) {
            permits.release();
            if (e instanceof IOException io) {
                throw translate(operation, name, io);
            }
            throw e;
        }
    }

    private void release(SftpClient client, boolean healthy) {
        if (healthy && !closed && client.isOpen()) {
            idle.offer(client);
        } else {
            closeQuietly(client);
        }
        permits.release();
    }

    private ClientSession session() throws IOException {
        if (session != null && session.isOpen()) {
            return session;
        }
        if (session != null) {
            session.close(true);
            session = null;
        }
        String where = config.user() + "@" + config.host() + ":" + config.port();
        ClientSession fresh;
        try {
            fresh = ssh.connect(config.user(), config.host(), config.port())
                    .verify(config.timeout())
                    .getSession();
        } catch (IOException e) {
            throw new IOException(Redaction.redact("sftp cannot connect to " + where + ": " + e.getMessage()), e);
        }
        try {
            if (config.password() != null) {
                fresh.addPasswordIdentity(config.password());
            }
            keys.forEach(fresh::addPublicKeyIdentity);
            fresh.auth().verify(config.timeout());
        } catch (IOException e) {
            fresh.close(true);
            String rejected = rejectedHostKey.getAndSet(null);
            if (rejected != null) {
                throw new PermanentStorageException("sftp host key " + rejected + " of " + config.host() + ":"
                        + config.port() + " is not trusted; add the host to known_hosts (ssh-keyscan), pass its"
                        + " fingerprint with sftp.host-key, or set sftp.accept-new-host-key for a first connection");
            }
            if (String.valueOf(e.getMessage()).contains("authentication")) {
                throw new PermanentStorageException(
                        "sftp authentication failed for " + where + "; check the user, the password or the key");
            }
            throw new IOException(Redaction.redact("sftp cannot log in to " + where + ": " + e.getMessage()), e);
        }
        session = fresh;
        return fresh;
    }

    private IOException translate(String operation, String name, IOException e) {
        if (e instanceof ObjectNotFoundException
                || e instanceof PermanentStorageException
                || e instanceof InterruptedIOException) {
            return e;
        }
        String message = "sftp " + operation + " " + name + " at " + location() + " failed: " + e.getMessage();
        if (e instanceof SftpException sftp) {
            return switch (sftp.getStatus()) {
                case SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT ->
                    new PermanentStorageException(message + "; check the permissions of " + rootPath(), e);
                case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, SftpConstants.SSH_FX_QUOTA_EXCEEDED ->
                    new PermanentStorageException(message + "; free space on the server", e);
                default -> new IOException(Redaction.redact(message), e);
            };
        }
        return new IOException(Redaction.redact(message), e);
    }

    private static boolean isNoSuchFile(Throwable e) {
        return e instanceof SftpException sftp
                && (sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE
                        || sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH);
    }

    private static void closeQuietly(SftpClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // The channel is discarded either way.
        }
    }

    // --- keys

    private ServerKeyVerifier recordingRejections(ServerKeyVerifier verifier) {
        return (clientSession, address, key) -> {
            boolean accepted = verifier.verifyServerKey(clientSession, address, key);
            if (!accepted) {
                rejectedHostKey.set(KeyUtils.getFingerPrint(key));
            }
            return accepted;
        };
    }

    private static ServerKeyVerifier hostKeyVerifier(SftpConfig config) {
        if (config.hostKeyFingerprint() != null) {
            String expected = config.hostKeyFingerprint().trim();
            return (ClientSession clientSession, SocketAddress address, PublicKey key) ->
                    KeyUtils.checkFingerPrint(expected, key).getKey();
        }
        Path knownHosts = config.knownHosts() != null
                ? config.knownHosts()
                : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        ServerKeyVerifier unknown =
                config.acceptNewHostKeys() ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE;
        return new KnownHostsServerKeyVerifier(unknown, knownHosts);
    }

    private static List<KeyPair> loadKeys(SftpConfig config) throws IOException {
        List<Path> files = new ArrayList<>();
        if (config.privateKey() != null) {
            files.add(config.privateKey());
        } else if (config.password() == null) {
            Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
            DEFAULT_KEYS.stream()
                    .map(sshDir::resolve)
                    .filter(Files::isRegularFile)
                    .forEach(files::add);
        }
        List<KeyPair> result = new ArrayList<>();
        FilePasswordProvider passphrase = config.privateKeyPassphrase() == null
                ? FilePasswordProvider.EMPTY
                : FilePasswordProvider.of(config.privateKeyPassphrase());
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, passphrase)
                        .forEach(result::add);
            } catch (IOException | GeneralSecurityException e) {
                if (config.privateKey() != null) {
                    throw new PermanentStorageException(
                            "cannot read the sftp private key " + file + ": " + e.getMessage()
                                    + "; use an OpenSSH private key file and check its passphrase",
                            e);
                }
                // A default key that cannot be read is skipped, as ssh does.
            }
        }
        return result;
    }
}
