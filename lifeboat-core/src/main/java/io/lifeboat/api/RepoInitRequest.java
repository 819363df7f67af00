package io.lifeboat.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Create an encrypted repository at the settings' location and write its key files (never over existing
 * files): the secret key (full access) and the writer key (backups only). With recipients, data is
 * sealed to existing public keys and no secret key is made.
 *
 * @param recipients public keys ({@code lbpub1…}) to seal data to instead of a new secret key
 * @param secretKeyFile where to write the secret key, or null for {@code lifeboat-<id>.key} in the
 *     working directory; must be null with recipients
 * @param writerKeyFile where to write the writer key, or null for {@code lifeboat-<id>.writer-key}
 * @param passphrase protects the secret key file, or null
 */
public record RepoInitRequest(List<String> recipients, Path secretKeyFile, Path writerKeyFile, char[] passphrase) {

    public RepoInitRequest {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    /** A new secret key in {@code secretKeyFile}, a writer key in {@code writerKeyFile}. */
    public static RepoInitRequest of(Path secretKeyFile, Path writerKeyFile) {
        return new RepoInitRequest(List.of(), secretKeyFile, writerKeyFile, null);
    }

    @Override
    public String toString() {
        return "RepoInitRequest[recipients=" + recipients + ", secretKeyFile=" + secretKeyFile + ", writerKeyFile="
                + writerKeyFile + ", passphrase=" + (passphrase == null ? null : "***") + "]";
    }
}
