package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BucketFilestore;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options naming a filestore kept in a bucket ({@code --bucket} and its companions). */
final class BucketOptions {

    @Option(
            names = "--bucket",
            paramLabel = "LOCATION",
            description = "The instance's files are in this bucket: s3:https://host:port/bucket/prefix or"
                    + " s3:bucket/prefix (see docs/object-storage.md).")
    String bucket;

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

    /** The bucket filestore, or null without --bucket; companions without --bucket are a usage error. */
    BucketFilestore filestore() {
        if (bucket == null) {
            if (layout != null || storeBucket != null || !options.isEmpty()) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "--layout, --store-bucket and --bucket-option apply to --bucket",
                        "Give the bucket with --bucket LOCATION.");
            }
            return null;
        }
        return new BucketFilestore(bucket, options, layout, storeBucket);
    }
}
