package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.repository.internal.BlobIndex;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.MetaObjects;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.repository.internal.RepoKeys;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The packs and index objects of a repository (format §5, §6): the blob index, loaded on first use,
 * index objects written and read, and blobs read from packs, opened with the secret keys given (each
 * pack's file key is cached). Thread-safe.
 */
final class PackStore {
    private final Backend backend;
    private final RepoKeys keys;
    private final List<byte[]> secretScalars;
    private final List<byte[]> secretPublics;
    private final Map<String, byte[]> packKeys = new ConcurrentHashMap<>();
    private volatile BlobIndex index;

    PackStore(Backend backend, RepoKeys keys, List<SecretKey> secrets) {
        this.backend = backend;
        this.keys = keys;
        this.secretScalars = secrets.stream().map(SecretKey::scalar).toList();
        this.secretPublics = secrets.stream().map(s -> s.recipient().raw()).toList();
    }

    /** Whether secret keys were given (blobs can be read). */
    boolean canRead() {
        return !secretScalars.isEmpty();
    }

    // ---------------------------------------------------------------- index

    /** The index, loaded on first use. */
    BlobIndex index() throws IOException {
        BlobIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) index = loadIndex();
                i = index;
            }
        }
        return i;
    }

    /** Forgets the cached index (after prune). */
    synchronized void invalidateIndex() {
        index = null;
    }

    private BlobIndex loadIndex() throws IOException {
        BlobIndex i = new BlobIndex();
        for (ObjectInfo o : backend.list("index/")) {
            for (var e : readIndexObject(o.name()).entrySet()) i.addPack(e.getKey(), e.getValue());
            i.addIndexObject(o.name());
        }
        return i;
    }

    Map<String, List<IndexEntry>> readIndexObject(String name) throws IOException {
        byte[] stored = MetaObjects.loadChecked(backend, name);
        return MetaObjects.decodeIndex(MetaObjects.open(keys.metaKey(), MetaObjects.INDEX, stored, name), name);
    }

    /** Writes one index object for these packs; returns its object name and stored size. */
    ObjectInfo writeIndex(Map<String, List<IndexEntry>> packs) throws IOException {
        byte[] stored = MetaObjects.seal(keys.metaKey(), MetaObjects.INDEX, MetaObjects.encodeIndex(packs));
        String hex = MetaObjects.save(backend, "index/", stored);
        return new ObjectInfo("index/" + hex, stored.length);
    }

    // ---------------------------------------------------------------- blobs

    /** Reads, authenticates and checks the blob {@code e} locates. */
    byte[] readBlob(IndexEntry e) throws IOException {
        byte[] fileKey = packKey(e.pack());
        byte[] stored;
        try (InputStream in = backend.load(Packs.objectName(e.pack()), e.offset(), e.storedLength())) {
            stored = in.readNBytes(e.storedLength());
        } catch (ObjectNotFoundException x) {
            throw missingPack(e.pack());
        }
        if (stored.length != e.storedLength()) throw Packs.damaged(e.pack(), "shorter than its index says");
        return Packs.openBlob(fileKey, e, stored, 0, keys);
    }

    private byte[] packKey(String pack) throws IOException {
        byte[] k = packKeys.get(pack);
        if (k != null) return k;
        String name = Packs.objectName(pack);
        byte[] first6;
        byte[] prefix;
        try {
            try (InputStream in = backend.load(name, 0, 6)) {
                first6 = in.readNBytes(6);
            }
            int plen = Packs.prefixLength(pack, first6);
            try (InputStream in = backend.load(name, 0, plen)) {
                prefix = in.readNBytes(plen);
            }
            if (prefix.length != plen) throw Packs.damaged(pack, "truncated");
        } catch (ObjectNotFoundException x) {
            throw missingPack(pack);
        }
        k = fileKeyOf(pack, prefix);
        packKeys.put(pack, k);
        return k;
    }

    /** The file key of {@code pack} from its sealed prefix, with the secret keys given. */
    byte[] fileKeyOf(String pack, byte[] prefix) {
        byte[] k = Packs.fileKey(pack, prefix, secretScalars, secretPublics);
        if (k == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "pack " + pack.substring(0, 12) + " is sealed to a key you did not give",
                    "Give the secret key that 'lifeboat repo init' made for this repository.");
        }
        return k;
    }

    private static LifeboatException missingPack(String pack) {
        return new LifeboatException(
                Kind.INTEGRITY,
                "pack " + pack.substring(0, 12) + " is missing from the repository",
                "Run verify to see which snapshots are affected.");
    }
}
