package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Write a writer key file for backup machines (for example to replace a lost one). Needs the secret key.
 *
 * @param output the file to write; never overwritten
 */
public record RepoWriterKeyRequest(Path output) {}
