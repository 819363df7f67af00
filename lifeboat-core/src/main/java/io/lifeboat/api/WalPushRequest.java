package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Archive one WAL file into the repository (synchronous {@code archive_command}). Needs only the
 * writer key.
 *
 * @param file the file PostgreSQL hands over ({@code %p})
 * @param name its name ({@code %f}); null for the file's own name
 * @param systemId the cluster's system identifier; null to read it from {@code dataDir}
 * @param dataDir the cluster's data directory (the working directory of archive_command); null for
 *     the current directory
 */
public record WalPushRequest(Path file, String name, String systemId, Path dataDir) {}
