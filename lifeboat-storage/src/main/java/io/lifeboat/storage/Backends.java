package io.lifeboat.storage;

import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.s3.S3Config;
import io.lifeboat.storage.sftp.SftpBackend;
import io.lifeboat.storage.sftp.SftpConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Opens a backend from a location string. */
public final class Backends {
    private Backends() {}

    /**
     * Opens the backend a location names:
     *
     * <ul>
     *   <li>a plain path or {@code local:/path}: {@link LocalBackend};
     *   <li>{@code s3:https://host:port/bucket/prefix} or {@code s3:bucket/prefix} (AWS): {@link
     *       S3Backend}, options as in {@link S3Config#parse};
     *   <li>{@code sftp://user@host:port/path}: {@link SftpBackend}, options as in {@link
     *       SftpConfig#parse}.
     * </ul>
     *
     * <p>The backend is bare: wrap it in a {@link RetryingBackend} for networks that fail now and
     * then. Options with another driver's prefix are ignored; unknown ones of the chosen driver are
     * rejected.
     *
     * @throws IllegalArgumentException when the location or an option is invalid (the message never
     *     contains secrets)
     * @throws IOException when an SFTP server cannot be reached or refuses the login
     */
    public static Backend open(String location, Map<String, String> options) throws IOException {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("storage location is empty; use a path, s3:... or sftp://...");
        }
        if (location.startsWith("s3:")) {
            return new S3Backend(S3Config.parse(location, options));
        }
        if (location.startsWith("sftp:")) {
            return new SftpBackend(SftpConfig.parse(location, options));
        }
        String path = location.startsWith("local:") ? location.substring("local:".length()) : location;
        int colon = path.indexOf(':');
        if (colon > 1 && path.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new IllegalArgumentException("unsupported storage location '" + Redaction.redact(location)
                    + "'; use a path, local:/path, s3:https://host/bucket/prefix, s3:bucket/prefix or"
                    + " sftp://user@host/path");
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("storage location has no path; use local:/path");
        }
        return new LocalBackend(Path.of(path));
    }
}
