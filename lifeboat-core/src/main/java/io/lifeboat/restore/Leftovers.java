package io.lifeboat.restore;

import io.lifeboat.filestore.Filestores;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What interrupted or killed runs left behind: temporary databases ({@code *_lbnew_*}), restore roles
 * ({@code lifeboat_restore_*}), temporary filestore directories and partial files.
 *
 * <p>A leftover is <em>proven</em> when the ledger of the run that made it ({@link RunLedger}) names a
 * process of this host that is gone; those are safe to remove. Names that only match the patterns, with no
 * ledger, have an unknown origin (a run of an older version, or of another host using the same server)
 * and are removed only on request. Resources of live runs are never listed.
 */
public final class Leftovers {

    /**
     * @param type database, role, directory or file
     * @param name its name or path
     * @param origin the run that made it, or "unknown"
     * @param proven whether that run is known to be gone
     */
    public record Item(String type, String name, String origin, boolean proven) {}

    private Leftovers() {}

    /** Lists leftovers on the server and under {@code dataDir}. */
    public static List<Item> find(PgConnection server, Path dataDir) {
        try (Admin admin = new Admin(server)) {
            return find(admin, dataDir);
        } catch (SQLException e) {
            throw new io.lifeboat.LifeboatException(
                    io.lifeboat.LifeboatException.Kind.ENVIRONMENT,
                    "cannot list leftovers on " + server + ": " + e.getMessage(),
                    null,
                    e);
        }
    }

    static List<Item> find(Admin admin, Path dataDir) throws SQLException {
        List<Item> out = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (RunLedger.Record r : RunLedger.read(dataDir)) {
            for (RunLedger.Resource res : r.resources()) {
                // a ledger is a file read back: it may only name what a run of Lifeboat makes
                if (!temporary(dataDir, res)) continue;
                known.add(res.type() + ":" + res.name());
                if (!r.alive()) out.add(new Item(res.type(), res.name(), r.describe(), true));
            }
        }
        for (String db : admin.names("SELECT datname FROM pg_database WHERE datname LIKE '%\\_lbnew\\_%'")) {
            if (!known.contains("database:" + db)) out.add(new Item("database", db, "unknown", false));
        }
        for (String role : admin.names(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE '" + RestoreRole.PREFIX.replace("_", "\\_") + "%'")) {
            if (!known.contains("role:" + role)) out.add(new Item("role", role, "unknown", false));
        }
        Path filestores = Filestores.root(dataDir);
        if (Files.isDirectory(filestores)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(filestores, "*_lbnew_*")) {
                for (Path p : s) {
                    String name = p.toAbsolutePath().toString();
                    if (!known.contains("directory:" + name)) out.add(new Item("directory", name, "unknown", false));
                }
            } catch (IOException ignored) {
                // unreadable: nothing to list
            }
        }
        return out;
    }

    /** Removes the given leftovers (databases before roles); returns those that were removed. */
    public static List<Item> remove(PgConnection server, Path dataDir, List<Item> items) {
        try (Admin admin = new Admin(server)) {
            return remove(admin, dataDir, items);
        } catch (SQLException e) {
            throw new io.lifeboat.LifeboatException(
                    io.lifeboat.LifeboatException.Kind.ENVIRONMENT,
                    "cannot remove leftovers on " + server + ": " + e.getMessage(),
                    null,
                    e);
        }
    }

    static List<Item> remove(Admin admin, Path dataDir, List<Item> items) {
        List<Item> removed = new ArrayList<>();
        for (String type : List.of("file", "directory", "database", "role")) {
            for (Item i : items) {
                if (!i.type().equals(type)) continue;
                boolean ok = switch (type) {
                    case "database" -> admin.dropQuietly(i.name());
                    case "role" -> admin.dropRoleQuietly(i.name());
                    case "directory" -> isTemporaryDirectory(dataDir, i.name()) && Trees.remove(Path.of(i.name()));
                    default -> deleteFile(i.name());
                };
                if (ok) removed.add(i);
            }
        }
        // ledgers of dead runs whose resources are all gone
        for (RunLedger.Record r : RunLedger.read(dataDir)) {
            if (r.alive()) continue;
            boolean allGone = r.resources().stream()
                    .allMatch(res -> removed.stream()
                            .anyMatch(
                                    i -> i.type().equals(res.type()) && i.name().equals(res.name())));
            if (allGone) RunLedger.forget(r);
        }
        return removed;
    }

    /** At the start of a restore: removes what dead runs of this host left, and says so. */
    static void removeDead(Admin admin, Path dataDir, Progress progress) throws SQLException {
        List<Item> dead = find(admin, dataDir).stream().filter(Item::proven).toList();
        if (dead.isEmpty()) {
            for (RunLedger.Record r : RunLedger.read(dataDir))
                if (!r.alive() && r.resources().isEmpty()) RunLedger.forget(r);
            return;
        }
        for (Item i : remove(admin, dataDir, dead)) {
            progress.warn("removed " + i.type() + " " + i.name() + " left by " + i.origin());
        }
    }

    /**
     * Whether a resource named in a ledger is one a run of Lifeboat makes: a {@code *_lbnew_*} database,
     * a {@code lifeboat_restore_*} role, a temporary filestore directory under this data_dir, or a hidden
     * {@code .partial} file. Anything else in a (possibly edited) ledger is ignored, never removed.
     */
    static boolean temporary(Path dataDir, RunLedger.Resource r) {
        String n = r.name();
        return switch (r.type()) {
            case "database" -> n.contains("_lbnew_") && io.lifeboat.odoo.DatabaseNames.isValid(n);
            case "role" -> n.matches(RestoreRole.PREFIX + "[0-9a-f]{8}");
            case "directory" -> isTemporaryDirectory(dataDir, n);
            case "file" ->
                Path.of(n).isAbsolute()
                        && Path.of(n).normalize().toString().equals(n)
                        && Path.of(n).getFileName().toString().matches("\\..+\\.partial");
            default -> false;
        };
    }

    /** Only directories named like Lifeboat's temporary filestores, directly under {@code <data_dir>/filestore}. */
    private static boolean isTemporaryDirectory(Path dataDir, String path) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        return p.getParent() != null
                && p.getParent()
                        .equals(Filestores.root(dataDir).toAbsolutePath().normalize())
                && p.getFileName().toString().contains("_lbnew_");
    }

    private static boolean deleteFile(String path) {
        Path p = Path.of(path);
        if (!p.getFileName().toString().endsWith(".partial")) return false;
        try {
            Files.deleteIfExists(p);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
