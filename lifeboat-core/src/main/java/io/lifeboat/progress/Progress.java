package io.lifeboat.progress;

/**
 * Receives progress of a long-running operation. The core reports; front ends render (a terminal
 * bar, server-sent events). Implementations must be thread-safe: several workers report at once.
 */
public interface Progress {

    /** Ignores everything. */
    Progress NONE = new Progress() {};

    /** A new phase begins, e.g. "dump database"; {@code total} is in {@code unit}s, or -1 if unknown. */
    default void phase(String name, long total, String unit) {}

    /** {@code amount} more units of the current phase are done. */
    default void advance(long amount) {}

    /** A safe point: throws when the operation was cancelled (a cancellation token tripped). */
    default void checkCancelled() {}

    /** A warning worth showing now (it is also part of the final report). */
    default void warn(String message) {}
}
