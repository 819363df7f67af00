package io.lifeboat.api;

import java.nio.file.Path;

/**
 * A read-only comparison of a database's {@code ir_attachment} rows with its filestore ({@code lifeboat
 * check}).
 *
 * @param database the database, or null for the settings' database, else the only one there is
 * @param deep also hash every file (reads all content; otherwise existence and size are compared)
 * @param jobs threads for listing and hashing files (at least 1 is used), or null for one per processor
 * @param metricsFile also write the result as Prometheus metrics to this file (replaced atomically),
 *     or null; not written when the check fails to run
 * @param bucket check the filestore kept in this bucket instead of the local one (the rows of its layout);
 *     null: the local filestore
 */
public record CheckRequest(String database, boolean deep, Integer jobs, Path metricsFile, BucketFilestore bucket) {

    /** A check of the local filestore. */
    public CheckRequest(String database, boolean deep, Integer jobs, Path metricsFile) {
        this(database, deep, jobs, metricsFile, null);
    }

    /** A fast check of {@code database} (null: the only one), one thread per processor, no metrics. */
    public static CheckRequest of(String database) {
        return new CheckRequest(database, false, null, null);
    }

    public CheckRequest withDeep(boolean deep) {
        return new CheckRequest(database, deep, jobs, metricsFile, bucket);
    }

    /** The same check against the filestore in {@code bucket}. */
    public CheckRequest inBucket(BucketFilestore b) {
        return new CheckRequest(database, deep, jobs, metricsFile, b);
    }
}
