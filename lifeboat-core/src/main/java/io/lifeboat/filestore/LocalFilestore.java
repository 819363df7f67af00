package io.lifeboat.filestore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A filestore directory, as Odoo keeps it: {@code <root>/xx/<sha1>}.
 *
 * <p>{@link #put} writes a temporary file {@code .lifeboat-<sha1>.<random>.tmp} in the file's own {@code
 * xx/} directory, forces it to disk, checks its SHA-1 and gives it its name with a hard link, which fails
 * when the name exists (on a file system without hard links: a rename after checking the name is free),
 * so an existing file is never replaced; the temporary file is removed in every case. A killed process
 * leaves at most temporary files; the next {@link #put} of the same SHA-1 into an existing directory
 * removes them. Directory entries become durable with {@link #sync()}.
 *
 * <p>Symbolic links are never followed below the root, and special files (FIFO, socket, device) are
 * never opened: they are listed as strays.
 */
public final class LocalFilestore implements Filestore {
    private static final String TEMP_PREFIX = ".lifeboat-";
    private static final int BUFFER_SIZE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_SIZE));
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final boolean forceEachFile;
    private final boolean inheritOwnership;
    private final Object[] locks = new Object[64];
    /** Buckets this instance created: they cannot hold temporary files of an earlier run. */
    private final Set<String> madeBuckets = ConcurrentHashMap.newKeySet();
    /** Directories whose entries changed since the last {@link #sync()}. */
    private final Set<Path> unsynced = ConcurrentHashMap.newKeySet();

    private volatile Ownership ownership;

    /** The filestore directory {@code root}; every file is forced to disk before it gets its name. */
    public LocalFilestore(Path root) {
        this(root, true, false);
    }

    private LocalFilestore(Path root, boolean forceEachFile, boolean inheritOwnership) {
        this.root = root;
        this.forceEachFile = forceEachFile;
        this.inheritOwnership = inheritOwnership;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    /**
     * The same directory, giving new directories and files the owner, group and permissions of the root
     * directory (files without execute bits), so files written as root stay usable by the Odoo user.
     */
    public LocalFilestore withOwnershipOfRoot() {
        return new LocalFilestore(root, forceEachFile, true);
    }

    /**
     * The same directory, without forcing each file to disk before it gets its name: for a filestore
     * nobody uses before the caller has flushed the whole file system (a restore's temporary filestore).
     */
    public LocalFilestore withDeferredSync() {
        return new LocalFilestore(root, false, inheritOwnership);
    }

    /** The directory. */
    public Path directory() {
        return root;
    }

    /** Where the file {@code name} ({@code xx/<sha1>}) is or would be. */
    public Path path(String name) {
        Names.check(name);
        return root.resolve(name.substring(0, 2)).resolve(name.substring(3));
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public String toString() {
        return location();
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(root);
    }

    @Override
    public Listing root() throws IOException {
        if (!Files.isDirectory(root)) return new Listing(List.of(), List.of());
        List<String> buckets = new ArrayList<>();
        List<String> markerDirs = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path p : children) {
                String name = p.getFileName().toString();
                BasicFileAttributes a = attributes(p);
                if (a == null) continue;
                if (a.isDirectory() && Names.isBucket(name)) buckets.add(name);
                else if (a.isDirectory() && name.equals(Names.CHECKLIST)) checklist(p, markerDirs, entries);
                else if (a.isOther()) entries.add(stray(name, a, specialFile(p) + " (never opened)"));
                else entries.add(stray(name, a, "unexpected entry in the filestore root"));
            }
        }
        buckets.addAll(markerDirs);
        return new Listing(buckets, entries);
    }

    private static void checklist(Path checklist, List<String> markerDirs, List<Entry> entries) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(checklist)) {
            for (Path p : children) {
                String name = Names.CHECKLIST + "/" + p.getFileName();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && Names.isMarkerDirectory(p.getFileName().toString())) {
                    markerDirs.add(name);
                } else {
                    entries.add(new Entry(name, Entry.Kind.MARKER, 0, null));
                }
            }
        }
    }

    @Override
    public List<Entry> list(String directory) throws IOException {
        Names.checkDirectory(directory);
        Path dir = root.resolve(directory);
        List<Entry> out = new ArrayList<>();
        boolean markers = directory.startsWith(Names.CHECKLIST + "/");
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path p : children) {
                String name = p.getFileName().toString();
                String relative = directory + "/" + name;
                if (markers) {
                    out.add(new Entry(relative, Entry.Kind.MARKER, 0, null));
                    continue;
                }
                boolean named = Names.isSha1(name) && name.startsWith(directory);
                // stat before any open: opening a FIFO for reading would block forever
                BasicFileAttributes a = attributes(p);
                if (a == null) continue;
                if (a.isOther()) out.add(stray(relative, a, specialFile(p) + " (never opened)"));
                else if (!named) out.add(stray(relative, a, "name is not the SHA-1 of a file in this directory"));
                else if (a.isSymbolicLink()) out.add(stray(relative, a, "symbolic link (never followed)"));
                else if (!a.isRegularFile()) out.add(stray(relative, a, "not a regular file"));
                else out.add(new Entry(relative, Entry.Kind.FILE, a.size(), null));
            }
        }
        return out;
    }

    private static Entry stray(String relative, BasicFileAttributes a, String reason) {
        return new Entry(relative, Entry.Kind.STRAY, a.isRegularFile() ? a.size() : 0, reason);
    }

    /** What kind of special file {@code p} is: FIFO, socket, device. Never opens it. */
    static String specialFile(Path p) {
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
            return switch (type) {
                case 0010000 -> "special file: FIFO";
                case 0140000 -> "special file: socket";
                case 0020000 -> "special file: character device";
                case 0060000 -> "special file: block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "special file";
        }
    }

    @Override
    public Optional<Entry> stat(String name) throws IOException {
        BasicFileAttributes a = attributes(path(name));
        return a != null && a.isRegularFile()
                ? Optional.of(new Entry(name, Entry.Kind.FILE, a.size(), null))
                : Optional.empty();
    }

    @Override
    public InputStream open(String name) throws IOException {
        Path p = regularFile(name);
        return Files.newInputStream(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Digest hash(String name) throws IOException {
        return digest(regularFile(name));
    }

    /** The path of {@code name}, after checking (without opening it) that it is a regular file. */
    private Path regularFile(String name) throws IOException {
        Path p = path(name);
        BasicFileAttributes a = attributes(p);
        if (a == null) throw new NoSuchFileException(p.toString());
        if (!a.isRegularFile()) throw new FileSystemException(p.toString(), null, "not a regular file");
        return p;
    }

    private static Digest digest(Path file) throws IOException {
        MessageDigest sha1 = Names.sha1();
        ByteBuffer buffer = BUFFERS.get();
        long n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                buffer.clear();
                int r = ch.read(buffer);
                if (r < 0) break;
                buffer.flip();
                sha1.update(buffer);
                n += r;
            }
        }
        return new Digest(Names.hex(sha1.digest()), n);
    }

    @Override
    public Put put(String name, InputStream content) throws IOException {
        String sha1 = Names.sha1(name);
        synchronized (locks[(name.hashCode() & 0x7fffffff) % locks.length]) {
            Path bucket = bucket(name.substring(0, 2));
            Path target = bucket.resolve(sha1);
            Path tmp = bucket.resolve(TEMP_PREFIX + sha1 + "." + randomHex() + ".tmp");
            try {
                String actual = write(content, tmp);
                if (!actual.equals(sha1)) throw new ContentMismatchException(name, actual);
                if (inheritOwnership) ownership().applyToFile(tmp);
                if (link(tmp, target)) {
                    unsynced.add(bucket);
                    return Put.PLACED;
                }
                BasicFileAttributes a = attributes(target);
                if (a != null && a.isRegularFile() && digest(target).sha1().equals(sha1)) return Put.PRESENT;
                throw new FileConflictException(name, location());
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * The {@code xx/} directory, created when missing; temporary files an interrupted run left there for
     * this SHA-1 are removed by the caller's put.
     */
    private Path bucket(String xx) throws IOException {
        Path dir = root.resolve(xx);
        BasicFileAttributes a = attributes(dir);
        if (a == null) {
            Files.createDirectories(dir);
            madeBuckets.add(xx);
            if (inheritOwnership) ownership().applyToDirectory(dir);
            if (forceEachFile) syncDirectory(root);
            else unsynced.add(root);
        } else if (!a.isDirectory()) {
            throw new NotDirectoryException(dir.toString());
        }
        return dir;
    }

    /** Writes {@code content} to the new file {@code tmp}; returns the SHA-1 of what was written. */
    private String write(InputStream content, Path tmp) throws IOException {
        if (!madeBuckets.contains(tmp.getParent().getFileName().toString())) removeStaleTemps(tmp);
        MessageDigest md = Names.sha1();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            ByteBuffer wrap = ByteBuffer.wrap(buf);
            int r;
            while ((r = content.read(buf)) >= 0) {
                md.update(buf, 0, r);
                wrap.clear().limit(r);
                while (wrap.hasRemaining()) ch.write(wrap);
            }
            if (forceEachFile) ch.force(true);
        }
        return Names.hex(md.digest());
    }

    /** Removes temporary files an interrupted run left for the SHA-1 {@code tmp} is for. */
    private static void removeStaleTemps(Path tmp) throws IOException {
        String name = tmp.getFileName().toString();
        String sha1 = name.substring(TEMP_PREFIX.length(), TEMP_PREFIX.length() + 40);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp.getParent(), TEMP_PREFIX + sha1 + ".*.tmp")) {
            for (Path t : temps) Files.deleteIfExists(t);
        }
    }

    /** Gives {@code from} the additional name {@code to} unless that exists; false when it existed. */
    private static boolean link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here: fall back to a rename that refuses an existing target
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) return false;
            try {
                Files.move(from, to);
                return true;
            } catch (FileAlreadyExistsException e2) {
                return false;
            }
        }
    }

    /**
     * Renames the file into {@code area}, a {@link LocalFilestore} on the same file system (never copies:
     * {@link java.nio.file.AtomicMoveNotSupportedException} otherwise). Only a regular file is moved.
     */
    @Override
    public Move quarantine(String name, Filestore area) throws IOException {
        LocalFilestore to = local(area);
        Path from = path(name);
        BasicFileAttributes a = attributes(from);
        if (a == null || !a.isRegularFile()) return Move.ABSENT;
        Path dest = to.path(name);
        if (!Files.isDirectory(dest.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dest.getParent());
            to.unsynced.add(to.root);
        }
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) return Move.PRESENT;
        Files.move(from, dest, StandardCopyOption.ATOMIC_MOVE);
        unsynced.add(from.getParent());
        to.unsynced.add(dest.getParent());
        return Move.MOVED;
    }

    /**
     * Moves the file back from {@code area} with a hard link (a rename, or a copy across file systems,
     * where there are none), never overwriting.
     *
     * @throws NotDirectoryException when this filestore has something other than a directory where the
     *     file's {@code xx/} directory belongs
     */
    @Override
    public Move unquarantine(String name, Filestore area) throws IOException {
        LocalFilestore from = local(area);
        Path src = from.path(name);
        Path dest = path(name);
        if (!Files.isDirectory(src.getParent(), LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
            return Move.ABSENT;
        }
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) return Move.PRESENT;
        Path dir = dest.getParent();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            if (inheritOwnership) ownership().applyToDirectory(dir);
            unsynced.add(root);
        } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotDirectoryException(dir.toString());
        }
        if (!link(src, dest)) return Move.PRESENT;
        Files.deleteIfExists(src);
        unsynced.add(dir);
        from.unsynced.add(src.getParent());
        return Move.MOVED;
    }

    private static LocalFilestore local(Filestore area) {
        if (area instanceof LocalFilestore l) return l;
        throw new IllegalArgumentException("a directory filestore moves files only to and from a directory: " + area);
    }

    @Override
    public boolean delete(String name, long size) throws IOException {
        Path p = path(name);
        BasicFileAttributes a = attributes(p);
        if (a == null || !a.isRegularFile() || a.size() != size) return false;
        boolean removed = Files.deleteIfExists(p);
        if (removed) unsynced.add(p.getParent());
        return removed;
    }

    @Override
    public void sync() {
        for (Path dir : List.copyOf(unsynced)) {
            unsynced.remove(dir);
            syncDirectory(dir);
        }
    }

    private Ownership ownership() {
        Ownership o = ownership;
        if (o == null) ownership = o = Ownership.of(root);
        return o;
    }

    /** Forces a directory's entries to disk; ignored where the platform cannot open directories. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every file system lets a directory be opened for sync
        }
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if (e instanceof java.nio.file.AccessDeniedException) throw e;
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? rethrow(e) : null; // a parent is not a directory
        }
    }

    private static BasicFileAttributes rethrow(IOException e) throws IOException {
        throw e;
    }

    private static String randomHex() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
