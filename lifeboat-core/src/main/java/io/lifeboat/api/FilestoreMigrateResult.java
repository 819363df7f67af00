package io.lifeboat.api;

import java.util.List;

/**
 * What {@code lifeboat filestore migrate} found and did. Counts are of distinct contents (files) unless
 * they say rows.
 *
 * @param database the database
 * @param direction {@code to-bucket} or {@code to-local}
 * @param layout the bucket's layout, e.g. {@code plain} or {@code attachment_s3 (bucket b)}
 * @param bucket the bucket's location (no secrets)
 * @param dryRun nothing was changed
 * @param phase how far the run went: {@code planned} (dry run), {@code placed} (phase 1 only) or {@code
 *     complete}
 * @param rowsInScope attachment rows with a store_fname in scope
 * @param rowsToRewrite rows whose store_fname the migration rewrites
 * @param rowsAlreadyMigrated rows already in the target's layout
 * @param rowsOtherForm rows in neither layout (another storage, unsafe values): left alone
 * @param contents distinct contents the rows in the source layout name
 * @param placed contents copied to the target (to be copied, in a dry run)
 * @param placedBytes their bytes
 * @param alreadyThere contents the target already had
 * @param missingSource contents found neither at the source nor at the target (first 100)
 * @param missingSourceCount how many
 * @param corruptSource contents whose source does not hash to their name: not migrated (first 100)
 * @param corruptSourceCount how many
 * @param conflicts contents at the target with another size than the source (first 100)
 * @param conflictCount how many
 * @param verified contents verified at the target in phase 2
 * @param readBack of those, how many were read back and hashed
 * @param verifyFailed contents that failed verification, with the reason (first 100)
 * @param verifyFailedCount how many
 * @param rowsRewritten rows rewritten to the target layout
 * @param rowsChanged rows that changed since they were read, left as they are
 * @param localRemoved local files removed after they were verified in the bucket
 * @param localRemovedBytes their bytes
 * @param localKeptInUse local files kept because a row still names them locally
 * @param placeSeconds time of phase 1
 * @param seconds time of the whole run
 * @param journal the state file of the migration, or null for a dry run
 */
public record FilestoreMigrateResult(
        String database,
        String direction,
        String layout,
        String bucket,
        boolean dryRun,
        String phase,
        long rowsInScope,
        long rowsToRewrite,
        long rowsAlreadyMigrated,
        long rowsOtherForm,
        long contents,
        long placed,
        long placedBytes,
        long alreadyThere,
        List<String> missingSource,
        long missingSourceCount,
        List<String> corruptSource,
        long corruptSourceCount,
        List<String> conflicts,
        long conflictCount,
        long verified,
        long readBack,
        List<String> verifyFailed,
        long verifyFailedCount,
        long rowsRewritten,
        long rowsChanged,
        long localRemoved,
        long localRemovedBytes,
        long localKeptInUse,
        double placeSeconds,
        double seconds,
        String journal) {
    public FilestoreMigrateResult {
        missingSource = List.copyOf(missingSource);
        corruptSource = List.copyOf(corruptSource);
        conflicts = List.copyOf(conflicts);
        verifyFailed = List.copyOf(verifyFailed);
    }

    /** Whether some content could not be migrated (its rows were left as they are). */
    public boolean hasProblems() {
        return missingSourceCount + corruptSourceCount + conflictCount + verifyFailedCount > 0;
    }
}
