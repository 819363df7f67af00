package io.lifeboat.repository;

import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;

/**
 * Sizes of a repository. Computed from records and the index, so a writer key suffices.
 *
 * @param logicalBytes what restoring every snapshot would produce (dumps + files)
 * @param uniqueBytes plaintext of the distinct blobs stored
 * @param storedBytes bytes in the backend (packs, index objects, records)
 */
public record RepositoryStats(
        int snapshots, long logicalBytes, long blobs, long uniqueBytes, int packs, long packBytes, long storedBytes) {

    /** Logical bytes per unique plaintext byte (how much deduplication saves). */
    public double dedupRatio() {
        return uniqueBytes == 0 ? 0 : (double) logicalBytes / uniqueBytes;
    }

    /** Unique plaintext bytes per stored pack byte (how much compression saves, net of overhead). */
    public double compressionRatio() {
        return packBytes == 0 ? 0 : (double) uniqueBytes / packBytes;
    }

    static RepositoryStats compute(Repository repo) throws IOException {
        var snaps = repo.snapshots();
        long logical = 0;
        for (SnapshotInfo s : snaps) logical += s.summary().totalBytes();
        repo.invalidateIndex();
        long unique = 0;
        long blobs = 0;
        for (IndexEntry e : repo.index().entries()) {
            unique += e.rawLength();
            blobs++;
        }
        int packs = 0;
        long packBytes = 0;
        for (ObjectInfo o : repo.backend().list("data/")) {
            if (Packs.packOf(o.name()) == null) continue;
            packs++;
            packBytes += o.size();
        }
        long stored = packBytes;
        for (String prefix : new String[] {"index/", "snapshots/"}) {
            for (ObjectInfo o : repo.backend().list(prefix)) stored += o.size();
        }
        return new RepositoryStats(snaps.size(), logical, blobs, unique, packs, packBytes, stored);
    }
}
