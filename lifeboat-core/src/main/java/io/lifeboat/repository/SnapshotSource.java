package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.repository.internal.Crypto;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot as a {@link RestoreSource}. Every stream checks what it delivers — each blob against its
 * id, the whole dump against its SHA-256, each file against its SHA-1 — and fails at the end rather
 * than end early or deliver wrong bytes. {@link #open} is thread-safe: callers restore files in
 * parallel; each stream also fetches ahead on the repository's read pool. Holds a shared lock until
 * closed.
 */
public final class SnapshotSource implements RestoreSource {
    private final Repository repo;
    private final SnapshotInfo info;
    private final Tree tree;
    private final Map<String, Tree.FileEntry> byPath = new HashMap<>();
    private final RepositoryLock lock;

    SnapshotSource(Repository repo, SnapshotInfo info) throws IOException {
        this.repo = repo;
        this.info = info;
        this.lock = repo.lock(false, "restore");
        try {
            this.tree = repo.loadTree(info);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        for (Tree.FileEntry f : tree.files) byPath.put(f.path(), f);
    }

    public SnapshotInfo info() {
        return info;
    }

    @Override
    public Optional<JsonNode> manifest() {
        return Optional.ofNullable(tree.manifest);
    }

    /** The capture report stored with the snapshot, when there is one. */
    public Optional<JsonNode> report() {
        return Optional.ofNullable(tree.report).filter(r -> !r.isNull());
    }

    @Override
    public String describe() {
        return "snapshot " + info.shortId() + " of " + info.instance() + "/" + info.database() + " at " + info.time()
                + " in " + repo.location();
    }

    @Override
    public Optional<DumpFormat> dumpFormat() {
        return Optional.ofNullable(tree.dump).map(Tree.DumpPart::format);
    }

    /**
     * The base backup's tar stream (format §13), checked against its SHA-256 and size as it is read.
     *
     * @throws LifeboatException USAGE when the snapshot is not a base backup
     */
    public InputStream openBaseBackup() throws IOException {
        Tree.DumpPart d = tree.baseBackup;
        if (d == null || info.baseBackup() == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    describe() + " is not a base backup",
                    "Take one with 'lifeboat basebackup'; list them with 'lifeboat snapshots'.");
        }
        return new Checked(repo.blobStream(d.chunks(), 4), Crypto.sha256(), d.sha256(), d.size(), "base backup");
    }

    @Override
    public InputStream openDump() throws IOException {
        Tree.DumpPart d = tree.dump;
        if (d == null && tree.baseBackup != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    describe() + " is a PostgreSQL base backup, not an Odoo backup",
                    "Start a side copy from it with 'lifeboat recover'.");
        }
        if (d == null) {
            throw new LifeboatException(
                    Kind.USAGE, describe() + " holds no database dump", "Restore the filestore only.");
        }
        return new Checked(repo.blobStream(d.chunks(), 4), Crypto.sha256(), d.sha256(), d.size(), "database dump");
    }

    @Override
    public Path dumpPath(Path scratch) throws IOException {
        DumpFormat f = dumpFormat()
                .orElseThrow(() -> new LifeboatException(
                        Kind.USAGE, describe() + " holds no database dump", "Restore the filestore only."));
        if (f == DumpFormat.DIRECTORY) throw new IllegalStateException("snapshots hold plain or custom dumps");
        Files.createDirectories(scratch);
        Path target = scratch.resolve(f == DumpFormat.PLAIN ? "dump.sql" : "dump.custom");
        Path tmp = Files.createTempFile(scratch, ".dump", ".tmp");
        try {
            try (InputStream in = openDump();
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                in.transferTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    @Override
    public List<FileRef> files() {
        return tree.files.stream()
                .filter(f -> !f.path().startsWith("checklist/"))
                .map(f -> new FileRef(f.path(), f.sha1(), f.size()))
                .toList();
    }

    @Override
    public InputStream open(FileRef file) throws IOException {
        Tree.FileEntry f = byPath.get(file.relative());
        if (f == null) {
            throw new LifeboatException(
                    Kind.USAGE, "file " + file.relative() + " is not in " + describe(), "List the snapshot's files.");
        }
        return fileStream(repo, f);
    }

    /**
     * Without the SHA-1 when the file's name is the SHA-1 the tree records: the caller computes exactly
     * that digest, and the blobs are authenticated as they are read (length still checked).
     */
    @Override
    public InputStream openForFilestore(FileRef file) throws IOException {
        Tree.FileEntry f = byPath.get(file.relative());
        String name = file.relative().substring(file.relative().lastIndexOf('/') + 1);
        if (f == null || !name.equals(f.sha1())) return open(file);
        return new Checked(repo.blobStream(f.blobs(), 2), null, null, f.size(), "file " + f.path());
    }

    static InputStream fileStream(Repository repo, Tree.FileEntry f) {
        return new Checked(repo.blobStream(f.blobs(), 2), Crypto.sha1(), f.sha1(), f.size(), "file " + f.path());
    }

    @Override
    public void close() {
        lock.close();
    }

    /** Fails at the end when the digest or length is not what the tree promises. */
    private static final class Checked extends FilterInputStream {
        private final MessageDigest md;
        private final String expected;
        private final long size;
        private final String what;
        private long n;
        private boolean checked;

        Checked(InputStream in, MessageDigest md, String expected, long size, String what) {
            super(in);
            this.md = md;
            this.expected = expected;
            this.size = size;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int r = read(b, 0, 1);
            return r < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                if (md != null) md.update(b, off, r);
                n += r;
            } else if (r < 0 && !checked) {
                checked = true;
                String got = md == null ? null : Crypto.hex(md.digest());
                if (n != size || (expected != null && !got.equals(expected))) {
                    throw new LifeboatException(
                            Kind.INTEGRITY,
                            what + " read back from the repository does not match its checksum",
                            "Run verify --read-data to see what is damaged.");
                }
            }
            return r;
        }

        @Override
        public long skip(long k) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < k) {
                int r = read(buf, 0, (int) Math.min(buf.length, k - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }
    }
}
