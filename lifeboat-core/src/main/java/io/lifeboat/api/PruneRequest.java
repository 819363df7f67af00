package io.lifeboat.api;

/**
 * Delete repository data that no snapshot uses. Needs the secret key.
 *
 * @param repackThreshold rewrite packs with more than this share of unused bytes, in percent (0 to 100)
 * @param dryRun only report what would be deleted
 */
public record PruneRequest(double repackThreshold, boolean dryRun) {

    /** The default threshold, in percent. */
    public static final double DEFAULT_REPACK_THRESHOLD = 10;

    public static PruneRequest defaults() {
        return new PruneRequest(DEFAULT_REPACK_THRESHOLD, false);
    }
}
