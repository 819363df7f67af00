package io.lifeboat.api;

import java.nio.file.Path;

/**
 * A point-in-time drill: proves that the WAL archive and the base backups recover the cluster by recovering a
 * side copy at a recent point, verifying an Odoo database in it and its filestore, measuring RTO and RPO, and
 * stopping and removing the copy (docs/drills.md). Needs the repository's secret key.
 *
 * @param database the Odoo database verified in the copy; null: the settings' database, else the only one
 * @param targetTime the point to recover to, a time with a zone as {@link RecoverRequest} takes it; null: the
 *     newest point the archive holds (LATEST)
 * @param directory a new or empty directory for the side copy; null: a new directory in the system's temporary
 *     directory
 * @param pgBin the PostgreSQL server binaries of production's major version; null as {@link
 *     RecoverRequest#pgBin()}
 * @param keep leave the side copy running for inspection instead of stopping and removing it
 * @param fetchThreads WAL files fetched at once ahead of replay
 */
public record PitrDrillRequest(
        String database, String targetTime, Path directory, Path pgBin, boolean keep, int fetchThreads) {

    /** WAL files fetched at once by default. */
    public static final int DEFAULT_FETCH_THREADS = 4;

    public PitrDrillRequest {
        if (fetchThreads < 1) throw new IllegalArgumentException("fetchThreads must be at least 1");
    }

    /** A drill of the newest point of the archive, verifying {@code database}, in a temporary directory. */
    public static PitrDrillRequest of(String database) {
        return new PitrDrillRequest(database, null, null, null, false, DEFAULT_FETCH_THREADS);
    }

    public PitrDrillRequest withTargetTime(String time) {
        return new PitrDrillRequest(database, time, directory, pgBin, keep, fetchThreads);
    }

    public PitrDrillRequest withDirectory(Path dir) {
        return new PitrDrillRequest(database, targetTime, dir, pgBin, keep, fetchThreads);
    }

    public PitrDrillRequest withPgBin(Path bin) {
        return new PitrDrillRequest(database, targetTime, directory, bin, keep, fetchThreads);
    }

    public PitrDrillRequest withKeep(boolean k) {
        return new PitrDrillRequest(database, targetTime, directory, pgBin, k, fetchThreads);
    }
}
