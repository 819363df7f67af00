package io.lifeboat.api;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;

/**
 * What a restore drill found, as {@code lifeboat drill --json} prints it (docs/json.md, docs/drills.md).
 *
 * @param source the backup as messages name it
 * @param scratchDatabase the database the backup was restored into (a point-in-time drill: the database verified
 *     in the side copy)
 * @param passed whether every step succeeded and nothing was found missing, corrupt or different
 * @param startedAt when the drill started
 * @param finishedAt when it ended (after the removal)
 * @param rtoMillis from the start to a verified copy (restore and every verification step, the probe
 *     included), not counting the removal
 * @param rpoMillis {@code startedAt - pointTime}; null when the point time is unknown
 * @param pointTime the time of the newest recoverable point in the backup, or null
 * @param steps the steps taken, in order
 * @param counts what the verification counted
 * @param failures why the drill failed, one line each; empty exactly when it passed
 * @param removed whether the scratch database and filestore were removed
 */
public record DrillResult(
        String source,
        String scratchDatabase,
        boolean passed,
        @JsonSerialize(using = ToStringSerializer.class) Instant startedAt,
        @JsonSerialize(using = ToStringSerializer.class) Instant finishedAt,
        long rtoMillis,
        Long rpoMillis,
        @JsonSerialize(using = ToStringSerializer.class) Instant pointTime,
        List<Step> steps,
        Counts counts,
        List<String> failures,
        boolean removed) {

    public DrillResult {
        steps = List.copyOf(steps);
        failures = List.copyOf(failures);
    }

    /**
     * One step of the drill: {@code restore_database}, {@code restore_filestore}, {@code verify_base}, {@code
     * verify_rows}, {@code verify_files}, {@code probe}, {@code remove}; a point-in-time drill's: {@code recover},
     * {@code verify_base}, {@code verify_files}, {@code remove}.
     */
    public record Step(String name, long millis, boolean ok, String detail) {}

    /**
     * What the verification counted.
     *
     * @param baseInstalled whether module base is installed in the copy
     * @param users rows of {@code res_users}
     * @param referencedFiles distinct files the copy's attachments reference
     * @param presentFiles those present in the scratch filestore
     * @param missingFiles those missing
     * @param corruptFiles those whose content does not hash to their name (or whose size differs)
     * @param filesHashed how many files were hashed
     * @param sampled whether only a sample of the files was hashed
     * @param tables the row counts compared
     */
    public record Counts(
            boolean baseInstalled,
            long users,
            long referencedFiles,
            long presentFiles,
            long missingFiles,
            long corruptFiles,
            long filesHashed,
            boolean sampled,
            List<TableCount> tables) {

        public Counts {
            tables = List.copyOf(tables);
        }
    }

    /**
     * A table's rows in the copy compared with the backup's own record.
     *
     * @param table the table ({@code public.res_partner})
     * @param expected the rows the dump holds; null when the backup's format records none (custom and
     *     directory dumps)
     * @param actual the rows in the copy
     */
    public record TableCount(String table, Long expected, long actual) {}
}
