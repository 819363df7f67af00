package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import io.lifeboat.LifeboatException;
import java.util.List;

/**
 * What a restore did ({@link #restored()}) or, for a dry run, what it would do ({@link #plan()}): exactly
 * one of the two is set, and the result serializes as that one, as {@code lifeboat restore --json}
 * prints it (docs/json.md).
 */
public record RestoreResult(Restored restored, Plan plan) {

    public RestoreResult {
        if ((restored == null) == (plan == null)) {
            throw new IllegalArgumentException("a restore result is either a restore or a plan");
        }
    }

    public static RestoreResult of(Restored restored) {
        return new RestoreResult(restored, null);
    }

    public static RestoreResult of(Plan plan) {
        return new RestoreResult(null, plan);
    }

    /** Whether this is the plan of a dry run. */
    public boolean dryRun() {
        return plan != null;
    }

    /** The restore's warnings (none for a plan). */
    public List<String> warnings() {
        return restored == null ? List.of() : restored.warnings();
    }

    /** What the result serializes as. */
    @JsonValue
    public Object json() {
        return restored != null ? restored : plan;
    }

    /**
     * A restore that took place.
     *
     * @param source the source as messages name it (a path, "standard input", a snapshot)
     * @param target the restored database
     * @param mode {@code full}, {@code db-only} or {@code filestore-only}
     * @param copy whether the database was given a new identity
     * @param neutralized whether it was neutralized
     * @param neutralization the neutralization steps taken
     * @param newDatabaseUuid the new database.uuid of a copy, else null
     * @param dumpFormat {@code plain}, {@code custom} or {@code directory}; null without a dump
     * @param owner the role that owns the restored database (null when only the filestore was restored)
     * @param isolated whether the dump was loaded as a throw-away role that owned nothing else
     * @param files files placed in the filestore
     * @param fileBytes their size
     * @param rollbackDatabase the name the replaced database now has (rollback point), or null
     * @param rollbackFilestore the path the replaced filestore now has (rollback point), or null
     * @param notes what the caller should know that is not a problem
     * @param dumpRows the rows the dump holds per table ({@code public.res_partner}: its COPY rows), counted
     *     while a plain dump (an Odoo zip's {@code dump.sql}) was loaded; null for a custom or directory dump
     *     and when only the filestore was restored
     */
    public record Restored(
            String source,
            String target,
            String mode,
            boolean copy,
            boolean neutralized,
            List<String> neutralization,
            String newDatabaseUuid,
            String dumpFormat,
            String owner,
            boolean isolated,
            long files,
            long fileBytes,
            long loadMillis,
            long filestoreMillis,
            long totalMillis,
            String rollbackDatabase,
            String rollbackFilestore,
            Verification verification,
            List<String> warnings,
            List<String> notes,
            java.util.Map<String, Long> dumpRows) {

        public Restored {
            neutralization = List.copyOf(neutralization);
            warnings = List.copyOf(warnings);
            notes = List.copyOf(notes);
            dumpRows = dumpRows == null
                    ? null
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dumpRows));
        }
    }

    /**
     * What the verification of the restored data found.
     *
     * @param baseInstalled whether module base is installed
     * @param users the number of users
     * @param filesChecked whether referenced files were compared with a filestore (not for a
     *     database-only restore next to no filestore)
     * @param missing the first 1000 missing store_fnames
     * @param missingAttachmentIds the first 1000 ids of attachments whose file is missing
     */
    public record Verification(
            boolean baseInstalled,
            long users,
            boolean filesChecked,
            long referencedFiles,
            long presentFiles,
            long missingFiles,
            long corruptFiles,
            List<String> missing,
            List<Long> missingAttachmentIds) {

        public Verification {
            missing = List.copyOf(missing);
            missingAttachmentIds = List.copyOf(missingAttachmentIds);
        }
    }

    /**
     * What a restore would do; nothing was changed.
     *
     * @param dryRun always true
     * @param copy whether the database would be given a new identity
     * @param replacesDatabase the existing database that would become a rollback point, or null
     * @param replacesFilestore the existing filestore that would become a rollback point, or null
     * @param refused why the restore would be refused, or null
     * @param refusal the kind of failure the restore would end with ({@code CONFLICT} when the target
     *     exists); null when it would not be refused
     */
    public record Plan(
            boolean dryRun,
            String source,
            String dumpFormat,
            String target,
            String mode,
            boolean copy,
            boolean neutralize,
            boolean replace,
            String replacesDatabase,
            String replacesFilestore,
            String refused,
            @JsonIgnore LifeboatException.Kind refusal) {}
}
