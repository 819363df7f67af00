package io.lifeboat.restore;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestores;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.postgres.PgConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rollback points left by restores that replaced a database: the replaced database (renamed) and
 * filestore directory (renamed), recorded in {@code <data_dir>/lifeboat/rollback/<target>.json}, newest
 * last. {@link #rollback} swaps the newest point back in (the data it replaces becomes the new rollback
 * point, so a rollback can itself be undone); {@link #discard} removes points on purpose. Records are
 * written to a temporary file, synced and renamed.
 *
 * <p>A record is read back as untrusted input: before {@link #rollback} or {@link #discard} touches
 * anything, every point must name a database called like a rollback database of the target ({@code
 * <target>_lbold_<UTC time>_<4 hex>}) and a filestore directory of that name directly under {@code
 * <data_dir>/filestore}; otherwise the record is refused (BAD_INPUT) and nothing changes.
 */
public final class Rollbacks {

    /** One rollback point; either field may be null when only the other was replaced. */
    public record Point(String database, String filestore, String source, String createdAt) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern ASIDE_SUFFIX = Pattern.compile("_lbold_[0-9]{14}_[0-9a-f]{4}");
    private static final String ALTERED_HINT = "The record was altered or damaged; nothing was changed. Roll back"
            + " or clean up by hand (the rollback databases and filestores are named <database>_lbold_<time>_<hex>).";
    private final Path dataDir;
    private final Path dir;

    private Rollbacks(Path dataDir) {
        this.dataDir = dataDir;
        this.dir = dataDir.resolve("lifeboat").resolve("rollback");
    }

    public static Rollbacks of(Path dataDir) {
        return new Rollbacks(dataDir);
    }

    /** A fresh name for data set aside as a rollback point: {@code <target>_lbold_<UTC time>_<random>}. */
    static String asideName(String target) {
        byte[] b = new byte[2];
        new java.security.SecureRandom().nextBytes(b);
        String ts = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        return RestoreEngine.shorten(
                target, "_lbold_" + ts + "_" + java.util.HexFormat.of().formatHex(b));
    }

    /** Rollback points of {@code target}, oldest first. */
    public synchronized List<Point> list(String target) throws IOException {
        RestoreEngine.validateName(target);
        Path file = file(target);
        if (!Files.exists(file)) return new ArrayList<>();
        List<Point> points;
        try {
            points = JSON.readValue(file.toFile(), new TypeReference<List<Point>>() {});
        } catch (JacksonException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "cannot read rollback record " + file + ": " + e.getOriginalMessage(),
                    ALTERED_HINT,
                    e);
        }
        if (points == null || points.contains(null)) {
            throw new LifeboatException(
                    Kind.BAD_INPUT, "rollback record " + file + " has an empty entry", ALTERED_HINT);
        }
        return new ArrayList<>(points);
    }

    /** {@link #list}, refused unless every point names only rollback data of {@code target}. */
    private List<Point> checkedList(String target) throws IOException {
        List<Point> points = list(target);
        Path root = Filestores.root(dataDir).toAbsolutePath().normalize();
        for (Point p : points) {
            if (p.database() != null && !isAsideOf(p.database(), target)) {
                throw altered(
                        target,
                        "names database " + DatabaseNames.quoted(p.database())
                                + ", which is not a rollback database of " + target);
            }
            if (p.filestore() != null && filestoreOf(p, target, root) == null) {
                throw altered(
                        target,
                        "names filestore " + DatabaseNames.quoted(p.filestore())
                                + ", which is not a rollback filestore of " + target + " in " + root);
            }
        }
        return points;
    }

    /** The point's filestore directory, or null unless it is {@code <root>/<rollback name of target>}. */
    private static Path filestoreOf(Point p, String target, Path root) {
        Path dir;
        try {
            dir = Path.of(p.filestore()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        return root.equals(dir.getParent()) && isAsideOf(dir.getFileName().toString(), target) ? dir : null;
    }

    /** Whether {@code name} is a name {@link #asideName} gives for {@code target}. */
    static boolean isAsideOf(String name, String target) {
        if (!DatabaseNames.isValid(name)) return false;
        int at = name.lastIndexOf("_lbold_");
        if (at < 0) return false;
        String suffix = name.substring(at);
        return ASIDE_SUFFIX.matcher(suffix).matches()
                && RestoreEngine.shorten(target, suffix).equals(name);
    }

    private LifeboatException altered(String target, String problem) {
        return new LifeboatException(Kind.BAD_INPUT, "rollback record " + file(target) + " " + problem, ALTERED_HINT);
    }

    synchronized void add(String target, Point point) throws IOException {
        List<Point> points = list(target);
        points.add(point);
        write(target, points);
    }

    synchronized void removeLatest(String target) throws IOException {
        List<Point> points = list(target);
        if (!points.isEmpty()) points.remove(points.size() - 1);
        write(target, points);
    }

    /**
     * Swaps the newest rollback point of {@code target} back in; the current database and filestore
     * take its place as the newest rollback point. Returns the point that is now live.
     */
    public Point rollback(PgConnection server, String target) throws IOException, SQLException {
        List<Point> points = checkedList(target);
        if (points.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no rollback point for " + target,
                    "Rollback points are created by 'lifeboat restore --replace'.");
        }
        Point point = points.get(points.size() - 1);
        String aside = asideName(target);
        Path root = Filestores.root(dataDir).toAbsolutePath().normalize();
        try (Admin admin = new Admin(server)) {
            if (point.database() != null && !admin.exists(point.database())) {
                throw new LifeboatException(
                        Kind.INTEGRITY, "rollback database " + point.database() + " no longer exists", null);
            }
            Path live = Filestores.directory(dataDir, target);
            boolean liveDirExists = point.filestore() != null && Files.exists(live);
            Swap.apply(
                    admin,
                    new Swap.Plan(
                            target,
                            point.database(),
                            point.database() != null && admin.exists(target),
                            aside,
                            live,
                            point.filestore() != null ? filestoreOf(point, target, root) : null,
                            liveDirExists,
                            Filestores.directory(dataDir, aside)));
            points.remove(points.size() - 1);
            points.add(new Point(
                    point.database() != null ? aside : null,
                    liveDirExists ? Filestores.directory(dataDir, aside).toString() : null,
                    "state before rollback",
                    java.time.Instant.now().toString()));
            write(target, points);
        }
        return point;
    }

    /** Drops every rollback database and deletes every rollback filestore of {@code target}. */
    public List<Point> discard(PgConnection server, String target) throws IOException, SQLException {
        List<Point> points = checkedList(target);
        List<Point> done = new ArrayList<>();
        try (Admin admin = new Admin(server)) {
            for (Point p : List.copyOf(points)) {
                if (p.database() != null && admin.exists(p.database())) admin.drop(p.database());
                if (p.filestore() != null) {
                    Trees.deleteQuietly(filestoreOf(
                            p, target, Filestores.root(dataDir).toAbsolutePath().normalize()));
                }
                points.remove(p);
                done.add(p);
                write(target, points);
            }
        }
        return done;
    }

    private Path file(String target) {
        return dir.resolve(target + ".json");
    }

    private void write(String target, List<Point> points) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target + ".json.tmp");
        Files.write(tmp, JSON.writeValueAsBytes(points));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
