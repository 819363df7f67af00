package io.lifeboat.api;

/**
 * What prune did (or would do in a dry run).
 *
 * @param packsDeleted packs removed whole (unused or left unindexed by interrupted backups)
 * @param packsRepacked packs whose used blobs were copied into new packs, then removed
 * @param packsWritten new packs written by repacking
 * @param blobsRemoved unused blobs dropped
 * @param bytesFreed stored bytes removed minus stored bytes written
 * @param indexObjectsReplaced old index objects replaced by consolidated ones
 */
public record PruneResult(
        int packsDeleted,
        int packsRepacked,
        int packsWritten,
        long blobsRemoved,
        long bytesFreed,
        int indexObjectsReplaced,
        boolean dryRun) {}
