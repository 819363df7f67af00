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
        List<String> tree) {

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
