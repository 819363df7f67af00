package io.lifeboat.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * A read-only comparison of a database's {@code ir_attachment} rows with its filestore ({@code lifeboat
 * check}).
 *
 * @param database the database, or null for the settings' database, else the only one there is
 * @param deep also hash every file (reads all content; otherwise existence and size are compared)
 * @param jobs threads for listing and hashing files (at least 1 is used), or null for one per processor
 * @param metricsFile also write the result as Prometheus metrics to this file (replaced atomically),
 *     or null; not written when the check fails to run
 * @param bucket check the filestore kept in this bucket (a storage location such as {@code
 *     s3:https://host/bucket/prefix}) instead of the local one; null: the local filestore
 * @param bucketOptions storage options of the bucket
 * @param layout the bucket's layout: {@code plain} or {@code attachment_s3}
 * @param storeBucket for attachment_s3, the bucket name store_fname carries (null: the location's)
 */
public record CheckRequest(
        String database,
        boolean deep,
        Integer jobs,
        Path metricsFile,
        String bucket,
        Map<String, String> bucketOptions,
        String layout,
        String storeBucket) {

    public CheckRequest {
        bucketOptions = bucketOptions == null ? Map.of() : Map.copyOf(bucketOptions);
        if (layout == null) layout = "plain";
    }

    /** A check of the local filestore. */
    public CheckRequest(String database, boolean deep, Integer jobs, Path metricsFile) {
        this(database, deep, jobs, metricsFile, null, Map.of(), "plain", null);
    }

    /** A fast check of {@code database} (null: the only one), one thread per processor, no metrics. */
    public static CheckRequest of(String database) {
        return new CheckRequest(database, false, null, null);
    }

    public CheckRequest withDeep(boolean deep) {
        return new CheckRequest(database, deep, jobs, metricsFile, bucket, bucketOptions, layout, storeBucket);
    }

    /** The same check against the filestore in {@code bucket} (a storage location), of {@code layout}. */
    public CheckRequest inBucket(String bucket, Map<String, String> options, String layout, String storeBucket) {
        return new CheckRequest(database, deep, jobs, metricsFile, bucket, options, layout, storeBucket);
    }
}
