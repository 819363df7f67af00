package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What was exported.
 *
 * @param target the file written, or {@code -} for a stream
 * @param sourceFormat the dump format in the snapshot ({@code PLAIN} is copied as is, {@code CUSTOM}…
 *     converted)
 * @param dumpBytes bytes of {@code dump.sql} written
 * @param files filestore files written
 * @param fileBytes their bytes
 * @param millis how long the export took
 * @param snapshot the snapshot exported (not in JSON)
 */
public record ExportResult(
        String target,
        String sourceFormat,
        long dumpBytes,
        long files,
        long fileBytes,
        long millis,
        @JsonIgnore SnapshotRecord snapshot) {}
