package io.lifeboat.api;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;

/**
 * A repository snapshot as listed: its record without the tree. Readable with a writer key.
 *
 * @param id the record's object name (64 hex digits)
 * @param shortId the first 8 digits of the id, as listings show it
 * @param time when the snapshot was taken (ISO-8601 in JSON)
 * @param kind why it was taken: {@code scheduled}, {@code manual}, {@code pre-restore}, {@code import}…
 * @param warnings what the backup reported (missing files…)
 * @param summary its sizes
 */
public record SnapshotRecord(
        String id,
        String shortId,
        @JsonSerialize(using = ToStringSerializer.class) Instant time,
        String instance,
        String database,
        String host,
        String kind,
        List<String> tags,
        String odooVersion,
        String postgresVersion,
        List<String> warnings,
        Summary summary) {

    public SnapshotRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * Sizes: logical ones (what a restore produces), {@code bytesNew} (plaintext this snapshot added to
     * the repository) and {@code storedNew} (bytes it wrote to the backend).
     *
     * @param dumpFormat the dump's format as stored ({@code CUSTOM}, {@code PLAIN}…), or null
     */
    public record Summary(
            String dumpFormat,
            long dumpBytes,
            long fileCount,
            long fileBytes,
            long blobsNew,
            long bytesNew,
            long storedNew) {

        /** What restoring this snapshot produces: the dump and the files. */
        public long totalBytes() {
            return dumpBytes + fileBytes;
        }
    }
}
