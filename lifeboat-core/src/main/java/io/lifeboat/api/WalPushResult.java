package io.lifeboat.api;

/**
 * @param outcome {@code stored} or {@code already-archived}
 */
public record WalPushResult(String systemId, String name, String outcome, long bytes, double seconds) {}
