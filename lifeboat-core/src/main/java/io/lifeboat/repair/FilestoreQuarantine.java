package io.lifeboat.repair;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.Filestores;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves orphan files out of the filestore into a quarantine directory, and back. Nothing is deleted:
 * a quarantined file is renamed (same file system), and a {@code manifest.json} beside the moved
 * files lists every move so {@link #unquarantine} can undo them.
 *
 * <p>Like Odoo's own filestore garbage collector, each batch is moved while holding {@code LOCK
 * ir_attachment IN SHARE MODE} (so the connecting role needs write privileges on the table) after
 * checking again that no row references the file; a file that changed since the check stays. The
 * manifest is written (atomically) before the first move and again after the last, so an interrupted
 * run can still be undone. Moving back never overwrites a file.
 */
public final class FilestoreQuarantine {
    /** The manifest's name inside a quarantine directory. */
    public static final String MANIFEST = "manifest.json";

    private static final int BATCH = 1000;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private FilestoreQuarantine() {}

    /**
     * The quarantine manifest.
     *
     * @param state {@code in-progress} while moving, {@code complete} after
     * @param entries the moves (planned ones while in progress)
     */
    public record Manifest(
            int version, String database, String filestore, String createdAt, String state, List<Entry> entries) {}

    /** One quarantined file: {@code relative} is {@code xx/<sha1>} in both the filestore and the quarantine. */
    public record Entry(String relative, long size, boolean markedForGc) {}

    /**
     * What quarantining did.
     *
     * @param directory the new quarantine directory, or null when there was nothing to move
     * @param kept orphans left in place: referenced again or changed since the check
     */
    public record Result(
            @JsonSerialize(using = ToStringSerializer.class) Path directory,
            @JsonSerialize(using = ToStringSerializer.class) Path manifest,
            List<Entry> moved,
            List<String> kept,
            long bytes) {}

    /**
     * What moving back did.
     *
     * @param present files left in quarantine because the filestore has a file of that name
     * @param absent manifest entries not found in the quarantine
     */
    public record RestoreResult(List<String> restored, List<String> present, List<String> absent) {}

    /** The orphans of {@code report} a quarantine would move (both unmarked and marked for garbage collection). */
    public static List<Finding> orphans(CheckReport report) {
        List<Finding> out = new ArrayList<>(report.findings(FindingKind.ORPHAN_FILE));
        out.addAll(report.findings(FindingKind.ORPHAN_MARKED_FOR_GC));
        out.removeIf(f -> f.sha1() == null);
        return out;
    }

    /**
     * Moves the orphans {@code report} found into a new directory {@code <base>/<UTC timestamp>/}
     * (conventionally {@code base} is {@code <data_dir>/filestore-quarantine/<db>}), which must be on
     * the filestore's file system.
     */
    public static Result quarantine(
            CheckReport report, Path filestore, Path base, PgConnection connection, Progress progress)
            throws IOException {
        List<Finding> orphans = orphans(report);
        if (orphans.isEmpty()) return new Result(null, null, List.of(), List.of(), 0);
        Path dir = newDirectory(base);
        if (!Files.getFileStore(dir).equals(Files.getFileStore(filestore))) {
            Files.delete(dir); // empty and just created
            throw new LifeboatException(
                    Kind.USAGE,
                    "quarantine directory " + base + " is not on the filestore's file system",
                    "Choose a quarantine directory on the same file system as " + filestore + ".");
        }
        Path manifest = dir.resolve(MANIFEST);
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Entry> planned = orphans.stream()
                .map(f -> new Entry(f.storeFname(), f.fileSize(), f.kind() == FindingKind.ORPHAN_MARKED_FOR_GC))
                .toList();
        writeManifest(
                manifest, new Manifest(1, report.database(), filestore.toString(), created, "in-progress", planned));

        progress.phase("quarantine orphans", planned.size(), "files");
        LocalFilestore live = new LocalFilestore(filestore);
        LocalFilestore area = new LocalFilestore(dir);
        List<Entry> moved = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        long bytes = 0;
        try (Connection c = connection.open(report.database())) {
            c.setAutoCommit(false);
            for (int from = 0; from < planned.size(); from += BATCH) {
                List<Entry> batch = planned.subList(from, Math.min(planned.size(), from + BATCH));
                Set<String> referenced = lockAndFindReferenced(c, batch);
                try {
                    for (Entry e : batch) {
                        if (referenced.contains(e.relative())
                                || !unchanged(live, e.relative(), e.size())
                                || moveSameFileSystem(live, area, e.relative()) != Filestore.Move.MOVED) {
                            kept.add(e.relative());
                        } else {
                            moved.add(e);
                            bytes += e.size();
                        }
                        progress.advance(1);
                    }
                } finally {
                    c.commit(); // releases the lock
                }
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot lock ir_attachment in database " + report.database() + ": " + e.getMessage(),
                    "Quarantine needs the Odoo database user (it takes the lock Odoo's garbage collector takes);"
                            + " files already moved are listed in " + manifest + ".",
                    e);
        } finally {
            live.sync();
            area.sync();
            writeManifest(
                    manifest, new Manifest(1, report.database(), filestore.toString(), created, "complete", moved));
        }
        return new Result(dir, manifest, moved, kept, bytes);
    }

    /**
     * Moves the files a manifest lists back into {@code filestore} (null: the filestore the manifest
     * names), never overwriting. Running it again is harmless. The manifest is untrusted input: unless
     * every entry is a {@code xx/<sha1>} name and the filestore it names is an existing {@code
     * <data_dir>/filestore/<database>} directory, it is refused (BAD_INPUT) before anything moves.
     */
    public static RestoreResult unquarantine(Path manifestFile, Path filestore, Progress progress) throws IOException {
        Manifest m;
        try {
            m = JSON.readValue(manifestFile.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "cannot read quarantine manifest " + manifestFile + ": " + e.getMessage(),
                    "Give the manifest.json of a quarantine directory.",
                    e);
        }
        Path dir = manifestFile.toAbsolutePath().getParent();
        Path target = checkManifest(m, manifestFile, filestore);
        LocalFilestore into = new LocalFilestore(target).withOwnershipOfRoot();
        LocalFilestore area = new LocalFilestore(dir);
        progress.phase("move back from quarantine", m.entries().size(), "files");
        List<String> restored = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        try {
            for (Entry e : m.entries()) {
                Filestore.Move move;
                try {
                    move = into.unquarantine(e.relative(), area);
                } catch (NotDirectoryException x) {
                    throw new LifeboatException(
                            Kind.CONFLICT,
                            "the filestore has a symbolic link or file where a directory is needed: " + x.getFile(),
                            "Files already moved back stay in the filestore; fix the filestore and run again.");
                }
                switch (move) {
                    case MOVED -> restored.add(e.relative());
                    case PRESENT -> present.add(e.relative());
                    case ABSENT -> absent.add(e.relative());
                }
                progress.advance(1);
            }
        } finally {
            into.sync();
            area.sync();
        }
        return new RestoreResult(restored, present, absent);
    }

    /**
     * Checks everything the manifest names before anything moves, and returns the filestore to move
     * back into: {@code filestore}, or else the one the manifest names, which must be an existing
     * {@code <data_dir>/filestore/<database>} directory of the manifest's database.
     */
    private static Path checkManifest(Manifest m, Path manifestFile, Path filestore) {
        String altered = "The manifest was altered or damaged; nothing was moved. Move the files back by hand.";
        if (m == null || m.entries() == null || m.entries().contains(null)) {
            throw new LifeboatException(
                    Kind.BAD_INPUT, "quarantine manifest " + manifestFile + " has no list of entries", altered);
        }
        for (Entry e : m.entries()) {
            if (e.relative() == null || StoreFname.parse(e.relative()).isEmpty()) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "quarantine manifest " + manifestFile + " names an unsafe path: " + e.relative(),
                        altered);
            }
        }
        if (filestore != null) return filestore;
        if (!DatabaseNames.isValid(m.database())) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "quarantine manifest " + manifestFile + " names an invalid database: "
                            + DatabaseNames.quoted(m.database()),
                    altered);
        }
        Path target = null;
        try {
            if (m.filestore() != null) target = Path.of(m.filestore());
        } catch (InvalidPathException e) {
            // refused below
        }
        if (target == null || !Filestores.isDirectoryOf(target, m.database()) || !Files.isDirectory(target)) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "quarantine manifest " + manifestFile + " names filestore " + DatabaseNames.quoted(m.filestore())
                            + ", which is not an existing <data_dir>/filestore/" + m.database() + " directory",
                    altered + " Or name the database with -d to move the files into its filestore.");
        }
        return target;
    }

    private static Path newDirectory(Path base) throws IOException {
        Files.createDirectories(base);
        String stamp = STAMP.format(Instant.now());
        for (int n = 0; ; n++) {
            Path dir = base.resolve(n == 0 ? stamp : stamp + "-" + n);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // same second: try the next suffix
            }
        }
    }

    private static Set<String> lockAndFindReferenced(Connection c, List<Entry> batch) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout TO '10s'");
            s.execute("LOCK ir_attachment IN SHARE MODE");
        }
        Set<String> referenced = new HashSet<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname = ANY(?)")) {
            Array names = c.createArrayOf(
                    "varchar", batch.stream().map(Entry::relative).toArray());
            s.setArray(1, names);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) referenced.add(rs.getString(1));
            }
            names.free();
        }
        return referenced;
    }

    private static boolean unchanged(Filestore filestore, String name, long size) throws IOException {
        return filestore.stat(name).map(f -> f.size() == size).orElse(false);
    }

    private static Filestore.Move moveSameFileSystem(LocalFilestore from, LocalFilestore area, String name)
            throws IOException {
        try {
            return from.quarantine(name, area);
        } catch (AtomicMoveNotSupportedException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot move " + from.path(name) + " into the quarantine without copying",
                    "Choose a quarantine directory on the filestore's file system.",
                    e);
        }
    }

    private static void writeManifest(Path file, Manifest m) throws IOException {
        Repairs.writeAtomically(file, JSON.writeValueAsBytes(m));
    }
}
