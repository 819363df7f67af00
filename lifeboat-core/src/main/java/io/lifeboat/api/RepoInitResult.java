package io.lifeboat.api;

import java.util.List;

/**
 * A repository created.
 *
 * @param repository its id
 * @param location where it is, without secrets
 * @param recipients the public keys its data is sealed to
 * @param secretKey the absolute path of the secret key file written, or null when data is sealed to
 *     given recipients
 * @param writerKey the absolute path of the writer key file written
 */
public record RepoInitResult(
        String repository, String location, List<String> recipients, String secretKey, String writerKey) {

    public RepoInitResult {
        recipients = List.copyOf(recipients);
    }
}
