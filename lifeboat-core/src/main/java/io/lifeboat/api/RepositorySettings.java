package io.lifeboat.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Which repository to work on and with which key.
 *
 * @param location a path, {@code s3:…} or {@code sftp://…}; null when none was given
 * @param storageOptions storage options such as {@code s3.region}
 * @param secretKeyFile the secret key file (full access), or null
 * @param writerKeyFile the writer key file (append-only access), or null
 * @param passphrase the passphrase of a protected secret key file, asked for when needed; returns null
 *     when there is none to give
 */
public record RepositorySettings(
        String location,
        Map<String, String> storageOptions,
        Path secretKeyFile,
        Path writerKeyFile,
        Function<Path, char[]> passphrase) {

    public RepositorySettings {
        storageOptions = storageOptions == null ? Map.of() : Map.copyOf(storageOptions);
        if (passphrase == null) passphrase = file -> null;
    }

    /** A repository at {@code location} opened with the secret key in {@code secretKeyFile}. */
    public static RepositorySettings of(String location, Path secretKeyFile) {
        return new RepositorySettings(location, Map.of(), secretKeyFile, null, null);
    }
}
