package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Fetch one archived WAL file ({@code restore_command}). Needs the secret key.
 *
 * @param destination where to write it ({@code %p}); written under a temporary name and renamed
 * @param systemId the cluster's system identifier; null to read it from {@code dataDir}
 * @param dataDir the recovering cluster's data directory; null for the current directory
 */
public record WalGetRequest(String name, Path destination, String systemId, Path dataDir) {}
