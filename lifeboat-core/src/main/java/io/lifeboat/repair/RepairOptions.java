package io.lifeboat.repair;

/**
 * How to apply a plan.
 *
 * @param batchSize files placed between two re-checks (at least 1)
 */
public record RepairOptions(int batchSize) {
    public RepairOptions {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1");
    }

    public static RepairOptions defaults() {
        return new RepairOptions(200);
    }
}
