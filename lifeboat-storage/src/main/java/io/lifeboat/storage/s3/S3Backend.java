package io.lifeboat.storage.s3;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.ObjectNotFoundException;
import io.lifeboat.storage.PermanentStorageException;
import io.lifeboat.storage.Redaction;
import io.lifeboat.storage.internal.Streams;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Objects in an S3 bucket (AWS or S3-compatible) under a key prefix.
 *
 * <p>An object becomes visible only when its upload completed: a single PUT for objects up to the
 * multipart threshold, otherwise a multipart upload that is aborted on failure. Every request body
 * carries a Content-MD5 header, so the server rejects content damaged in transit. A killed process
 * can leave an incomplete multipart upload, invisible to {@link #list} but billed by some providers
 * until a bucket lifecycle rule removes it. Thread-safe.
 *
 * <p>It is long because it is one whole protocol driver: client setup, multipart uploads and error mapping
 * belong together.
 */
public final class S3Backend implements Backend {
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final int MAX_PARTS = 10_000;
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "BadDigest",
            "IncompleteBody",
            "InternalError",
            "OperationAborted",
            "RequestTimeout",
            "ServiceUnavailable",
            "SlowDown",
            "XAmzContentSHA256Mismatch");

    private final S3Config config;
    private final S3Client client;
    private final String keyPrefix;

    /** Connects lazily: creating the backend makes no request. */
    public S3Backend(S3Config config) {
        this.config = config;
        this.keyPrefix = config.prefix().isEmpty() ? "" : config.prefix() + "/";
        this.client = newClient(config);
    }

    private static S3Client newClient(S3Config config) {
        AwsCredentialsProvider credentials = config.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(
                        config.checksumsWhenRequired()
                                ? RequestChecksumCalculation.WHEN_REQUIRED
                                : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(
                        config.checksumsWhenRequired()
                                ? ResponseChecksumValidation.WHEN_REQUIRED
                                : ResponseChecksumValidation.WHEN_SUPPORTED);
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        if (config.apiCallAttemptTimeout() != null) {
            builder.overrideConfiguration(o -> o.apiCallAttemptTimeout(config.apiCallAttemptTimeout()));
        }
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        } else if (config.endpoint() != null) {
            builder.region(Region.US_EAST_1);
        }
        try {
            return builder.build();
        } catch (SdkException e) {
            throw new IllegalArgumentException(Redaction.redact(
                    "cannot set up the s3 client: " + e.getMessage() + "; set a region with s3.region or AWS_REGION"));
        }
    }

    public S3Config config() {
        return config;
    }

    /** A presigned GET of one object, valid for {@code ttl} (S3 allows at most 7 days). */
    @Override
    public Optional<java.net.URI> presignedUrl(String name, java.time.Duration ttl) {
        AwsCredentialsProvider credentials = config.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
        var builder = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .credentialsProvider(credentials)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(config.pathStyle())
                        .build());
        if (config.endpoint() != null) builder.endpointOverride(config.endpoint());
        if (config.region() != null) builder.region(Region.of(config.region()));
        else if (config.endpoint() != null) builder.region(Region.US_EAST_1);
        try (var presigner = builder.build()) {
            var request = presigner.presignGetObject(r -> r.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(config.bucket()).key(key(name))));
            return Optional.of(request.url().toURI());
        } catch (java.net.URISyntaxException | SdkException e) {
            throw new IllegalStateException(Redaction.redact("cannot presign " + name + ": " + e.getMessage()));
        }
    }

    @Override
    public String location() {
        StringBuilder sb = new StringBuilder("s3:");
        if (config.endpoint() != null) {
            sb.append(config.endpoint().getScheme())
                    .append("://")
                    .append(config.endpoint().getHost());
            if (config.endpoint().getPort() >= 0) {
                sb.append(':').append(config.endpoint().getPort());
            }
            sb.append('/');
        }
        sb.append(config.bucket());
        if (!config.prefix().isEmpty()) {
            sb.append('/').append(config.prefix());
        }
        return sb.toString();
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        String key = key(name);
        long length = source.length();
        if (length > config.multipartThreshold()) {
            saveInParts(name, key, source, length);
            return;
        }
        String md5 = md5Of(source, length);
        try (SourceStreams streams = new SourceStreams(source)) {
            client.putObject(
                    r -> r.bucket(config.bucket())
                            .key(key)
                            .contentLength(length)
                            .contentMD5(md5)
                            .contentType(CONTENT_TYPE),
                    RequestBody.fromContentProvider(streams, length, CONTENT_TYPE));
        } catch (SdkException e) {
            throw failure("save", name, e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void saveInParts(String name, String key, ContentSource source, long length) throws IOException {
        long partSize = Math.max(config.partSize(), (length + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(
                            r -> r.bucket(config.bucket()).key(key).contentType(CONTENT_TYPE))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("save", name, e);
        }
        try (InputStream in = source.open()) {
            byte[] buffer = new byte[(int) Math.min(partSize, length)];
            List<CompletedPart> parts = new ArrayList<>();
            long done = 0;
            for (int number = 1; done < length; number++) {
                int size = (int) Math.min(partSize, length - done);
                int read = in.readNBytes(buffer, 0, size);
                if (read < size) {
                    throw Streams.lengthMismatch(length, String.valueOf(done + read));
                }
                String md5 = base64Md5(buffer, size);
                int partNumber = number;
                UploadPartResponse response = client.uploadPart(
                        r -> r.bucket(config.bucket())
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .contentLength((long) size)
                                .contentMD5(md5),
                        RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(buffer, 0, size), size, CONTENT_TYPE));
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(response.eTag())
                        .build());
                done += size;
            }
            if (in.read() >= 0) {
                throw Streams.lengthMismatch(length, "more");
            }
            client.completeMultipartUpload(
                    r -> r.bucket(config.bucket()).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            try {
                client.abortMultipartUpload(
                        r -> r.bucket(config.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abortFailure) {
                e.addSuppressed(failure("abort upload of", name, abortFailure));
            }
            if (e instanceof SdkException sdk) {
                throw failure("save", name, sdk);
            }
            throw e;
        }
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        String key = key(name);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (length == 0) {
            if (stat(name).isEmpty()) {
                throw new ObjectNotFoundException(name);
            }
            return InputStream.nullInputStream();
        }
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(config.bucket()).key(key);
        if (offset > 0 || length > 0) {
            request.range("bytes=" + offset + "-" + (length > 0 ? String.valueOf(offset + length - 1) : ""));
        }
        try {
            return new ObjectStream(name, client.getObject(request.build()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                throw new ObjectNotFoundException(name);
            }
            if (e.statusCode() == 416) {
                // The range starts at or after the end: the object exists, nothing to read.
                return InputStream.nullInputStream();
            }
            throw failure("load", name, e);
        } catch (SdkException e) {
            throw failure("load", name, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        String key = key(name);
        try {
            HeadObjectResponse head =
                    client.headObject(r -> r.bucket(config.bucket()).key(key));
            return Optional.of(new ObjectInfo(name, head.contentLength()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return Optional.empty();
            }
            throw failure("stat", name, e);
        } catch (SdkException e) {
            throw failure("stat", name, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectNames.checkPrefix(prefix);
        List<ObjectInfo> result = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(
                            r -> r.bucket(config.bucket()).prefix(keyPrefix + prefix))
                    .contents()) {
                String name = object.key().substring(keyPrefix.length());
                if (ObjectNames.isValid(name)) {
                    result.add(new ObjectInfo(name, object.size()));
                }
            }
        } catch (SdkException e) {
            throw failure("list", prefix.isEmpty() ? "(all)" : prefix + "*", e);
        }
        return result;
    }

    @Override
    public void delete(String name) throws IOException {
        String key = key(name);
        try {
            client.deleteObject(r -> r.bucket(config.bucket()).key(key));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return;
            }
            throw failure("delete", name, e);
        } catch (SdkException e) {
            throw failure("delete", name, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return location();
    }

    private String key(String name) {
        return keyPrefix + ObjectNames.check(name);
    }

    private static boolean isNoSuchBucket(AwsServiceException e) {
        return e.awsErrorDetails() != null
                && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    /** Translates an SDK failure into a transient {@link IOException} or a permanent one. */
    private IOException failure(String operation, String name, SdkException e) {
        String message = "s3 " + operation + " " + name + " at " + location() + " failed: " + e.getMessage();
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorCode();
            if (status >= 500
                    || status == 429
                    || status == 408
                    || service.isThrottlingException()
                    || (code != null && TRANSIENT_CODES.contains(code))) {
                return new IOException(Redaction.redact(message), e);
            }
            String hint = switch (status) {
                case 403 -> "; check the access key, the secret key and the bucket's permissions";
                case 404 -> "; check that the bucket exists";
                case 301, 400 -> "; check the region and the endpoint";
                default -> "";
            };
            return new PermanentStorageException(message + hint, e);
        }
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            InterruptedIOException interrupted = new InterruptedIOException(Redaction.redact(message));
            interrupted.initCause(e);
            return interrupted;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return new IOException(Redaction.redact(message), io);
            }
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("credentials") || text.contains("Unable to load region")) {
            return new PermanentStorageException(
                    message + "; set s3.access-key and s3.secret-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                    e);
        }
        return new IOException(Redaction.redact(message), e);
    }

    private static String md5Of(ContentSource source, long length) throws IOException {
        MessageDigest md5 = newMd5();
        try (InputStream in = new DigestInputStream(source.open(), md5)) {
            Streams.copyExactly(in, OutputStream.nullOutputStream(), length);
        }
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    private static String base64Md5(byte[] buffer, int length) {
        MessageDigest md5 = newMd5();
        md5.update(buffer, 0, length);
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** Opens the source for the SDK, which may ask again on its own retries; closes what it opened. */
    private static final class SourceStreams implements ContentStreamProvider, AutoCloseable {
        private final ContentSource source;
        private InputStream last;

        SourceStreams(ContentSource source) {
            this.source = source;
        }

        @Override
        public synchronized InputStream newStream() {
            closeLast();
            try {
                last = source.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return last;
        }

        @Override
        public synchronized void close() {
            closeLast();
        }

        private void closeLast() {
            if (last != null) {
                try {
                    last.close();
                } catch (IOException e) {
                    // Nothing was lost: the upload already has or has not succeeded.
                }
                last = null;
            }
        }
    }

    /** Translates read failures, and aborts the connection when closed before the end. */
    private final class ObjectStream extends FilterInputStream {
        private final String name;
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean atEnd;

        ObjectStream(String name, ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.name = name;
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                atEnd |= b < 0;
                return b;
            } catch (SdkException e) {
                throw failure("load", name, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                atEnd |= n < 0;
                return n;
            } catch (SdkException e) {
                throw failure("load", name, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!atEnd) {
                response.abort();
            }
            try {
                super.close();
            } catch (SdkException e) {
                throw failure("load", name, e);
            }
        }
    }
}
