package io.lifeboat.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A surgical filestore repair ({@code lifeboat repair}): a fast check finds the files the database
 * references but the filestore lacks, the sources are searched for their content, and — only with
 * {@code apply} — the files are written (never overwriting, each verified by SHA-1, in re-checked
 * batches), orphans are moved to a quarantine when asked, and a fresh check proves the result.
 * Without {@code apply} nothing is written: the result is the plan.
 *
 * @param database the database, or null for the settings' database, else the only one there is
 * @param sources where content is looked for, in order: Odoo backup zips and directories (a filestore,
 *     an extracted backup, a data_dir)
 * @param fromRepository also look in every snapshot of the settings' repository (needs its secret key),
 *     after {@code sources}
 * @param apply write the missing files (and move orphans with {@code quarantineOrphans}); false: plan
 *     only
 * @param batchSize files placed between two re-checks (at least 1)
 * @param exportIrrecoverable also write the rows no source can restore to this file (CSV when it ends
 *     in {@code .csv}, otherwise JSON), or null
 * @param quarantineOrphans move files no row references into a quarantine directory (with {@code
 *     apply}); nothing is ever deleted
 * @param quarantineDir the quarantine's base directory, on the filestore's file system; null for
 *     {@code <data_dir>/filestore-quarantine/<database>}
 * @param bucket repair the filestore kept in this bucket instead of the local one: the missing objects of
 *     its layout are uploaded (no quarantine there); null: the local filestore
 */
public record RepairRequest(
        String database,
        List<Path> sources,
        boolean fromRepository,
        boolean apply,
        int batchSize,
        Path exportIrrecoverable,
        boolean quarantineOrphans,
        Path quarantineDir,
        BucketFilestore bucket) {

    /** A repair of the local filestore. */
    public RepairRequest(
            String database,
            List<Path> sources,
            boolean fromRepository,
            boolean apply,
            int batchSize,
            Path exportIrrecoverable,
            boolean quarantineOrphans,
            Path quarantineDir) {
        this(
                database,
                sources,
                fromRepository,
                apply,
                batchSize,
                exportIrrecoverable,
                quarantineOrphans,
                quarantineDir,
                null);
    }

    /** Files placed between two re-checks unless a request says otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 200;

    public RepairRequest {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** The plan for restoring {@code database}'s missing files from {@code sources}; nothing is written. */
    public static RepairRequest plan(String database, List<Path> sources) {
        return new RepairRequest(database, sources, false, false, DEFAULT_BATCH_SIZE, null, false, null);
    }

    /** This request, applied: the missing files are written. */
    public RepairRequest applied() {
        return new RepairRequest(
                database,
                sources,
                fromRepository,
                true,
                batchSize,
                exportIrrecoverable,
                quarantineOrphans,
                quarantineDir,
                bucket);
    }

    /** This request, repairing the filestore in {@code b}. */
    public RepairRequest inBucket(BucketFilestore b) {
        return new RepairRequest(
                database,
                sources,
                fromRepository,
                apply,
                batchSize,
                exportIrrecoverable,
                quarantineOrphans,
                quarantineDir,
                b);
    }
}
