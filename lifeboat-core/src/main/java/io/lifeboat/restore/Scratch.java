package io.lifeboat.restore;

import io.lifeboat.postgres.PgConnection;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;

/**
 * A copy restored only to be examined and removed (a restore drill): whether its name is free, and its
 * removal.
 */
public final class Scratch {

    /**
     * The tables a restore as a neutralized copy adds rows to (Lifeboat's neutralization: a dummy mail
     * server, {@code database.is_neutralized}; the copy's identity: {@code database.uuid} and its kin): their
     * row counts differ from the dump's by design.
     */
    public static final Set<String> TABLES_WRITTEN_BY_RESTORE = Set.of("ir_mail_server", "ir_config_parameter");

    private Scratch() {}

    /** Whether database {@code db} exists on the server. */
    public static boolean exists(PgConnection server, String db) throws SQLException {
        try (Admin admin = new Admin(server)) {
            return admin.exists(db);
        }
    }

    /** Drops database {@code db} (its sessions terminated); true when it is gone. */
    public static boolean drop(PgConnection server, String db) {
        try (Admin admin = new Admin(server)) {
            return admin.dropQuietly(db);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Removes a filestore directory and everything under it; true when it is gone. */
    public static boolean removeDirectory(Path dir) {
        return Trees.remove(dir);
    }
}
