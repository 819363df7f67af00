package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** What was imported, one entry per archive in request order; in JSON, the bare list. */
public record ImportResult(List<Imported> imported) {

    public ImportResult {
        imported = List.copyOf(imported);
    }

    @JsonValue
    List<Imported> json() {
        return imported;
    }

    /** Whether any archive reported warnings (files left out). */
    public boolean hasWarnings() {
        return imported.stream().anyMatch(i -> !i.warnings().isEmpty());
    }

    /**
     * One archive imported.
     *
     * @param snapshotId the new snapshot's id
     * @param time the snapshot's time (ISO-8601 in JSON)
     * @param dumpFormat the dump's format as stored ({@code PLAIN}, {@code CUSTOM})
     * @param skippedFiles files left out because their content does not match their name
     * @param warnings what was left out, one line each
     * @param stats what writing the snapshot did
     * @param archive the file imported (not in JSON)
     */
    public record Imported(
            String snapshotId,
            String database,
            @JsonSerialize(using = ToStringSerializer.class) Instant time,
            String dumpFormat,
            long dumpBytes,
            long files,
            long fileBytes,
            int skippedFiles,
            List<String> warnings,
            Stats stats,
            @JsonIgnore Path archive) {}

    /**
     * What writing one snapshot did.
     *
     * @param logicalBytes bytes read from the dump and files
     * @param blobs blobs seen (including duplicates)
     * @param blobsNew blobs not already in the repository
     * @param bytesNew plaintext bytes of the new blobs
     * @param storedBytes bytes written to the backend (packs, index objects, the record)
     * @param packs packs uploaded
     */
    public record Stats(long logicalBytes, long blobs, long blobsNew, long bytesNew, long storedBytes, long packs) {}
}
