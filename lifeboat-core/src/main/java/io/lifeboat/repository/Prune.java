package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Deletes unreferenced data under an exclusive lock (format §11). */
final class Prune {
    private static final int ENTRIES_PER_INDEX = 100_000;

    private Prune() {}

    static PruneResult run(Repository repo, PruneOptions opts, Progress progress) throws IOException {
        repo.requireDelete("prune");
        try (RepositoryLock lock = repo.lock(true, "prune")) {
            return prune(repo, opts, progress, lock);
        } finally {
            repo.invalidateIndex();
        }
    }

    private static PruneResult prune(Repository repo, PruneOptions opts, Progress progress, RepositoryLock lock)
            throws IOException {
        repo.invalidateIndex();
        // 1. every index object and every pack as they are now
        progress.phase("read index", -1, "objects");
        List<String> indexObjects = new ArrayList<>();
        Map<String, Map<Long, IndexEntry>> packEntries = new HashMap<>();
        for (ObjectInfo o : repo.backend().list("index/")) {
            indexObjects.add(o.name());
            for (var e : repo.readIndexObject(o.name()).entrySet()) {
                var m = packEntries.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
                for (IndexEntry x : e.getValue()) m.putIfAbsent(x.offset(), x);
            }
            progress.advance(1);
        }
        Map<String, Long> packSizes = new HashMap<>();
        for (ObjectInfo o : repo.backend().list("data/")) {
            String p = Packs.packOf(o.name());
            if (p != null) packSizes.put(p, o.size());
        }
        for (String p : packEntries.keySet()) {
            if (!packSizes.containsKey(p)) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "pack " + p.substring(0, 12) + " named by the index is missing; prune stopped",
                        "Run verify to see which snapshots are affected, then forget them before pruning.");
            }
        }
        // 2. blobs used by snapshots
        progress.phase("read snapshots", -1, "snapshots");
        Set<BlobId> used = new HashSet<>();
        for (SnapshotInfo s : repo.snapshots()) {
            s.tree().forEach(t -> used.add(BlobId.parse(t)));
            repo.loadTree(s).references((b, what) -> used.add(b));
            progress.advance(1);
        }
        // 3. one copy of each used blob, preferring packs with the most used blobs
        List<String> order = new ArrayList<>(packEntries.keySet());
        Map<String, Long> usedCount = new HashMap<>();
        for (String p : order)
            usedCount.put(
                    p,
                    packEntries.get(p).values().stream()
                            .filter(e -> used.contains(e.id()))
                            .count());
        order.sort(Comparator.comparing((String p) -> -usedCount.get(p)).thenComparing(p -> p));
        Set<BlobId> claimed = new HashSet<>();
        Map<String, List<IndexEntry>> keep = new LinkedHashMap<>();
        List<String> delete = new ArrayList<>();
        List<String> repack = new ArrayList<>();
        long blobsRemoved = 0;
        long bytesFreed = 0;
        for (String p : order) {
            List<IndexEntry> mine = new ArrayList<>();
            long usedBytes = 0;
            for (IndexEntry e : packEntries.get(p).values()) {
                if (used.contains(e.id()) && claimed.add(e.id())) {
                    mine.add(e);
                    usedBytes += e.storedLength();
                } else {
                    blobsRemoved++;
                }
            }
            long size = packSizes.get(p);
            if (mine.isEmpty()) {
                delete.add(p);
                bytesFreed += size;
            } else if (size - usedBytes > opts.repackThreshold() * size) {
                repack.add(p);
                keep.put(p, mine);
                bytesFreed += size;
            } else {
                keep.put(p, mine);
            }
        }
        for (String p : packSizes.keySet()) {
            if (!packEntries.containsKey(p)) {
                delete.add(p);
                bytesFreed += packSizes.get(p);
            }
        }
        if (opts.dryRun()) {
            return new PruneResult(
                    delete.size(), repack.size(), 0, blobsRemoved, bytesFreed, indexObjects.size(), true);
        }
        // 4. repack: copy used blobs into new packs
        progress.phase("repack", repack.size(), "packs");
        Map<String, List<IndexEntry>> written = new LinkedHashMap<>();
        Packs.Builder builder = null;
        for (String p : repack) {
            byte[] whole;
            try (InputStream in = repo.backend().load(Packs.objectName(p))) {
                whole = in.readAllBytes();
            }
            int plen = Packs.prefixLength(p, java.util.Arrays.copyOf(whole, 6));
            byte[] fileKey = repo.fileKeyOf(p, java.util.Arrays.copyOf(whole, plen));
            for (IndexEntry e : keep.remove(p)) {
                if (e.offset() + e.storedLength() > whole.length) throw Packs.damaged(p, "shorter than its index says");
                byte[] plain = Packs.openBlob(fileKey, e, whole, (int) e.offset(), repo.keys());
                if (builder == null)
                    builder =
                            new Packs.Builder(repo.recipientKeys(), repo.keys().metaKey());
                builder.add(Packs.encode(e.id(), e.type(), plain, 0, plain.length));
                if (builder.size() >= repo.packSize()) {
                    bytesFreed -= save(repo, builder.finish(), written);
                    builder = null;
                }
            }
            progress.advance(1);
        }
        if (builder != null && builder.count() > 0) bytesFreed -= save(repo, builder.finish(), written);
        // 5. consolidated index, then deletions
        lock.checkValid();
        progress.phase("write index", -1, "objects");
        Map<String, List<IndexEntry>> all = new LinkedHashMap<>(keep);
        all.putAll(written);
        Map<String, List<IndexEntry>> batch = new LinkedHashMap<>();
        int n = 0;
        for (var e : all.entrySet()) {
            batch.put(e.getKey(), e.getValue());
            n += e.getValue().size();
            if (n >= ENTRIES_PER_INDEX) {
                bytesFreed -= repo.writeIndex(batch).size();
                batch = new LinkedHashMap<>();
                n = 0;
            }
        }
        if (!batch.isEmpty()) bytesFreed -= repo.writeIndex(batch).size();
        progress.phase("delete", indexObjects.size() + delete.size() + repack.size(), "objects");
        for (String o : indexObjects) {
            repo.backend().delete(o);
            progress.advance(1);
        }
        for (String p : delete) {
            repo.backend().delete(Packs.objectName(p));
            progress.advance(1);
        }
        for (String p : repack) {
            repo.backend().delete(Packs.objectName(p));
            progress.advance(1);
        }
        return new PruneResult(
                delete.size(), repack.size(), written.size(), blobsRemoved, bytesFreed, indexObjects.size(), false);
    }

    private static long save(Repository repo, Packs.Finished f, Map<String, List<IndexEntry>> written)
            throws IOException {
        repo.backend().save(Packs.objectName(f.name()), f.content());
        written.put(f.name(), f.entries());
        return f.length();
    }
}
