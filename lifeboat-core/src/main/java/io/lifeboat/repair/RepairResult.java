package io.lifeboat.repair;

import java.util.List;

/**
 * What applying a plan did.
 *
 * @param placed files written (verified before and after placing)
 * @param present files skipped because a file of that name already existed (never overwritten)
 * @param failed files that could not be restored, with the reason
 * @param bytes bytes written
 * @param batches batches applied, each re-checked
 */
public record RepairResult(List<Placed> placed, List<String> present, List<Failed> failed, long bytes, int batches) {
    public RepairResult {
        placed = List.copyOf(placed);
        present = List.copyOf(present);
        failed = List.copyOf(failed);
    }

    /** A file written, from {@code source}. */
    public record Placed(String relative, long size, String source) {}

    /** A file not restored; {@code reason} says why (every source tried). */
    public record Failed(String relative, String reason) {}
}
