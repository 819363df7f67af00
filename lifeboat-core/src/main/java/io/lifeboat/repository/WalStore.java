package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.BlobType;
import io.lifeboat.repository.internal.IndexEntry;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The WAL archive of a repository (format §13): one object {@code wal/<system id>/<file name>} per
 * archived file, a pack holding that file as its only blob. Pushing needs only the writer key;
 * reading needs the secret key. Thread-safe.
 */
public final class WalStore {

    /** What a push did. */
    public enum Pushed {
        /** The file was stored. */
        STORED,
        /** The same content was already archived under that name; nothing was written. */
        ALREADY_ARCHIVED
    }

    /** An archived file as listed: its name parsed and its stored size. */
    public record Archived(String systemId, WalFile file, long storedSize) {}

    private static final Pattern SYSTEM_ID = Pattern.compile("[0-9]{1,20}");
    private static final String PREFIX = "wal/";
    /** WAL compresses well even at zstd's fastest level, and archiving must keep up with the cluster. */
    private static final int WAL_ZSTD_LEVEL = 1;

    private final Repository repo;

    WalStore(Repository repo) {
        this.repo = repo;
    }

    /**
     * Archives {@code file} under {@code name} for cluster {@code systemId}. A segment's page header
     * must name that cluster and that segment. Returns once the object is durable in the backend.
     *
     * @throws LifeboatException CONFLICT when a different file is already archived under the name;
     *     BAD_INPUT when the name or the segment is not valid
     */
    public Pushed push(String systemId, String name, Path file) throws IOException {
        checkSystemId(systemId);
        WalFile wal = WalFile.parse(name);
        byte[] content = Files.readAllBytes(file);
        if (wal.isSegment()) {
            WalFile.SegmentHeader h = wal.header(content, content.length);
            if (!h.systemId().equals(systemId)) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        name + " belongs to the cluster with system identifier " + h.systemId() + ", not " + systemId,
                        "Two clusters archive into the same place, or the file was copied from another cluster.");
            }
            if (wal.kind() == WalFile.Kind.SEGMENT && content.length != h.segmentSize()) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        name + " has " + content.length + " bytes; the cluster's segments have " + h.segmentSize(),
                        "Archive only complete segments as PostgreSQL hands them to archive_command.");
            }
        }
        BlobId id = repo.keys().blobId(content, 0, content.length);
        String object = objectName(systemId, name);
        Optional<ObjectInfo> existing = repo.backend().stat(object);
        if (existing.isPresent()) {
            BlobId stored = readEntry(object, existing.get().size()).id();
            if (stored.equals(id)) return Pushed.ALREADY_ARCHIVED;
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "a different " + wal.kind().label() + " is already archived as " + name,
                    "PostgreSQL never archives two contents under one name for one cluster: check that no other"
                            + " cluster with this system identifier archives here, and keep the archived file.");
        }
        Packs.Builder b = new Packs.Builder(repo.recipientKeys(), repo.keys().metaKey());
        b.add(Packs.encode(id, BlobType.DATA, content, 0, content.length, WAL_ZSTD_LEVEL));
        Packs.Finished pack = b.finish();
        repo.backend().save(object, pack.content());
        return Pushed.STORED;
    }

    /**
     * Writes the archived file {@code name} of cluster {@code systemId} to {@code out}, after
     * authenticating it and checking its id (and a segment's header) against its content.
     *
     * @throws LifeboatException NOT_FOUND-like USAGE when it is not archived (see {@link #exists})
     */
    public void get(String systemId, String name, OutputStream out) throws IOException {
        out.write(read(systemId, name));
    }

    /** The archived file's content, authenticated and checked. */
    public byte[] read(String systemId, String name) throws IOException {
        repo.requireRead("read archived WAL");
        checkSystemId(systemId);
        WalFile wal = WalFile.parse(name);
        String object = objectName(systemId, name);
        byte[] whole;
        try (InputStream in = repo.backend().load(object)) {
            whole = in.readAllBytes();
        } catch (ObjectNotFoundException e) {
            throw notArchived(systemId, name);
        }
        List<IndexEntry> entries =
                Packs.parseHeader(object, whole, whole.length, repo.keys().metaKey());
        if (entries.size() != 1 || entries.get(0).type() != BlobType.DATA)
            throw Packs.damaged(object, "a WAL object holds exactly one data blob");
        IndexEntry e = entries.get(0);
        if (e.offset() < 0 || e.offset() + e.storedLength() > whole.length)
            throw Packs.damaged(object, "blob outside the object");
        int plen = Packs.prefixLength(object, java.util.Arrays.copyOf(whole, 6));
        byte[] key = repo.fileKeyOf(object, java.util.Arrays.copyOf(whole, plen));
        byte[] content = Packs.openBlob(key, e, whole, (int) e.offset(), repo.keys());
        if (wal.isSegment()) {
            WalFile.SegmentHeader h = wal.header(content, content.length);
            if (!h.systemId().equals(systemId))
                throw Packs.damaged(object, "the segment belongs to system " + h.systemId());
        }
        return content;
    }

    /** Whether {@code name} is archived for {@code systemId}. */
    public boolean exists(String systemId, String name) throws IOException {
        checkSystemId(systemId);
        WalFile.parse(name);
        return repo.backend().stat(objectName(systemId, name)).isPresent();
    }

    /** The system identifiers that have archived files. */
    public List<String> systems() throws IOException {
        List<String> out = new ArrayList<>();
        for (ObjectInfo o : repo.backend().list(PREFIX)) {
            String rest = o.name().substring(PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && SYSTEM_ID.matcher(rest.substring(0, slash)).matches()) {
                String id = rest.substring(0, slash);
                if (!out.contains(id)) out.add(id);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The archived files of {@code systemId}, sorted by name. Objects with foreign names are skipped. */
    public List<Archived> list(String systemId) throws IOException {
        checkSystemId(systemId);
        String prefix = PREFIX + systemId + "/";
        List<Archived> out = new ArrayList<>();
        for (ObjectInfo o : repo.backend().list(prefix)) {
            String name = o.name().substring(prefix.length());
            if (!WalFile.isValid(name)) continue;
            out.add(new Archived(systemId, WalFile.parse(name), o.size()));
        }
        out.sort(Comparator.comparing(a -> a.file().name()));
        return out;
    }

    private IndexEntry readEntry(String object, long size) throws IOException {
        List<IndexEntry> entries = Packs.readHeaderOf(
                repo.backend(), object, object, size, repo.keys().metaKey());
        if (entries.size() != 1) throw Packs.damaged(object, "a WAL object holds exactly one blob");
        return entries.get(0);
    }

    static String objectName(String systemId, String name) {
        return PREFIX + systemId + "/" + name;
    }

    private static void checkSystemId(String systemId) {
        if (systemId == null || !SYSTEM_ID.matcher(systemId).matches())
            throw new LifeboatException(
                    Kind.USAGE,
                    "not a database system identifier: " + systemId,
                    "The system identifier is the decimal number pg_controldata prints.");
    }

    private static LifeboatException notArchived(String systemId, String name) {
        return new LifeboatException(
                Kind.USAGE,
                name + " is not archived for system " + systemId,
                "Run 'lifeboat wal verify' to see the archive.");
    }
}
