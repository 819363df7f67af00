package io.lifeboat.api;

import io.lifeboat.LifeboatException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * One backup of one database: an Odoo zip, a pg_dump custom-format file, or a snapshot in the
 * repository of the facade's settings.
 *
 * @param database the database; null for the instance's database (the settings' database, else the
 *     only one there is)
 * @param target what to write
 * @param output the file to write (it must not exist); null with {@code stream} null for {@code
 *     <database>_<local time>.zip} (or {@code .dump}) in the working directory. Not for a snapshot.
 * @param stream where to write the zip or dump instead of a file (standard output), left open; or null
 * @param filestore which filestore files a zip or snapshot holds; a dump holds none
 * @param strict fail when a referenced file is missing, corrupt or unsafely named
 * @param level deflate level 1-9 of a zip's compressible entries
 * @param verify re-read a finished zip file before it is renamed into place
 * @param snapshotKind a snapshot's kind: {@code manual}, {@code scheduled} or {@code pre-restore}
 * @param snapshotInstance the instance name a snapshot is labelled with; null for this machine's name
 * @param tags a snapshot's tags
 * @param bucket the bucket holding the instance's files (rows of its layout are read from it, the plain
 *     layout falling back to the filestore directory), or null when all files are in the directory
 */
public record BackupRequest(
        String database,
        Target target,
        Path output,
        OutputStream stream,
        Filestore filestore,
        boolean strict,
        int level,
        boolean verify,
        String snapshotKind,
        String snapshotInstance,
        List<String> tags,
        BucketFilestore bucket) {

    /** A backup of an instance whose files are all in its filestore directory. */
    public BackupRequest(
            String database,
            Target target,
            Path output,
            OutputStream stream,
            Filestore filestore,
            boolean strict,
            int level,
            boolean verify,
            String snapshotKind,
            String snapshotInstance,
            List<String> tags) {
        this(
                database,
                target,
                output,
                stream,
                filestore,
                strict,
                level,
                verify,
                snapshotKind,
                snapshotInstance,
                tags,
                null);
    }

    /** What a backup writes. */
    public enum Target {
        /** An Odoo-standard zip: dump.sql, the filestore and manifest.json. */
        ZIP,
        /** A pg_dump custom-format file, no filestore. */
        DUMP,
        /** A deduplicated, encrypted snapshot in the repository. */
        SNAPSHOT
    }

    /** Which filestore files a backup holds. */
    public enum Filestore {
        /** Exactly the files the database references. */
        REFERENCED,
        /** The whole filestore directory, as Odoo copies it. */
        ALL,
        /** None: the database alone. */
        NONE
    }

    /** The deflate level of a zip when none is chosen. */
    public static final int DEFAULT_LEVEL = 3;

    public BackupRequest {
        if (target == null) target = Target.ZIP;
        if (filestore == null) filestore = Filestore.REFERENCED;
        if (snapshotKind == null) snapshotKind = "manual";
        tags = tags == null ? List.of() : List.copyOf(tags);
        if (output != null && stream != null) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "a backup goes to a file or to a stream, not both",
                    "Give either an output file or a stream.");
        }
        if (target == Target.SNAPSHOT && (output != null || stream != null)) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "a snapshot goes to the repository, not to a file",
                    "Write either a file or a snapshot.");
        }
    }

    /** An Odoo zip of {@code database} (null: the only one) with the referenced files, into {@code output}. */
    public static BackupRequest zip(String database, Path output) {
        return new BackupRequest(
                database, Target.ZIP, output, null, Filestore.REFERENCED, false, DEFAULT_LEVEL, true, null, null, null);
    }

    /** A pg_dump custom-format file of {@code database} (null: the only one), into {@code output}. */
    public static BackupRequest dump(String database, Path output) {
        return new BackupRequest(
                database, Target.DUMP, output, null, Filestore.NONE, false, DEFAULT_LEVEL, true, null, null, null);
    }

    /** A {@code manual} snapshot of {@code database} (null: the only one) with the referenced files. */
    public static BackupRequest snapshot(String database) {
        return new BackupRequest(
                database,
                Target.SNAPSHOT,
                null,
                null,
                Filestore.REFERENCED,
                false,
                DEFAULT_LEVEL,
                true,
                "manual",
                null,
                null);
    }

    /** This request writing to {@code stream} instead of a file. */
    public BackupRequest withStream(OutputStream s) {
        return new BackupRequest(
                database,
                target,
                null,
                s,
                filestore,
                strict,
                level,
                verify,
                snapshotKind,
                snapshotInstance,
                tags,
                bucket);
    }

    /** This request with another filestore mode. */
    public BackupRequest withFilestore(Filestore f) {
        return new BackupRequest(
                database,
                target,
                output,
                stream,
                f,
                strict,
                level,
                verify,
                snapshotKind,
                snapshotInstance,
                tags,
                bucket);
    }

    /** This request, strict or not. */
    public BackupRequest withStrict(boolean s) {
        return new BackupRequest(
                database,
                target,
                output,
                stream,
                filestore,
                s,
                level,
                verify,
                snapshotKind,
                snapshotInstance,
                tags,
                bucket);
    }

    /** This request with a snapshot's kind, instance name and tags. */
    public BackupRequest withSnapshotLabels(String kind, String instance, List<String> t) {
        return new BackupRequest(
                database, target, output, stream, filestore, strict, level, verify, kind, instance, t, bucket);
    }

    /** This request reading the files of {@code b}'s layout from that bucket. */
    public BackupRequest withBucket(BucketFilestore b) {
        return new BackupRequest(
                database,
                target,
                output,
                stream,
                filestore,
                strict,
                level,
                verify,
                snapshotKind,
                snapshotInstance,
                tags,
                b);
    }
}
