package io.lifeboat.repository;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.repository.internal.Json;
import io.lifeboat.repository.internal.MetaObjects;
import io.lifeboat.repository.internal.RepoKeys;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sealed snapshot records of a repository ({@code snapshots/<id>}, format §8): listed, read (and
 * cached: a record never changes), written and deleted. Thread-safe.
 */
final class SnapshotRecords {
    private final Backend backend;
    private final RepoKeys keys;
    private final Map<String, SnapshotInfo> cache = new ConcurrentHashMap<>();

    SnapshotRecords(Backend backend, RepoKeys keys) {
        this.backend = backend;
        this.keys = keys;
    }

    /** All snapshots, oldest first. Records are authenticated; a damaged record fails the listing. */
    List<SnapshotInfo> list() throws IOException {
        List<SnapshotInfo> out = new ArrayList<>();
        for (ObjectInfo o : backend.list("snapshots/")) {
            String hex = o.name().substring("snapshots/".length());
            SnapshotInfo s = cache.get(hex);
            if (s == null) {
                try {
                    s = read(hex);
                } catch (ObjectNotFoundException e) {
                    continue;
                }
                cache.put(hex, s);
            }
            out.add(s);
        }
        out.sort(Comparator.comparing(SnapshotInfo::time).thenComparing(SnapshotInfo::id));
        return out;
    }

    SnapshotInfo read(String hex) throws IOException {
        String name = "snapshots/" + hex;
        byte[] stored = MetaObjects.loadChecked(backend, name);
        byte[] body = MetaObjects.open(keys.metaKey(), MetaObjects.SNAPSHOT, stored, name);
        return Records.parse(hex, Json.MAPPER.readTree(body), name);
    }

    /** Seals and writes a record; returns its id. */
    String write(ObjectNode record) throws IOException {
        byte[] stored = MetaObjects.seal(keys.metaKey(), MetaObjects.SNAPSHOT, Json.MAPPER.writeValueAsBytes(record));
        return MetaObjects.save(backend, "snapshots/", stored);
    }

    void delete(String hex) throws IOException {
        backend.delete("snapshots/" + hex);
        cache.remove(hex);
    }
}
