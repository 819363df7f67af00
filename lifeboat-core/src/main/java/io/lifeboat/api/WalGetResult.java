package io.lifeboat.api;

public record WalGetResult(String systemId, String name, long bytes) {}
