package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a backup wrote and what it found: the {@code backup --json} object.
 *
 * @param format {@code zip}, {@code dump} or {@code snapshot}
 * @param dumpFormat the database dump's format inside it: {@code plain} (a zip's dump.sql) or {@code custom}
 * @param filestoreMode {@code referenced}, {@code all} or {@code none}
 * @param target the file written (a path, or {@code -} for a stream), or the repository location
 *     without secrets for a snapshot
 * @param snapshot the new snapshot's id, or null
 * @param affectedAttachmentIds attachment ids whose file is missing, corrupt or unsafely named
 * @param affectedFiles store names of missing or corrupt files
 * @param warnings what the user should look at; a backup with warnings is complete but not clean
 * @param written what a snapshot added to the repository; null (and absent from JSON) for a file
 */
public record BackupResult(
        String database,
        String format,
        String dumpFormat,
        String filestoreMode,
        String target,
        String snapshot,
        long dumpBytes,
        long files,
        long fileBytes,
        long referencedFiles,
        long attachmentRows,
        long missingFiles,
        long corruptFiles,
        long unsafeNames,
        List<Long> affectedAttachmentIds,
        List<String> affectedFiles,
        long dumpMillis,
        long filestoreMillis,
        long totalMillis,
        List<String> warnings,
        @JsonInclude(JsonInclude.Include.NON_NULL) Written written) {

    public BackupResult {
        affectedAttachmentIds = affectedAttachmentIds == null ? List.of() : List.copyOf(affectedAttachmentIds);
        affectedFiles = affectedFiles == null ? List.of() : List.copyOf(affectedFiles);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * What a snapshot wrote to the repository.
     *
     * @param logicalBytes bytes of dump and files captured
     * @param bytesNew of those, bytes the repository did not hold yet
     * @param storedBytes bytes written to the repository (compressed, encrypted)
     * @param adoptedPacks packs of an interrupted backup reused
     */
    public record Written(
            long logicalBytes,
            long bytesNew,
            long storedBytes,
            long blobs,
            long blobsNew,
            long packs,
            long adoptedPacks) {}

    /** Whether the backup completed with something the user should look at. */
    public boolean hasWarnings() {
        return !warnings.isEmpty();
    }
}
