package io.lifeboat.storage.s3;

import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how {@link S3Backend} stores objects.
 *
 * @param endpoint service URL for S3-compatible stores (MinIO, B2, R2, Spaces...); {@code null} for
 *     AWS
 * @param region signing region; {@code null} means the SDK's default chain ({@code AWS_REGION},
 *     {@code ~/.aws/config}), or {@code us-east-1} when an endpoint is set
 * @param bucket the bucket, which must exist
 * @param prefix key prefix without leading or trailing {@code /}; empty stores at the bucket root
 * @param pathStyle address the bucket as {@code endpoint/bucket} rather than {@code
 *     bucket.endpoint}; most S3-compatible stores need it
 * @param accessKey access key id; {@code null} means the SDK's default chain (the standard {@code
 *     AWS_*} environment variables, {@code ~/.aws} files, profiles, instance roles)
 * @param secretKey secret access key, given together with {@code accessKey}; never shown
 * @param checksumsWhenRequired send and check the SDK's flexible checksums only when an operation
 *     requires them, as stores other than AWS often reject them; uploads are verified by Content-MD5
 *     either way
 * @param multipartThreshold objects larger than this many bytes are uploaded in parts
 * @param partSize bytes per part of a multipart upload (at least 5 MiB); one part is held in memory
 *     per running upload
 * @param apiCallAttemptTimeout the longest one HTTP attempt of a request may take before it is
 *     abandoned and retried (a transient failure); {@code null} for the SDK's default (none)
 */
public record S3Config(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        boolean checksumsWhenRequired,
        long multipartThreshold,
        long partSize,
        Duration apiCallAttemptTimeout) {

    /** The smallest part S3 accepts (except for the last part). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** The largest object a single upload may carry. */
    public static final long MAX_SINGLE_UPLOAD = 5L * 1024 * 1024 * 1024;

    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    public S3Config {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("s3 bucket is missing");
        }
        prefix = prefix == null ? "" : trimSlashes(prefix);
        if (!prefix.isEmpty() && !ObjectNames.isValid(prefix)) {
            throw new IllegalArgumentException("invalid s3 prefix '" + prefix + "': use letters, digits, '.', '_', '-'"
                    + " and single '/' separators, no segment starting with '.'");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("s3 access key and secret key must be given together");
        }
        if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(
                    "s3 part size must be between 5 MiB and 2 GiB, got " + partSize + " bytes");
        }
        if (multipartThreshold < 0 || multipartThreshold > MAX_SINGLE_UPLOAD) {
            throw new IllegalArgumentException(
                    "s3 multipart threshold must be between 0 and 5 GiB, got " + multipartThreshold + " bytes");
        }
        if (apiCallAttemptTimeout != null && (apiCallAttemptTimeout.isNegative() || apiCallAttemptTimeout.isZero())) {
            throw new IllegalArgumentException("s3 attempt timeout must be positive, got " + apiCallAttemptTimeout);
        }
        Redaction.addSecret(secretKey);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .endpoint(endpoint)
                .region(region)
                .bucket(bucket)
                .prefix(prefix)
                .pathStyle(pathStyle)
                .credentials(accessKey, secretKey)
                .checksumsWhenRequired(checksumsWhenRequired)
                .multipartThreshold(multipartThreshold)
                .partSize(partSize)
                .apiCallAttemptTimeout(apiCallAttemptTimeout);
    }

    /**
     * Parses {@code s3:https://host:port/bucket/prefix} (an S3-compatible store; path-style) or
     * {@code s3:bucket/prefix} (AWS). Options, all optional: {@code s3.region}, {@code
     * s3.access-key}, {@code s3.secret-key}, {@code s3.path-style} ({@code true}/{@code false}),
     * {@code s3.checksums} ({@code when-required}/{@code when-supported}; default when-required
     * with an endpoint, when-supported on AWS), {@code s3.multipart-threshold} and {@code
     * s3.part-size} (bytes, or with a {@code K}, {@code M}, {@code G} suffix, powers of 1024),
     * {@code s3.attempt-timeout} (whole seconds, e.g. {@code 30}: the longest one HTTP attempt may
     * take before it is abandoned and retried; default none).
     */
    public static S3Config parse(String location, Map<String, String> options) {
        if (!location.startsWith("s3:")) {
            throw new IllegalArgumentException("not an s3 location: " + Redaction.redact(location));
        }
        String rest = location.substring(3);
        Builder builder = builder();
        String path;
        if (rest.startsWith("http://") || rest.startsWith("https://")) {
            URI uri;
            try {
                uri = URI.create(rest);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid s3 location '" + Redaction.redact(location)
                        + "': expected s3:https://host:port/bucket/prefix");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "invalid s3 location '" + Redaction.redact(location) + "': the endpoint has no host");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("invalid s3 location '" + Redaction.redact(location)
                        + "': pass credentials as options or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, not in the URL");
            }
            builder.endpoint(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()))
                    .pathStyle(true)
                    .checksumsWhenRequired(true);
            path = uri.getPath() == null ? "" : uri.getPath();
        } else {
            path = rest;
        }
        path = trimSlashes(path);
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("invalid s3 location '" + Redaction.redact(location)
                    + "': no bucket; expected s3:https://host:port/bucket/prefix or s3:bucket/prefix");
        }
        builder.bucket(bucket).prefix(slash < 0 ? "" : path.substring(slash + 1));
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "s3.region" -> builder.region(value);
                case "s3.access-key" -> builder.accessKey = value;
                case "s3.secret-key" -> builder.secretKey = value;
                case "s3.path-style" -> builder.pathStyle(parseBoolean(option.getKey(), value));
                case "s3.checksums" ->
                    builder.checksumsWhenRequired(
                            switch (value.toLowerCase(Locale.ROOT)) {
                                case "when-required" -> true;
                                case "when-supported" -> false;
                                default ->
                                    throw new IllegalArgumentException("invalid value for s3.checksums: '" + value
                                            + "'; use when-required or when-supported");
                            });
                case "s3.multipart-threshold" -> builder.multipartThreshold(parseSize(option.getKey(), value));
                case "s3.part-size" -> builder.partSize(parseSize(option.getKey(), value));
                case "s3.attempt-timeout" -> builder.apiCallAttemptTimeout(parseSeconds(option.getKey(), value));
                default -> {
                    if (option.getKey().startsWith("s3.")) {
                        throw new IllegalArgumentException("unknown s3 option: " + option.getKey());
                    }
                }
            }
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "S3Config[endpoint=" + (endpoint == null ? "aws" : Redaction.redact(endpoint.toString()))
                + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix + ", pathStyle=" + pathStyle
                + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? "null" : Redaction.MASK)
                + ", checksumsWhenRequired=" + checksumsWhenRequired + ", multipartThreshold=" + multipartThreshold
                + ", partSize=" + partSize + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout + "]";
    }

    static long parseSize(String option, String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (!v.isEmpty()) {
            char last = v.charAt(v.length() - 1);
            unit = switch (last) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                default -> 1;
            };
            if (unit > 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(v.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "invalid size for " + option + ": '" + value + "'; use a number of bytes, e.g. 16M");
        }
    }

    private static Duration parseSeconds(String option, String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "invalid value for " + option + ": '" + value + "'; use a positive number of seconds, e.g. 30");
    }

    private static boolean parseBoolean(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default ->
                throw new IllegalArgumentException(
                        "invalid value for " + option + ": '" + value + "'; use true or false");
        };
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    /** Builds an {@link S3Config}; defaults: AWS, no prefix, virtual-host style, SDK credentials. */
    public static final class Builder {
        private URI endpoint;
        private String region;
        private String bucket;
        private String prefix = "";
        private boolean pathStyle;
        private String accessKey;
        private String secretKey;
        private boolean checksumsWhenRequired;
        private long multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
        private long partSize = DEFAULT_PART_SIZE;
        private Duration apiCallAttemptTimeout;

        private Builder() {}

        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Static credentials; both {@code null} selects the SDK's default chain. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        public Builder checksumsWhenRequired(boolean checksumsWhenRequired) {
            this.checksumsWhenRequired = checksumsWhenRequired;
            return this;
        }

        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = bytes;
            return this;
        }

        public Builder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        /** The longest one HTTP attempt may take; {@code null} for the SDK's default. */
        public Builder apiCallAttemptTimeout(Duration timeout) {
            this.apiCallAttemptTimeout = timeout;
            return this;
        }

        public S3Config build() {
            return new S3Config(
                    endpoint,
                    region,
                    bucket,
                    prefix,
                    pathStyle,
                    accessKey,
                    secretKey,
                    checksumsWhenRequired,
                    multipartThreshold,
                    partSize,
                    apiCallAttemptTimeout);
        }

        @Override
        public String toString() {
            return "S3Config.Builder[bucket=" + bucket + "]";
        }
    }
}
