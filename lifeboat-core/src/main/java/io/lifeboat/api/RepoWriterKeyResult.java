package io.lifeboat.api;

/** @param writerKey the absolute path of the writer key file written */
public record RepoWriterKeyResult(String writerKey) {}
