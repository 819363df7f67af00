package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Structure and data checks (format §12). */
final class Verify {
    private Verify() {}

    static VerifyResult run(Repository repo, VerifyOptions opts, Progress progress) throws IOException {
        repo.requireRead("verify");
        try (RepositoryLock lock = repo.lock(false, "verify")) {
            return verify(repo, opts, progress);
        }
    }

    private static VerifyResult verify(Repository repo, VerifyOptions opts, Progress progress) throws IOException {
        List<VerifyResult.Problem> problems = new ArrayList<>();
        Set<IndexEntry> badCopies = new HashSet<>();
        // index objects
        progress.phase("check index", -1, "objects");
        Map<String, Map<Long, IndexEntry>> packEntries = new TreeMap<>();
        Map<BlobId, List<IndexEntry>> copies = new HashMap<>();
        for (ObjectInfo o : repo.backend().list("index/")) {
            try {
                for (var e : repo.readIndexObject(o.name()).entrySet()) {
                    var m = packEntries.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
                    for (IndexEntry x : e.getValue()) {
                        if (m.putIfAbsent(x.offset(), x) == null)
                            copies.computeIfAbsent(x.id(), k -> new ArrayList<>())
                                    .add(x);
                    }
                }
            } catch (LifeboatException e) {
                problems.add(new VerifyResult.Problem(o.name(), null, e.getMessage()));
            }
            progress.advance(1);
        }
        for (ObjectInfo o : repo.backend().list("keys/")) {
            try {
                io.lifeboat.repository.internal.MetaObjects.loadChecked(repo.backend(), o.name());
            } catch (LifeboatException e) {
                problems.add(new VerifyResult.Problem(o.name(), null, e.getMessage()));
            }
        }
        // packs present
        Map<String, Long> sizes = new HashMap<>();
        for (ObjectInfo o : repo.backend().list("data/")) {
            String p = Packs.packOf(o.name());
            if (p != null) sizes.put(p, o.size());
        }
        List<String> unindexed = sizes.keySet().stream()
                .filter(p -> !packEntries.containsKey(p))
                .sorted()
                .toList();
        Set<String> missingPacks = new HashSet<>();
        for (var e : packEntries.entrySet()) {
            String p = e.getKey();
            Long size = sizes.get(p);
            long need = e.getValue().values().stream()
                            .mapToLong(x -> x.offset() + x.storedLength())
                            .max()
                            .orElse(0)
                    + 8;
            if (size == null) {
                problems.add(new VerifyResult.Problem(Packs.objectName(p), null, "pack is missing"));
                missingPacks.add(p);
            } else if (size < need) {
                problems.add(
                        new VerifyResult.Problem(Packs.objectName(p), null, "pack is shorter than its index says"));
                missingPacks.add(p);
            }
        }
        // read data
        Predicate<String> select = VerifyOptions.selector(opts.subset(), opts.seed());
        int packsRead = 0;
        long blobsChecked = 0;
        if (opts.readData()) {
            List<String> chosen = packEntries.keySet().stream()
                    .filter(p -> !missingPacks.contains(p) && select.test(p))
                    .toList();
            progress.phase("read data", chosen.size(), "packs");
            for (String p : chosen) {
                packsRead++;
                blobsChecked += readPack(repo, p, packEntries.get(p).values(), problems, badCopies);
                progress.advance(1);
            }
        }
        for (String p : missingPacks) {
            for (IndexEntry x : packEntries.getOrDefault(p, Map.of()).values()) badCopies.add(x);
        }
        // a blob is lost when every copy of it is damaged
        Set<BlobId> lost = new HashSet<>();
        for (IndexEntry x : badCopies) {
            if (badCopies.containsAll(copies.getOrDefault(x.id(), List.of()))) lost.add(x.id());
        }
        // snapshots and trees
        progress.phase("check snapshots", -1, "snapshots");
        List<VerifyResult.Affected> affected = new ArrayList<>();
        int snapshots = 0;
        Set<BlobId> indexed = copies.keySet();
        for (ObjectInfo o : repo.backend().list("snapshots/")) {
            String hex = o.name().substring("snapshots/".length());
            SnapshotInfo s;
            try {
                s = repo.readRecord(hex);
            } catch (LifeboatException e) {
                problems.add(new VerifyResult.Problem(o.name(), null, e.getMessage()));
                affected.add(new VerifyResult.Affected(hex, "?", "?", null, true, List.of()));
                continue;
            }
            snapshots++;
            Tree tree;
            boolean treeBad = false;
            for (String t : s.tree()) {
                BlobId b = BlobId.parse(t);
                if (!indexed.contains(b)) {
                    problems.add(new VerifyResult.Problem(o.name(), t, "tree blob is not in the index"));
                    treeBad = true;
                } else if (lost.contains(b)) treeBad = true;
            }
            if (treeBad) {
                affected.add(affected(s, true, List.of()));
                continue;
            }
            try {
                tree = repo.loadTree(s);
            } catch (LifeboatException e) {
                problems.add(new VerifyResult.Problem(o.name(), null, "tree unreadable: " + e.getMessage()));
                affected.add(affected(s, true, List.of()));
                continue;
            }
            Set<String> files = new LinkedHashSet<>();
            tree.references((b, what) -> {
                if (!indexed.contains(b)) {
                    problems.add(new VerifyResult.Problem(o.name(), b.hex(), what + ": blob is not in the index"));
                    files.add(what);
                } else if (lost.contains(b)) {
                    files.add(what);
                }
            });
            if (!files.isEmpty()) affected.add(affected(s, false, List.copyOf(files)));
            progress.advance(1);
        }
        return new VerifyResult(
                snapshots,
                packEntries.size(),
                packsRead,
                blobsChecked,
                List.copyOf(problems),
                List.copyOf(affected),
                unindexed);
    }

    private static VerifyResult.Affected affected(SnapshotInfo s, boolean whole, List<String> files) {
        return new VerifyResult.Affected(s.id(), s.instance(), s.database(), s.time(), whole, files);
    }

    /** Reads one pack in full; returns the number of blobs checked. */
    private static long readPack(
            Repository repo,
            String p,
            java.util.Collection<IndexEntry> entries,
            List<VerifyResult.Problem> problems,
            Set<IndexEntry> badCopies)
            throws IOException {
        String name = Packs.objectName(p);
        byte[] whole;
        try (InputStream in = repo.backend().load(name)) {
            whole = in.readAllBytes();
        }
        boolean hashOk = Crypto.hex(Crypto.sha256().digest(whole)).equals(p);
        if (!hashOk)
            problems.add(
                    new VerifyResult.Problem(name, null, "content does not match its name (bit rot or tampering)"));
        try {
            Packs.parseHeader(p, whole, whole.length, repo.keys().metaKey());
        } catch (LifeboatException e) {
            problems.add(new VerifyResult.Problem(name, null, e.getMessage()));
        }
        byte[] fileKey = null;
        try {
            int plen = Packs.prefixLength(p, Arrays.copyOf(whole, 6));
            fileKey = repo.fileKeyOf(p, Arrays.copyOf(whole, plen));
        } catch (LifeboatException e) {
            problems.add(new VerifyResult.Problem(name, null, e.getMessage()));
        }
        long n = 0;
        for (IndexEntry e : entries) {
            n++;
            String why = null;
            if (fileKey == null) why = "pack header or key stanza unreadable";
            else if (e.offset() + e.storedLength() > whole.length) why = "blob lies beyond the end of the pack";
            else {
                try {
                    Packs.openBlob(fileKey, e, whole, (int) e.offset(), repo.keys());
                } catch (LifeboatException x) {
                    why = x.getMessage();
                }
            }
            if (why != null) {
                problems.add(new VerifyResult.Problem(name, e.id().hex(), why));
                badCopies.add(e);
            }
        }
        return n;
    }
}
