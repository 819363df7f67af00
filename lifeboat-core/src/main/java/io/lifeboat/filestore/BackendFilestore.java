package io.lifeboat.filestore;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A filestore kept as objects of a {@link Backend}: the file {@code xx/<sha1>} is the object {@code
 * <prefix>/xx/<sha1>}, a marker {@code <prefix>/checklist/xx/<sha1>}; with an empty prefix the object
 * is {@code xx/<sha1>} itself. A {@linkplain #flat flat} filestore keeps the file as the object {@code
 * <prefix>/<sha1>} (or {@code <sha1>}), without the {@code xx/} directory and without markers, as some
 * Odoo object-storage modules do.
 *
 * <p>A backend cannot rename, so {@link #put} writes the content to a temporary local file (the
 * temporary name) while hashing it, checks the SHA-1, and commits with one {@link Backend#save}, which
 * every backend makes atomic: a failed put leaves no object. A backend cannot create an object only if
 * it is absent either: the put checks that the name is free just before saving, which keeps it from
 * replacing another writer's file only when that writer is not saving the same name at the same moment.
 * Quarantine areas are filestores of the same backend under another prefix; moving copies the object,
 * then deletes the original, so an interrupted move leaves the file in both places, never in none.
 */
public final class BackendFilestore implements Filestore {
    private final Backend backend;
    private final String prefix;
    private final Path spool;
    private final boolean flat;

    /**
     * The filestore under {@code prefix} (a valid object name, or empty for the backend's root) of {@code
     * backend}; spools in the default temporary directory.
     */
    public BackendFilestore(Backend backend, String prefix) {
        this(backend, prefix, null);
    }

    /** As {@link #BackendFilestore(Backend, String)}, spooling content in {@code spool} (null: the default temporary directory). */
    public BackendFilestore(Backend backend, String prefix, Path spool) {
        this(backend, prefix, spool, false);
    }

    private BackendFilestore(Backend backend, String prefix, Path spool, boolean flat) {
        this.backend = backend;
        this.prefix = prefix.isEmpty() ? "" : ObjectNames.check(prefix);
        this.spool = spool;
        this.flat = flat;
    }

    /** A filestore whose file {@code xx/<sha1>} is the object {@code <prefix>/<sha1>} ({@code <sha1>} when the prefix is empty). */
    public static BackendFilestore flat(Backend backend, String prefix, Path spool) {
        return new BackendFilestore(backend, prefix, spool, true);
    }

    /** The backend the objects are in. */
    public Backend backend() {
        return backend;
    }

    /** Whether files are kept as {@code <sha1>} rather than {@code xx/<sha1>}. */
    public boolean isFlat() {
        return flat;
    }

    /** {@code <prefix>/}, or nothing for the empty prefix. */
    private String base() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The object prefix, without the trailing {@code /}. */
    public String prefix() {
        return prefix;
    }

    /** The object key of the file {@code name}. */
    public String key(String name) {
        Names.check(name);
        return base() + (flat ? name.substring(3) : name);
    }

    @Override
    public String location() {
        return prefix.isEmpty() ? backend.location() : prefix + "/ in " + backend.location();
    }

    @Override
    public String toString() {
        return location();
    }

    /** Always true: an object prefix has no existence of its own. */
    @Override
    public boolean exists() {
        return true;
    }

    /** Everything, with one listing of the prefix (not one per directory). */
    @Override
    public List<Entry> list() throws IOException {
        List<Entry> all = new ArrayList<>();
        for (ObjectInfo o : backend.list(base())) {
            String relative = o.name().substring(base().length());
            all.add(classify(relative, o.size()));
        }
        return all;
    }

    /** What the object at {@code relative} (to the prefix) is. */
    private Entry classify(String relative, long size) {
        if (flat) {
            return Names.isSha1(relative)
                    ? new Entry(relative.substring(0, 2) + "/" + relative, Entry.Kind.FILE, size, null)
                    : new Entry(relative, Entry.Kind.STRAY, size, "unexpected object in the filestore");
        }
        String[] parts = relative.split("/", -1);
        if (parts[0].equals(Names.CHECKLIST) && parts.length >= 2)
            return new Entry(relative, Entry.Kind.MARKER, 0, null);
        if (parts.length == 2 && Names.isBucket(parts[0])) {
            return Names.isName(relative)
                    ? new Entry(relative, Entry.Kind.FILE, size, null)
                    : new Entry(relative, Entry.Kind.STRAY, size, "name is not the SHA-1 of a file in this directory");
        }
        return new Entry(relative, Entry.Kind.STRAY, size, "unexpected object in the filestore");
    }

    @Override
    public Listing root() throws IOException {
        Set<String> directories = new LinkedHashSet<>();
        Set<String> markerDirs = new LinkedHashSet<>();
        List<Entry> entries = new ArrayList<>();
        for (ObjectInfo o : backend.list(base())) {
            String relative = o.name().substring(base().length());
            if (flat) {
                if (Names.isSha1(relative)) directories.add(relative.substring(0, 2));
                else entries.add(new Entry(relative, Entry.Kind.STRAY, o.size(), "unexpected object in the filestore"));
                continue;
            }
            String[] parts = relative.split("/", -1);
            if (parts.length >= 2 && Names.isBucket(parts[0])) {
                directories.add(parts[0]);
            } else if (parts[0].equals(Names.CHECKLIST) && parts.length >= 3) {
                markerDirs.add(Names.CHECKLIST + "/" + parts[1]);
            } else if (parts[0].equals(Names.CHECKLIST) && parts.length == 2) {
                entries.add(new Entry(relative, Entry.Kind.MARKER, 0, null));
            } else {
                entries.add(new Entry(relative, Entry.Kind.STRAY, o.size(), "unexpected object in the filestore"));
            }
        }
        List<String> all = new ArrayList<>(directories);
        all.addAll(markerDirs);
        return new Listing(all, entries);
    }

    @Override
    public List<Entry> list(String directory) throws IOException {
        Names.checkDirectory(directory);
        boolean markers = directory.startsWith(Names.CHECKLIST + "/");
        List<Entry> out = new ArrayList<>();
        if (flat) {
            if (markers) return out;
            for (ObjectInfo o : backend.list(base() + directory)) {
                String relative = o.name().substring(base().length());
                if (Names.isSha1(relative))
                    out.add(new Entry(directory + "/" + relative, Entry.Kind.FILE, o.size(), null));
            }
            return out;
        }
        for (ObjectInfo o : backend.list(base() + directory + "/")) {
            String relative = o.name().substring(base().length());
            if (markers) out.add(new Entry(relative, Entry.Kind.MARKER, 0, null));
            else if (Names.isName(relative)) out.add(new Entry(relative, Entry.Kind.FILE, o.size(), null));
            else
                out.add(new Entry(
                        relative, Entry.Kind.STRAY, o.size(), "name is not the SHA-1 of a file in this directory"));
        }
        return out;
    }

    @Override
    public Optional<Entry> stat(String name) throws IOException {
        return backend.stat(key(name)).map(o -> new Entry(name, Entry.Kind.FILE, o.size(), null));
    }

    @Override
    public InputStream open(String name) throws IOException {
        String key = key(name);
        try {
            return backend.load(key);
        } catch (ObjectNotFoundException e) {
            NoSuchFileException missing = new NoSuchFileException(key);
            missing.initCause(e);
            throw missing;
        }
    }

    @Override
    public Digest hash(String name) throws IOException {
        MessageDigest md = Names.sha1();
        long n = 0;
        try (InputStream in = open(name)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        return new Digest(Names.hex(md.digest()), n);
    }

    @Override
    public Put put(String name, InputStream content) throws IOException {
        String sha1 = Names.sha1(name);
        String key = key(name);
        Path tmp = spool == null
                ? Files.createTempFile("lifeboat-put-", ".tmp")
                : Files.createTempFile(spool, "lifeboat-put-", ".tmp");
        try {
            MessageDigest md = Names.sha1();
            try (InputStream in = new DigestInputStream(content, md);
                    OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            String actual = Names.hex(md.digest());
            if (!actual.equals(sha1)) throw new ContentMismatchException(name, actual);
            if (backend.stat(key).isPresent()) {
                if (hash(name).sha1().equals(sha1)) return Put.PRESENT;
                throw new FileConflictException(name, location());
            }
            backend.save(key, ContentSource.ofFile(tmp));
            return Put.PLACED;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes the object only when it still has {@code size} bytes. */
    @Override
    public boolean delete(String name, long size) throws IOException {
        String key = key(name);
        Optional<ObjectInfo> info = backend.stat(key);
        if (info.isEmpty() || info.get().size() != size) return false;
        backend.delete(key);
        return true;
    }

    @Override
    public Move quarantine(String name, Filestore area) throws IOException {
        return move(name, this, same(area));
    }

    @Override
    public Move unquarantine(String name, Filestore area) throws IOException {
        return move(name, same(area), this);
    }

    private BackendFilestore same(Filestore area) {
        if (area instanceof BackendFilestore b && b.backend == backend) return b;
        throw new IllegalArgumentException("a backend filestore moves files only within its backend: " + area);
    }

    /** Copies the object, checks the copy's size, then deletes the original. */
    private static Move move(String name, BackendFilestore from, BackendFilestore to) throws IOException {
        String source = from.key(name);
        String dest = to.key(name);
        Optional<ObjectInfo> info = from.backend.stat(source);
        if (info.isEmpty()) return Move.ABSENT;
        if (to.backend.stat(dest).isPresent()) return Move.PRESENT;
        long size = info.get().size();
        from.backend.save(dest, new ContentSource() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return from.backend.load(source);
            }
        });
        if (to.backend.stat(dest).map(ObjectInfo::size).orElse(-1L) != size) {
            throw new IOException("copy of " + source + " to " + dest + " is incomplete; the original is kept");
        }
        from.backend.delete(source);
        return Move.MOVED;
    }
}
