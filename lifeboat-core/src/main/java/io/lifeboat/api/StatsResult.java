package io.lifeboat.api;

/**
 * A repository's sizes.
 *
 * @param repository the repository's id
 * @param location where it is, without secrets
 * @param logicalBytes what restoring every snapshot would produce (dumps and files)
 * @param blobs distinct blobs stored
 * @param uniqueBytes plaintext of the distinct blobs
 * @param packs pack objects
 * @param packBytes their bytes
 * @param storedBytes bytes in the backend (packs, index objects, records)
 * @param dedupRatio logical bytes per unique byte (how much deduplication saves)
 * @param compressionRatio unique bytes per pack byte (how much compression saves, net of overhead)
 */
public record StatsResult(
        String repository,
        String location,
        int snapshots,
        long logicalBytes,
        long blobs,
        long uniqueBytes,
        int packs,
        long packBytes,
        long storedBytes,
        double dedupRatio,
        double compressionRatio) {}
