package io.lifeboat.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot record as listed (format §5). Readable with a writer key; the content (tree, files,
 * dump) needs a secret key.
 *
 * @param id the record's object name (64 hex)
 * @param tree ids of the tree blobs
 * @param baseBackup WAL facts of a base backup; null for other kinds
 */
public record SnapshotInfo(
        String id,
        Instant time,
        String instance,
        String database,
        String host,
        SnapshotKind kind,
        List<String> tags,
        String odooVersion,
        String postgresVersion,
        Map<String, String> modules,
        List<String> warnings,
        Summary summary,
        List<String> tree,
        BaseBackupInfo baseBackup) {

    /** A record without base-backup facts (every kind but {@code base-backup}). */
    public SnapshotInfo(
            String id,
            Instant time,
            String instance,
            String database,
            String host,
            SnapshotKind kind,
            List<String> tags,
            String odooVersion,
            String postgresVersion,
            Map<String, String> modules,
            List<String> warnings,
            Summary summary,
            List<String> tree) {
        this(
                id,
                time,
                instance,
                database,
                host,
                kind,
                tags,
                odooVersion,
                postgresVersion,
                modules,
                warnings,
                summary,
                tree,
                null);
    }

    /**
     * Where a base backup sits in its cluster's WAL (format §13), readable with the write secret.
     *
     * @param systemId the cluster's database system identifier (decimal)
     * @param timeline the timeline the backup started on
     * @param startLsn the backup's start (redo) location
     * @param stopLsn the backup's end: the earliest consistent point of a recovery from it
     * @param startWal the segment holding {@code startLsn}
     * @param stopWal the segment holding {@code stopLsn}
     * @param segmentSize the cluster's WAL segment size
     */
    public record BaseBackupInfo(
            String systemId,
            int timeline,
            String startLsn,
            String stopLsn,
            String startWal,
            String stopWal,
            long segmentSize) {}

    /**
     * Sizes: logical ones (what a restore produces), {@code bytesNew} (plaintext this snapshot added
     * to the repository) and {@code storedNew} (bytes it wrote to the backend).
     */
    public record Summary(
            String dumpFormat,
            long dumpBytes,
            long fileCount,
            long fileBytes,
            long blobsNew,
            long bytesNew,
            long storedNew) {

        public long totalBytes() {
            return dumpBytes + fileBytes;
        }
    }

    public String shortId() {
        return id.substring(0, 8);
    }
}
