package io.lifeboat.api;

import java.util.Map;

/**
 * A filestore kept in a bucket by an Odoo object-storage module (see docs/object-storage.md).
 *
 * @param location the bucket as a storage location: {@code s3:https://host:port/bucket/prefix} or {@code
 *     s3:bucket/prefix} (AWS)
 * @param options storage options such as {@code s3.region}; credentials may also come from {@code
 *     AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * @param layout {@code plain} (the key is store_fname, {@code xx/<sha1>}) or {@code attachment_s3}
 *     (store_fname {@code s3://<bucket>/<sha1>}, key {@code <sha1>}); null: plain
 * @param storeBucket for attachment_s3, the bucket name store_fname carries; null: the location's bucket
 */
public record BucketFilestore(String location, Map<String, String> options, String layout, String storeBucket) {
    public BucketFilestore {
        options = options == null ? Map.of() : Map.copyOf(options);
        if (layout == null) layout = "plain";
    }
}
