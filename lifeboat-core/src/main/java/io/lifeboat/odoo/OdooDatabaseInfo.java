package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgServerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Odoo database says about itself: the Odoo series it was installed with, its modules,
 * its identity and where it keeps attachments.
 *
 * <p>The Odoo version is derived from the {@code base} module's {@code latest_version} ({@code
 * 17.0.1.3} means series {@code 17.0}), the same way Odoo's {@code list_db_incompatible} checks a
 * database against the running server. The exact build of the server that last ran (Odoo writes
 * e.g. {@code 17.0-20240709} for a nightly package) is not stored in the database, so {@link
 * #version()} is the series alone.
 *
 * @param dbName {@code current_database()}
 * @param version Odoo version as {@code release.version} of a final release would be, e.g. {@code
 *     "17.0"} or {@code "saas~17.1"}
 * @param versionInfo e.g. {@code [17, 0, 0, "final", 0, ""]}
 * @param majorVersion e.g. {@code "17.0"}
 * @param baseVersion the {@code base} module's {@code latest_version}, e.g. {@code "17.0.1.3"}
 * @param modules installed modules, name to {@code latest_version}, in Odoo's query order
 * @param uuid the {@code database.uuid} parameter, or null
 * @param attachmentLocation the {@code ir_attachment.location} parameter, {@code "file"} when unset
 * @param server the PostgreSQL server's version
 */
public record OdooDatabaseInfo(
        String dbName,
        String version,
        List<Object> versionInfo,
        String majorVersion,
        String baseVersion,
        Map<String, String> modules,
        String uuid,
        String attachmentLocation,
        PgServerInfo server) {

    public OdooDatabaseInfo {
        versionInfo = Collections.unmodifiableList(new ArrayList<>(versionInfo));
        modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    }

    /**
     * Reads the information from the database {@code connection} is connected to. Only reads.
     *
     * @throws LifeboatException {@code BAD_INPUT} if it is not an Odoo database or its {@code base}
     *     module is not installed
     */
    public static OdooDatabaseInfo read(Connection connection) throws SQLException {
        PgServerInfo server = PgServerInfo.read(connection);
        String db;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), to_regclass('ir_module_module') IS NOT NULL,"
                        + " to_regclass('ir_config_parameter') IS NOT NULL")) {
            rs.next();
            db = rs.getString(1);
            if (!rs.getBoolean(2) || !rs.getBoolean(3)) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "database " + db
                                + " is not an odoo database (no ir_module_module or ir_config_parameter table)",
                        "Choose a database created by Odoo.");
            }
        }
        Map<String, String> modules = new LinkedHashMap<>();
        // the same query as Odoo's dump_db_manifest, without ORDER BY, so the order matches
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")) {
            while (rs.next()) {
                modules.put(rs.getString(1), rs.getString(2));
            }
        }
        String base = modules.get("base");
        if (base == null) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "database " + db + " has no installed base module with a version",
                    "The database may be half-initialised; open it once with Odoo, or choose another one.");
        }
        String[] parts = base.split("\\.");
        if (parts.length < 2) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "database " + db + " has an unexpected base module version '" + base + "'",
                    "Check ir_module_module for the base module.");
        }
        String series = parts[0] + "." + parts[1];
        List<Object> versionInfo = List.of(number(parts[0]), number(parts[1]), 0, "final", 0, "");
        return new OdooDatabaseInfo(
                db,
                series,
                versionInfo,
                series,
                base,
                modules,
                parameter(connection, "database.uuid"),
                orDefault(parameter(connection, "ir_attachment.location"), "file"),
                server);
    }

    /** The manifest Odoo would write for this database (see {@link #version()} for the one difference). */
    public OdooManifest toManifest() {
        return new OdooManifest("1", dbName, version, versionInfo, majorVersion, server.odooPgVersion(), modules);
    }

    /** Whether attachments are stored as files in the filestore (rather than in the database). */
    public boolean filestoreAttachments() {
        return "file".equals(attachmentLocation);
    }

    private static Object number(String part) {
        return part.matches("\\d{1,9}") ? (Object) Integer.valueOf(part) : part;
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }

    private static String parameter(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM ir_config_parameter WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
