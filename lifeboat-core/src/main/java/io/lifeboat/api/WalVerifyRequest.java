package io.lifeboat.api;

/** The continuity of the WAL archive; {@code systemId} null for every cluster. Works with a writer key. */
public record WalVerifyRequest(String systemId) {}
