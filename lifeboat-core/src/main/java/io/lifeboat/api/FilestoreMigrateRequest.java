package io.lifeboat.api;

import java.util.List;
import java.util.Map;

/**
 * Moves a database's filestore between its local directory and a bucket ({@code lifeboat filestore
 * migrate}); see docs/object-storage.md.
 *
 * @param database the database, or null for the settings' database, else the only one there is
 * @param toBucket true: local files go to the bucket; false: bucket objects come back to the local filestore
 * @param bucket the bucket as a storage location ({@code s3:https://host/bucket/prefix}, {@code s3:bucket/prefix},
 *     a path for tests and local object mounts)
 * @param storageOptions storage options such as {@code s3.region}; credentials may also come from {@code
 *     AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * @param layout {@code plain} (store_fname unchanged, key {@code xx/<sha1>}) or {@code attachment_s3}
 *     (store_fname {@code s3://<bucket>/<sha1>}, key {@code <sha1>})
 * @param storeBucket for attachment_s3, the bucket name store_fname carries; null: the location's bucket
 * @param dryRun only count what would be done
 * @param maxId only attachments with an id up to this (null: all)
 * @param models only attachments of these res_model values (empty: all)
 * @param batchSize rows rewritten per transaction (null: 500)
 * @param jobs parallel transfers (null: 8)
 * @param verifyRead in phase 2, read back and hash every content, also those this run placed
 * @param keepLocal after a migration to the bucket, keep the local files
 * @param placeOnly stop after phase 1 (upload or download); a later run goes on
 */
public record FilestoreMigrateRequest(
        String database,
        boolean toBucket,
        String bucket,
        Map<String, String> storageOptions,
        String layout,
        String storeBucket,
        boolean dryRun,
        Long maxId,
        List<String> models,
        Integer batchSize,
        Integer jobs,
        boolean verifyRead,
        boolean keepLocal,
        boolean placeOnly) {
    public FilestoreMigrateRequest {
        storageOptions = storageOptions == null ? Map.of() : Map.copyOf(storageOptions);
        models = models == null ? List.of() : List.copyOf(models);
        if (layout == null) layout = "plain";
    }
}
