package io.lifeboat.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The version of a PostgreSQL server.
 *
 * @param versionNum {@code server_version_num}, e.g. {@code 150018} for 15.18
 * @param version {@code server_version}, e.g. {@code "15.18 (Debian 15.18-1.pgdg120+1)"}
 */
public record PgServerInfo(int versionNum, String version) {

    /** Reads the version of the server {@code connection} is connected to. */
    public static PgServerInfo read(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            int num;
            try (ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                rs.next();
                num = Integer.parseInt(rs.getString(1).trim());
            }
            try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                return new PgServerInfo(num, rs.getString(1));
            }
        }
    }

    /**
     * The major version: 15 for 15.18. Servers before 10 had two-part majors; for them this is
     * only the first part (9 for 9.6), which no supported Odoo version runs on anyway.
     */
    public int major() {
        return versionNum / 10000;
    }

    /**
     * The {@code pg_version} string Odoo writes into {@code manifest.json}: {@code "%d.%d" %
     * divmod(server_version / 100, 100)}, i.e. {@code "15.0"} for 15.18 and {@code "9.6"} for
     * 9.6.24 (the minor version of a 10+ server never appears).
     */
    public String odooPgVersion() {
        int hundreds = versionNum / 100;
        return String.format(Locale.ROOT, "%d.%d", hundreds / 100, hundreds % 100);
    }
}
