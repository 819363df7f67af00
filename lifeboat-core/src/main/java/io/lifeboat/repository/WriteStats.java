package io.lifeboat.repository;

/**
 * What a {@link SnapshotWriter} has done so far.
 *
 * @param logicalBytes bytes read from the dump and files
 * @param blobs blobs seen (including duplicates)
 * @param blobsNew blobs not already in the repository
 * @param bytesNew plaintext bytes of the new blobs
 * @param storedBytes bytes written to the backend (packs, index objects, the record)
 * @param packs packs uploaded
 */
public record WriteStats(long logicalBytes, long blobs, long blobsNew, long bytesNew, long storedBytes, long packs) {

    /** Logical bytes per new plaintext byte; infinite when nothing was new. */
    public double dedupRatio() {
        return bytesNew == 0 ? Double.POSITIVE_INFINITY : (double) logicalBytes / bytesNew;
    }
}
