package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BucketFilestore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options naming a filestore kept in a bucket ({@code --bucket} and its companions). */
final class BucketOptions {

    @Option(
            names = "--bucket",
            paramLabel = "LOCATION",
            description = "The instance's files are in this bucket: s3:https://host:port/bucket/prefix or"
                    + " s3:bucket/prefix (see docs/object-storage.md).")
    String bucket;

    @Mixin
    BucketAccessOptions access;

    /** The bucket filestore, or null without --bucket; companions without --bucket are a usage error. */
    BucketFilestore filestore() {
        if (bucket == null) {
            if (access.given()) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "--layout, --store-bucket and --bucket-option apply to --bucket",
                        "Give the bucket with --bucket LOCATION.");
            }
            return null;
        }
        return new BucketFilestore(bucket, access.options, access.layout, access.storeBucket);
    }
}
