package io.lifeboat.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lifeboat.LifeboatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's catalog: an embedded SQLite file on one machine, or a PostgreSQL database that several
 * workers share. Its schema is managed by Flyway migrations ({@code db/catalog/common} plus the database's
 * own folder); statements are plain JDBC, written in the SQL both databases understand.
 */
public final class Catalog implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final boolean postgres;

    private Catalog(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** Opens the catalog and brings its schema up to date. */
    public static Catalog open(String url, String user, String password) {
        HikariConfig hc = new HikariConfig();
        boolean pg = url.startsWith("jdbc:postgresql:");
        if (pg) {
            hc.setJdbcUrl(url);
            if (user != null) hc.setUsername(user);
            if (password != null) hc.setPassword(password);
            hc.setMaximumPoolSize(10);
        } else {
            Path file = Path.of(url.substring("sqlite:".length()));
            try {
                if (file.getParent() != null) Files.createDirectories(file.getParent());
            } catch (java.io.IOException e) {
                throw new LifeboatException(
                        LifeboatException.Kind.ENVIRONMENT,
                        "cannot create the catalog directory " + file.getParent() + ": " + e.getMessage());
            }
            hc.setJdbcUrl("jdbc:sqlite:" + file);
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "30000");
            hc.addDataSourceProperty("foreign_keys", "true");
            // a transaction that reads then writes takes the write lock at its start: two such transactions
            // then wait for each other (busy_timeout) instead of failing with SQLITE_BUSY
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            hc.setMaximumPoolSize(6);
        }
        hc.setPoolName("lifeboat-catalog");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new LifeboatException(
                    LifeboatException.Kind.ENVIRONMENT,
                    "cannot open the catalog " + ServerConfig.redactUrl(url) + ": " + rootMessage(e),
                    "Check the catalog setting, that the database exists and that the user may connect.");
        }
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/catalog/common", "classpath:db/catalog/" + (pg ? "postgresql" : "sqlite"))
                    // a migration this server does not know means a newer server wrote the catalog: refuse it
                    .ignoreMigrationPatterns(new String[0])
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new LifeboatException(
                    LifeboatException.Kind.ENVIRONMENT,
                    "cannot bring the catalog schema up to date: " + rootMessage(e),
                    "A catalog written by a newer Lifeboat cannot be used by an older one.");
        }
        return new Catalog(ds, pg);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean postgres() {
        return postgres;
    }

    /** Rows of a query, each as a column-name → value map (names in lower case). */
    public List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return rows(c, sql, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public Optional<Map<String, Object>> row(String sql, Object... params) {
        List<Map<String, Object>> r = rows(sql, params);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    public long count(String sql, Object... params) {
        return row(sql, params)
                .map(r -> ((Number) r.values().iterator().next()).longValue())
                .orElse(0L);
    }

    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Work in one transaction. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T t = work.run(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    public static List<Map<String, Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        m.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                    }
                    out.add(m);
                }
                return out;
            }
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Boolean b) ps.setInt(i + 1, b ? 1 : 0);
            else ps.setObject(i + 1, p);
        }
    }

    static LifeboatException failure(SQLException e) {
        return new LifeboatException(
                LifeboatException.Kind.ENVIRONMENT, "catalog error: " + e.getMessage(), "Check the catalog database.");
    }

    static String str(Map<String, Object> row, String col) {
        Object v = row.get(col);
        return v == null ? null : v.toString();
    }

    static Long num(Map<String, Object> row, String col) {
        Object v = row.get(col);
        return v == null ? null : ((Number) v).longValue();
    }

    static boolean flag(Map<String, Object> row, String col) {
        Object v = row.get(col);
        return v != null && ((Number) v).intValue() != 0;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
