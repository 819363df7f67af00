package io.lifeboat.repository;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every filestore file of every snapshot, by SHA-1, read once (each tree loaded once), for fetching
 * many files by content: the filestore of a point-in-time side copy, a repair. The newest snapshot
 * holding a file serves it; reads are checked against the SHA-1 and size. Needs the secret key.
 */
public final class FileIndex {
    private final Repository repo;
    private final Map<String, Tree.FileEntry> bySha1;

    private FileIndex(Repository repo, Map<String, Tree.FileEntry> bySha1) {
        this.repo = repo;
        this.bySha1 = bySha1;
    }

    /** Loads the trees of every snapshot (newest first) into an index. */
    public static FileIndex load(Repository repo) throws IOException {
        repo.requireRead("read files");
        List<SnapshotInfo> all = new ArrayList<>(repo.snapshots());
        Collections.reverse(all);
        Map<String, Tree.FileEntry> map = new HashMap<>();
        for (SnapshotInfo s : all) {
            for (Tree.FileEntry f : repo.loadTree(s).files) {
                if (!f.path().startsWith("checklist/") && f.sha1() != null) map.putIfAbsent(f.sha1(), f);
            }
        }
        return new FileIndex(repo, map);
    }

    /** How many distinct files the repository holds. */
    public int size() {
        return bySha1.size();
    }

    /** The file with this SHA-1, checked as it is read; empty when no snapshot holds it. */
    public Optional<InputStream> open(String sha1) {
        Tree.FileEntry f = bySha1.get(sha1.toLowerCase(Locale.ROOT));
        return f == null ? Optional.empty() : Optional.of(SnapshotSource.fileStream(repo, f));
    }
}
