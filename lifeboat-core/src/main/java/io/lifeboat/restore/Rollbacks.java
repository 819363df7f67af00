package io.lifeboat.restore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollback points left by restores that replaced a database: the replaced database (renamed) and
 * filestore directory (renamed), recorded in {@code <data_dir>/lifeboat/rollback/<target>.json}, newest
 * last. {@link #rollback} swaps the newest point back in (the data it replaces becomes the new rollback
 * point, so a rollback can itself be undone); {@link #discard} removes points on purpose. Records are
 * written to a temporary file, synced and renamed.
 */
public final class Rollbacks {

    /** One rollback point; either field may be null when only the other was replaced. */
    public record Point(String database, String filestore, String source, String createdAt) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
        Path file = file(target);
        if (!Files.exists(file)) return new ArrayList<>();
        return new ArrayList<>(JSON.readValue(file.toFile(), new TypeReference<List<Point>>() {}));
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
        RestoreEngine.validateName(target);
        List<Point> points = list(target);
        if (points.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no rollback point for " + target,
                    "Rollback points are created by 'lifeboat restore --replace'.");
        }
        Point point = points.get(points.size() - 1);
        String aside = asideName(target);
        Path live = dataDir.resolve("filestore").resolve(target);
        try (Admin admin = new Admin(server)) {
            if (point.database() != null) {
                if (!admin.exists(point.database())) {
                    throw new LifeboatException(
                            Kind.INTEGRITY, "rollback database " + point.database() + " no longer exists", null);
                }
                boolean targetExists = admin.exists(target);
                admin.swapDatabases(target, point.database(), targetExists ? aside : null);
            }
            Path asideDir = null;
            if (point.filestore() != null) {
                Path saved = Path.of(point.filestore());
                if (Files.exists(live)) {
                    asideDir = dataDir.resolve("filestore").resolve(aside);
                    Files.move(live, asideDir, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(saved, live, StandardCopyOption.ATOMIC_MOVE);
            }
            points.remove(points.size() - 1);
            points.add(new Point(
                    point.database() != null ? aside : null,
                    asideDir == null ? null : asideDir.toString(),
                    "state before rollback",
                    java.time.Instant.now().toString()));
            write(target, points);
        }
        return point;
    }

    /** Drops every rollback database and deletes every rollback filestore of {@code target}. */
    public List<Point> discard(PgConnection server, String target) throws IOException, SQLException {
        RestoreEngine.validateName(target);
        List<Point> points = list(target);
        List<Point> done = new ArrayList<>();
        try (Admin admin = new Admin(server)) {
            for (Point p : List.copyOf(points)) {
                if (p.database() != null && admin.exists(p.database())) admin.drop(p.database());
                if (p.filestore() != null) RestoreEngine.deleteTreeQuietly(Path.of(p.filestore()));
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
