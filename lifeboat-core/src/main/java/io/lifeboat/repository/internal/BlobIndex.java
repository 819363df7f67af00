package io.lifeboat.repository.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The union of index objects, in memory. Thread-safe. */
public final class BlobIndex {
    private final Map<BlobId, IndexEntry> entries = new ConcurrentHashMap<>();
    private final Set<String> packs = ConcurrentHashMap.newKeySet();
    private final Set<String> indexObjects = ConcurrentHashMap.newKeySet();

    public void add(Collection<IndexEntry> list) {
        for (IndexEntry e : list) {
            entries.putIfAbsent(e.id(), e);
            packs.add(e.pack());
        }
    }

    public void addPack(String pack, List<IndexEntry> list) {
        packs.add(pack);
        add(list);
    }

    public void addIndexObject(String name) {
        indexObjects.add(name);
    }

    public Optional<IndexEntry> get(BlobId id) {
        return Optional.ofNullable(entries.get(id));
    }

    public boolean contains(BlobId id) {
        return entries.containsKey(id);
    }

    public boolean hasPack(String pack) {
        return packs.contains(pack);
    }

    public Set<String> packs() {
        return Set.copyOf(packs);
    }

    public Set<String> indexObjects() {
        return Set.copyOf(indexObjects);
    }

    public Collection<IndexEntry> entries() {
        return List.copyOf(entries.values());
    }

    public int size() {
        return entries.size();
    }
}
