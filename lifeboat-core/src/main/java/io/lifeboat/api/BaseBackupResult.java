package io.lifeboat.api;

/**
 * A base backup taken into the repository.
 *
 * @param wal where it sits in the cluster's WAL (as its record says, repository-format.md §13)
 * @param bytes size of the tar stream
 * @param storedNew bytes written to the repository
 */
public record BaseBackupResult(String snapshot, Wal wal, long bytes, long storedNew, double seconds) {

    /** The base backup's WAL positions. */
    public record Wal(
            String systemId,
            int timeline,
            String startLsn,
            String stopLsn,
            String startWal,
            String stopWal,
            long segmentSize) {}
}
