package io.lifeboat.api;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.util.List;

/**
 * What a repair found, planned and (when applied) did.
 *
 * @param before the fast check the plan is based on
 * @param plan what can be restored and from where, and what cannot
 * @param orphans the orphans a quarantine moves (when asked for), else empty
 * @param applied whether the plan was applied; false: nothing was written
 * @param result what applying did, or null when not applied
 * @param quarantine what the quarantine moved, or null when not applied or not asked for
 * @param after the check after applying, or null when not applied
 */
public record RepairResult(
        CheckResult before,
        Plan plan,
        List<CheckFinding> orphans,
        boolean applied,
        Applied result,
        Quarantine quarantine,
        CheckResult after) {

    public RepairResult {
        orphans = List.copyOf(orphans);
    }

    /** Whether no problem remains: after applying, per the check after; else per the check before. */
    public boolean clean() {
        return applied ? after.clean() : before.clean();
    }

    /**
     * What a repair would do: the missing files it can restore and from where, and the rows whose
     * content no source holds.
     *
     * @param files files to restore, sorted by path
     * @param bytes their total size per {@code file_size}
     * @param irrecoverable the missing-file findings (one per row) no source can satisfy
     * @param sources descriptions of the sources searched, in order
     */
    public record Plan(
            String database,
            String filestore,
            List<PlannedFile> files,
            long bytes,
            List<CheckFinding> irrecoverable,
            List<String> sources) {

        public Plan {
            files = List.copyOf(files);
            irrecoverable = List.copyOf(irrecoverable);
            sources = List.copyOf(sources);
        }

        /** Distinct files no source holds. */
        public long irrecoverableFiles() {
            return irrecoverable.stream()
                    .map(CheckFinding::storeFname)
                    .distinct()
                    .count();
        }
    }

    /**
     * A missing file the plan can restore.
     *
     * @param relative its path in the filestore, {@code xx/<sha1>}
     * @param size the size its rows record ({@code file_size}), or -1 when unknown
     * @param source description of the first source that holds it
     * @param rowIds the {@code ir_attachment} rows waiting for it
     * @param models their {@code res_model}s, distinct, sorted
     */
    public record PlannedFile(
            String sha1, String relative, long size, String source, List<Long> rowIds, List<String> models) {
        public PlannedFile {
            rowIds = List.copyOf(rowIds);
            models = List.copyOf(models);
        }
    }

    /**
     * What applying the plan did.
     *
     * @param placed files written (verified before and after placing)
     * @param present files skipped because a file of that name already existed (never overwritten)
     * @param failed files that could not be restored, with the reason
     * @param bytes bytes written
     * @param batches batches applied, each re-checked
     */
    public record Applied(List<Placed> placed, List<String> present, List<Failed> failed, long bytes, int batches) {
        public Applied {
            placed = List.copyOf(placed);
            present = List.copyOf(present);
            failed = List.copyOf(failed);
        }
    }

    /** A file written, from {@code source}. */
    public record Placed(String relative, long size, String source) {}

    /** A file not restored; {@code reason} says why (every source tried). */
    public record Failed(String relative, String reason) {}

    /**
     * What the quarantine of orphans did.
     *
     * @param directory the new quarantine directory, or null when there was nothing to move
     * @param manifest its {@code manifest.json}, which moving back reads, or null
     * @param moved the files moved
     * @param kept orphans left in place: referenced again or changed since the check
     * @param bytes bytes moved
     */
    public record Quarantine(
            @JsonSerialize(using = ToStringSerializer.class) Path directory,
            @JsonSerialize(using = ToStringSerializer.class) Path manifest,
            List<QuarantinedFile> moved,
            List<String> kept,
            long bytes) {
        public Quarantine {
            moved = List.copyOf(moved);
            kept = List.copyOf(kept);
        }
    }

    /** One quarantined file: {@code relative} is {@code xx/<sha1>} in both the filestore and the quarantine. */
    public record QuarantinedFile(String relative, long size, boolean markedForGc) {}
}
