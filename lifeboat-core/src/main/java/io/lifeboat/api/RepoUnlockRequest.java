package io.lifeboat.api;

/**
 * List a repository's locks and remove the stale ones: locks of processes that ended on this machine, or
 * not refreshed for 30 minutes. Live locks are never removed. Works with a writer key.
 */
public record RepoUnlockRequest() {}
