package io.lifeboat.api;

/**
 * What to do with what interrupted or killed runs left behind.
 *
 * @param dryRun only list what would be removed
 * @param force also remove leftovers of unknown origin (no record of the run that made them)
 */
public record CleanupRequest(boolean dryRun, boolean force) {}
