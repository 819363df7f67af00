package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BucketFilestore;
import io.lifeboat.api.FilestoreMigrateRequest;
import io.lifeboat.api.FilestoreMigrateResult;
import io.lifeboat.api.Observer;
import io.lifeboat.filestore.BackendFilestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.objectstore.FilestoreMigration;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.Backends;
import io.lifeboat.storage.Redaction;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.s3.S3Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Filestores in object storage: the two-phase migration between a database's local filestore and a
 * bucket ({@link FilestoreMigration}), and the bucket filestores other use cases read. See {@link
 * io.lifeboat.Lifeboat} and docs/object-storage.md.
 */
public final class ObjectStorage {
    private final Context context;

    public ObjectStorage(Context context) {
        this.context = context;
    }

    /** Migrates the filestore to or from the bucket; see {@link FilestoreMigrateRequest}. */
    public FilestoreMigrateResult migrate(FilestoreMigrateRequest r, Observer observer) {
        Reporting progress = new Reporting(observer);
        progress.checkCancelled();
        Context.Target t = context.resolve(r.database());
        try (Backend raw = open(r.bucket(), r.storageOptions())) {
            Backend backend = new RetryingBackend(raw, RetryPolicy.defaults());
            AttachmentLayout layout = layout(r.layout(), r.storeBucket(), raw);
            BackendFilestore bucket = bucketFilestore(backend, layout);
            LocalFilestore local = new LocalFilestore(t.filestore()).withOwnershipOfRoot();
            if (r.toBucket()) context.requireFilestore(t);
            FilestoreMigration.Options options = new FilestoreMigration.Options(
                    r.toBucket() ? FilestoreMigration.Direction.TO_BUCKET : FilestoreMigration.Direction.TO_LOCAL,
                    layout,
                    r.dryRun(),
                    r.maxId(),
                    r.models(),
                    r.batchSize() == null ? 500 : r.batchSize(),
                    r.jobs() == null ? 8 : r.jobs(),
                    r.verifyRead(),
                    r.keepLocal(),
                    r.placeOnly());
            Path journal = stateDirectory(t).resolve("migrate-" + t.database() + ".journal");
            FilestoreMigration.Report m = FilestoreMigration.run(
                    t.connection(), t.database(), local, bucket, options, journal, progress, progress::checkCancelled);
            return new FilestoreMigrateResult(
                    t.database(),
                    r.toBucket() ? "to-bucket" : "to-local",
                    m.layout,
                    bucket.location(),
                    m.dryRun,
                    m.phase,
                    m.rowsInScope,
                    m.rowsToRewrite,
                    m.rowsAlreadyMigrated,
                    m.rowsOtherForm,
                    m.contents,
                    m.placed,
                    m.placedBytes,
                    m.alreadyThere,
                    m.missingSource,
                    m.missingSourceCount,
                    m.corruptSource,
                    m.corruptSourceCount,
                    m.conflicts,
                    m.conflictCount,
                    m.verified,
                    m.readBack,
                    m.verifyFailed,
                    m.verifyFailedCount,
                    m.rowsRewritten,
                    m.rowsChanged,
                    m.sourceRemoved,
                    m.sourceRemovedBytes,
                    m.sourceKeptInUse,
                    m.placeSeconds,
                    m.seconds,
                    m.journal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <data_dir>/lifeboat}, where Lifeboat keeps per-database state. */
    static Path stateDirectory(Context.Target t) {
        Path dataDir = t.dataDir() != null
                ? t.dataDir()
                : t.filestore().toAbsolutePath().getParent().getParent();
        return dataDir.resolve("lifeboat");
    }

    /**
     * An open bucket filestore: the bare backend (closed with it), the layout, and the filestore over the
     * backend wrapped to retry transient failures.
     */
    public record Bucket(Backend raw, AttachmentLayout layout, BackendFilestore filestore) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /** Opens the bucket filestore {@code b} describes. */
    public static Bucket open(BucketFilestore b) throws IOException {
        Backend raw = open(b.location(), b.options());
        try {
            AttachmentLayout layout = layout(b.layout(), b.storeBucket(), raw);
            return new Bucket(raw, layout, bucketFilestore(new RetryingBackend(raw, RetryPolicy.defaults()), layout));
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * The name of the bucket the objects are in: the S3 bucket of the location, else the name attachment_s3
     * rows carry; null when neither is known.
     */
    static String bucketName(Bucket b) {
        if (b.raw() instanceof S3Backend s3) return s3.config().bucket();
        return b.layout().bucket();
    }

    /** Opens a bucket location (bare: wrap it in a {@link RetryingBackend}). */
    static Backend open(String location, Map<String, String> options) throws IOException {
        if (location == null || location.isBlank()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no bucket given",
                    "Give the bucket, e.g. --bucket s3:https://host:9000/bucket/prefix.");
        }
        try {
            return Backends.open(location, options);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(
                    Kind.USAGE, Redaction.redact(e.getMessage()), "Check --bucket and --bucket-option.", e);
        }
    }

    /** The layout named {@code label}; attachment_s3's bucket name defaults to the S3 location's bucket. */
    static AttachmentLayout layout(String label, String storeBucket, Backend backend) {
        AttachmentLayout.Kind kind = AttachmentLayout.Kind.of(label)
                .orElseThrow(() ->
                        new LifeboatException(Kind.USAGE, "unknown layout: " + label, "Use plain or attachment_s3."));
        if (kind == AttachmentLayout.Kind.PLAIN) return AttachmentLayout.plain();
        String name = storeBucket;
        if (name == null && backend instanceof S3Backend s3) name = s3.config().bucket();
        if (name == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "the attachment_s3 layout needs the bucket name its store_fname values carry",
                    "Give --store-bucket NAME (taken from an s3: location otherwise).");
        }
        try {
            return AttachmentLayout.attachmentS3(name);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(Kind.USAGE, e.getMessage(), "Give a valid bucket name with --store-bucket.");
        }
    }

    /** The filestore of {@code layout} at the backend's root (its location's prefix). */
    static BackendFilestore bucketFilestore(Backend backend, AttachmentLayout layout) {
        return layout.kind() == AttachmentLayout.Kind.PLAIN
                ? new BackendFilestore(backend, "")
                : BackendFilestore.flat(backend, "", null);
    }
}
