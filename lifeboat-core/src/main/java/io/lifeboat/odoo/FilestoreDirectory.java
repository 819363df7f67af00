package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * Catches a wrong or missing data_dir before a backup or check starts: when the database references files
 * but its filestore directory does not exist, is not a directory, or is empty, every referenced file would be
 * reported missing one by one. That is one mistake, and it gets one error naming the directory and where the
 * data_dir came from.
 */
public final class FilestoreDirectory {
    private FilestoreDirectory() {}

    /**
     * Throws an {@link Kind#ENVIRONMENT} error when {@code conn}'s database references files (rows of {@code
     * ir_attachment} with a {@code store_fname}) and {@code filestore} is missing, not a directory, or empty.
     * {@code dataDirOrigin} says where the data_dir came from, e.g. {@code "--data-dir"} or {@code "data_dir in
     * /etc/odoo/odoo.conf"}. A database without {@code ir_attachment} passes: the operation reports that itself.
     */
    public static void require(Connection conn, String database, Path filestore, String dataDirOrigin)
            throws SQLException {
        String problem = problem(filestore);
        if (problem == null) return;
        long referenced = referencedFiles(conn);
        if (referenced <= 0) return;
        Path dataDir =
                filestore.getParent() == null ? null : filestore.getParent().getParent();
        throw new LifeboatException(
                Kind.ENVIRONMENT,
                "filestore directory " + filestore + " " + problem + ", but database " + database + " references "
                        + referenced + " file" + (referenced == 1 ? "" : "s") + " (data_dir " + dataDir + " from "
                        + dataDirOrigin + ")",
                "Pass --data-dir with the Odoo data_dir holding filestore/" + database
                        + " (or set data_dir in odoo.conf); with --filestore none a backup holds the database"
                        + " alone.");
    }

    /** What is wrong with {@code filestore}, or null when it is a directory with something in it. */
    static String problem(Path filestore) {
        if (!Files.exists(filestore)) return "does not exist";
        if (!Files.isDirectory(filestore)) return "is not a directory";
        try (Stream<Path> entries = Files.list(filestore)) {
            return entries.findAny().isPresent() ? null : "is empty";
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Distinct store_fname values in ir_attachment; -1 when there is no such table. */
    private static long referencedFiles(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('ir_attachment') IS NULL")) {
                rs.next();
                if (rs.getBoolean(1)) return -1;
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(DISTINCT store_fname) FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
