package io.lifeboat.repository;

/**
 * @param repackThreshold a pack whose unused bytes exceed this fraction of its size is rewritten
 * @param dryRun only report what would be done
 */
public record PruneOptions(double repackThreshold, boolean dryRun) {
    public static final PruneOptions DEFAULT = new PruneOptions(0.10, false);

    public PruneOptions {
        if (repackThreshold < 0 || repackThreshold > 1) throw new IllegalArgumentException("repackThreshold in [0,1]");
    }
}
