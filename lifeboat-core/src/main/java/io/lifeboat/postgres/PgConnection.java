package io.lifeboat.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach a PostgreSQL server, as libpq understands it. {@code host} may be a host name, an IP
 * address or a Unix socket directory (a path starting with {@code /}); null fields mean libpq's
 * default. The password is never part of {@link #toString()}.
 */
public record PgConnection(String host, Integer port, String user, String password, String sslmode) {

    /** The same server as another user. */
    public PgConnection withUser(String newUser, String newPassword) {
        return new PgConnection(host, port, newUser, newPassword, sslmode);
    }

    /**
     * The same server reached over TCP: a Unix socket directory (or libpq's default socket) becomes
     * {@code localhost}, as JDBC connections already do.
     */
    public PgConnection overTcp() {
        return host == null || host.startsWith("/")
                ? new PgConnection("localhost", port, user, password, sslmode)
                : this;
    }

    /** Environment variables for libpq tools (pg_dump, pg_restore, psql) connecting to {@code database}. */
    public Map<String, String> env(String database) {
        Map<String, String> env = new LinkedHashMap<>();
        if (host != null) env.put("PGHOST", host);
        if (port != null) env.put("PGPORT", Integer.toString(port));
        if (user != null) env.put("PGUSER", user);
        if (password != null) env.put("PGPASSWORD", password);
        if (sslmode != null) env.put("PGSSLMODE", sslmode);
        if (database != null) env.put("PGDATABASE", database);
        env.put("PGAPPNAME", "lifeboat");
        return env;
    }

    /**
     * Opens a JDBC connection to {@code database}. Unix socket directories are not supported by JDBC: use host/port.
     *
     * @throws PgConnectException when the connection cannot be opened (unknown host, refused, wrong password)
     */
    public Connection open(String database) throws SQLException {
        String h = host == null || host.startsWith("/") ? "localhost" : host;
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        String url = "jdbc:postgresql://" + h + ":" + (port == null ? 5432 : port) + "/" + database;
        Properties props = new Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        if (sslmode != null) props.setProperty("sslmode", sslmode);
        props.setProperty("ApplicationName", "lifeboat");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            // A missing database is the caller's business (3D000), not a connection problem.
            if ("3D000".equals(e.getSQLState())) throw e;
            throw PgConnectException.of(this, e);
        }
    }

    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + (host == null ? "localhost" : host) + ":"
                + (port == null ? 5432 : port);
    }
}
