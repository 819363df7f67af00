package io.lifeboat.server;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.Backends;
import io.lifeboat.storage.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Where the server keeps its backups: Odoo zips named {@code backups/<environment>/<backup>.zip} in a
 * storage location (a directory, S3-compatible storage or SFTP) that every worker of the catalog reaches,
 * so a backup made on one server can be restored on another.
 */
public final class BackupStore implements AutoCloseable {
    private final Backend backend;

    private BackupStore(Backend backend) {
        this.backend = backend;
    }

    public static BackupStore open(String location, Map<String, String> options) {
        try {
            return new BackupStore(new io.lifeboat.storage.RetryingBackend(
                    Backends.open(location, options), io.lifeboat.storage.RetryPolicy.defaults()));
        } catch (IOException | IllegalArgumentException e) {
            throw new io.lifeboat.LifeboatException(
                    io.lifeboat.LifeboatException.Kind.ENVIRONMENT,
                    "cannot open the backup store: " + e.getMessage(),
                    "Check the store and store-options settings of the server configuration.");
        }
    }

    public static String key(String environmentId, String backupId) {
        return "backups/" + environmentId + "/" + backupId + ".zip";
    }

    public void put(String key, java.nio.file.Path file) throws IOException {
        backend.save(key, ContentSource.ofFile(file));
    }

    public InputStream open(String key) throws IOException {
        return backend.load(key);
    }

    public Optional<Long> size(String key) throws IOException {
        return backend.stat(key).map(i -> i.size());
    }

    /** A presigned URL of the object when the store is S3-compatible storage. */
    public java.util.Optional<java.net.URI> presignedUrl(String key, java.time.Duration ttl) {
        return backend.presignedUrl(key, ttl);
    }

    public void delete(String key) throws IOException {
        backend.delete(key);
    }

    public String location() {
        return backend.location();
    }

    /** Writes and removes a probe object: the storage connection test of the API. */
    public void probe() {
        String key = "probe/" + java.util.UUID.randomUUID() + ".txt";
        try {
            backend.save(key, ContentSource.ofBytes("lifeboat".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            try (InputStream in = backend.load(key)) {
                if (!new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).equals("lifeboat")) {
                    throw new IOException("the object read back differs from the one written");
                }
            }
            backend.delete(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }
}
