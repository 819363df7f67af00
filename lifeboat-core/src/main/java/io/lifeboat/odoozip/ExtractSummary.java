package io.lifeboat.odoozip;

import java.util.List;

/**
 * What {@link OdooArchive#extractFilestore} wrote.
 *
 * @param files content files written (checklist markers not included)
 * @param bytes bytes of those files
 * @param checklistMarkers {@code checklist/} markers written
 * @param sha1Mismatches relative names of files whose content does not hash to their name (only
 *     with {@link ExtractOptions.Sha1Check#WARN}), in archive order
 */
public record ExtractSummary(long files, long bytes, long checklistMarkers, List<String> sha1Mismatches) {
    public ExtractSummary {
        sha1Mismatches = List.copyOf(sha1Mismatches);
    }
}
