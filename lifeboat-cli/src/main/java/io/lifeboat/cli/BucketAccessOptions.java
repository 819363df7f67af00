package io.lifeboat.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How to reach a bucket and how its filestore is laid out: the companions of a bucket location. */
final class BucketAccessOptions {

    @Option(
            names = "--bucket-option",
            paramLabel = "KEY=VALUE",
            description = "Storage option of the bucket, e.g. s3.region=eu-west-1 (repeatable; credentials also from"
                    + " AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
            names = "--layout",
            paramLabel = "LAYOUT",
            description = "Layout of the bucket: plain (key = store_fname, xx/<sha1>; default) or attachment_s3"
                    + " (store_fname s3://<bucket>/<sha1>, key <sha1>).")
    String layout;

    @Option(
            names = "--store-bucket",
            paramLabel = "NAME",
            description = "attachment_s3: the bucket name store_fname carries (default: the bucket of the location).")
    String storeBucket;

    /** Whether any of these options was given. */
    boolean given() {
        return layout != null || storeBucket != null || !options.isEmpty();
    }
}
