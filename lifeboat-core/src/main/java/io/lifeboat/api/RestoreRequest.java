package io.lifeboat.api;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A restore: what to restore, into which database, and how. Everything is restored aside and verified
 * before it takes the target's name (docs/restore.md).
 *
 * @param source the backup to restore
 * @param database the target database; null: the {@code db_name} of the backup's manifest
 * @param mode the whole backup, only its database, or only its filestore
 * @param copy whether to give the restored database a new identity (database.uuid, database.secret,
 *     database.create_date); null: when the target name differs from the backup's
 * @param neutralize neutralize the copy (scheduled actions, mail servers, payment providers and carriers)
 * @param jobs parallel jobs (pg_restore jobs, filestore workers)
 * @param replace replace an existing database and filestore, keeping them as a rollback point
 * @param strict fail, changing nothing, when referenced files are missing or corrupt
 * @param allowSuperuser allow loading the dump as a superuser role
 * @param trustedDump load the dump as the connecting role instead of a throw-away role that owns nothing
 *     else: only for backups the caller trusts
 * @param owner the role that owns the restored database; null: the owner of the database being replaced,
 *     else the connecting role
 * @param dryRun only plan: say what would be done and change nothing
 * @param bucket restore the files into this bucket (in its layout) instead of the data_dir; a full restore
 *     only; a copy whose backup names that bucket is refused; null: the data_dir
 */
public record RestoreRequest(
        Source source,
        String database,
        Mode mode,
        Boolean copy,
        boolean neutralize,
        int jobs,
        boolean replace,
        boolean strict,
        boolean allowSuperuser,
        boolean trustedDump,
        String owner,
        boolean dryRun,
        BucketFilestore bucket) {

    /** The default number of parallel jobs. */
    public static final int DEFAULT_JOBS = 2;

    /** What part of the backup to restore. */
    public enum Mode {
        FULL,
        DB_ONLY,
        FILESTORE_ONLY
    }

    public RestoreRequest {
        Objects.requireNonNull(source, "source");
        if (mode == null) mode = Mode.FULL;
    }

    /** A full restore of {@code source} into {@code database} (null: the backup's own name), no options. */
    public static RestoreRequest of(Source source, String database) {
        return new RestoreRequest(
                source, database, Mode.FULL, null, false, DEFAULT_JOBS, false, false, false, false, null, false, null);
    }

    public RestoreRequest withMode(Mode m) {
        return new RestoreRequest(
                source,
                database,
                m,
                copy,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withCopy(Boolean c) {
        return new RestoreRequest(
                source,
                database,
                mode,
                c,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withNeutralize(boolean n) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                n,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withJobs(int n) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                n,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withReplace(boolean r) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                r,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withStrict(boolean s) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                replace,
                s,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withTrustedDump(boolean t) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                t,
                owner,
                dryRun,
                bucket);
    }

    public RestoreRequest withOwner(String role) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                role,
                dryRun,
                bucket);
    }

    public RestoreRequest withDryRun(boolean d) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                d,
                bucket);
    }

    /**
     * Where the backup comes from.
     *
     * @param kind a file or directory, a repository snapshot, or a stream
     * @param location the file's path, the snapshot reference ({@code latest}, {@code latest:DATABASE},
     *     {@code latest:INSTANCE/DATABASE}, or an id or unique prefix of at least 4 hex digits), or the
     *     stream's name for messages (e.g. "standard input")
     * @param stream the stream to read, for {@link Kind#STREAM}; else null
     */
    public record Source(Kind kind, String location, InputStream stream) {

        /** What the location names. */
        public enum Kind {
            /**
             * A backup file or dump directory, recognised by content: an Odoo zip, a pg_dump custom-format
             * or plain file, or a directory-format dump.
             */
            FILE,
            /** A snapshot of the repository of the facade's settings; needs the repository's secret key. */
            SNAPSHOT,
            /**
             * A backup file read from a stream (not a directory dump): copied to a temporary file under the
             * instance's data_dir first, as a zip is read from its end.
             */
            STREAM
        }

        public Source {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(location, "location");
            if ((kind == Kind.STREAM) != (stream != null)) {
                throw new IllegalArgumentException("a stream goes with kind STREAM, and only with it");
            }
        }

        /** A backup file or dump directory. */
        public static Source file(Path path) {
            return new Source(Kind.FILE, path.toString(), null);
        }

        /** A snapshot of the repository, by reference. */
        public static Source snapshot(String ref) {
            return new Source(Kind.SNAPSHOT, ref, null);
        }

        /** A backup file read from {@code in}, named {@code name} in messages; the caller closes {@code in}. */
        public static Source stream(InputStream in, String name) {
            return new Source(Kind.STREAM, name, Objects.requireNonNull(in, "in"));
        }

        @Override
        public String toString() {
            return kind + " " + location;
        }
    }

    /** This request restoring the files into {@code b} (a full restore only). */
    public RestoreRequest withBucket(BucketFilestore b) {
        return new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                b);
    }
}
