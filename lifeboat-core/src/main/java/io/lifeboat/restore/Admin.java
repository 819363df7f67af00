package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Database-level operations (create, drop, rename, terminate sessions) through a connection to the
 * {@code postgres} maintenance database, as Odoo's database manager does. Not thread-safe.
 */
final class Admin implements AutoCloseable {
    private final PgConnection server;
    private final Connection conn;

    Admin(PgConnection server) throws SQLException {
        this.server = server;
        this.conn = server.open("postgres");
        conn.setAutoCommit(true);
    }

    /** Refuses roles that cannot create databases, and superusers unless allowed. */
    void checkRole(boolean allowSuperuser) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT rolsuper, rolcreatedb, current_user FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            boolean superuser = rs.getBoolean(1);
            String role = rs.getString(3);
            if (superuser && !allowSuperuser) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "refusing to restore as superuser role " + role
                                + ": a dump's SQL would run with full privileges",
                        "Connect as the Odoo database user (db_user, a role with CREATEDB), or pass --allow-superuser if you trust the backup.");
            }
            if (!superuser && !rs.getBoolean(2)) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        "role " + role + " cannot create databases",
                        "Grant it CREATEDB (ALTER ROLE " + role + " CREATEDB) or connect as the Odoo database user.");
            }
        }
    }

    /** The server's major version, e.g. 15. */
    int serverMajor() throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    boolean exists(String db) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Creates an empty database as Odoo does (unicode, C collation, from template0), owned by the connecting role. */
    void createDatabase(String db) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + q(db) + " ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0");
        }
        try (Connection c = server.open(db);
                Statement st = c.createStatement()) {
            st.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
        }
    }

    /** Drops a database Lifeboat created, terminating its sessions; never throws. */
    void dropQuietly(String db) {
        try (Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + q(db) + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // best effort: the name marks it as a Lifeboat temporary database
        }
    }

    /** Drops a database on purpose (rollback points); fails loudly. */
    void drop(String db) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE " + q(db) + " WITH (FORCE)");
        }
    }

    /**
     * Renames {@code target} to {@code rollback} (when not null) and {@code replacement} to {@code target}
     * in one transaction, after refusing new connections to both and terminating existing ones. Either
     * both renames happen or neither.
     */
    void swapDatabases(String target, String replacement, String rollback) throws SQLException {
        boolean targetExists = rollback != null;
        try (Statement st = conn.createStatement()) {
            if (targetExists) st.execute("ALTER DATABASE " + q(target) + " ALLOW_CONNECTIONS false");
            st.execute("ALTER DATABASE " + q(replacement) + " ALLOW_CONNECTIONS false");
            try {
                terminate(target);
                terminate(replacement);
                conn.setAutoCommit(false);
                if (targetExists) st.execute("ALTER DATABASE " + q(target) + " RENAME TO " + q(rollback));
                st.execute("ALTER DATABASE " + q(replacement) + " RENAME TO " + q(target));
                conn.commit();
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
                st.execute("ALTER DATABASE " + q(exists(target) ? target : replacement) + " ALLOW_CONNECTIONS true");
                if (targetExists && exists(rollback))
                    st.execute("ALTER DATABASE " + q(rollback) + " ALLOW_CONNECTIONS true");
                if (exists(replacement)) st.execute("ALTER DATABASE " + q(replacement) + " ALLOW_CONNECTIONS true");
            }
        }
    }

    /**
     * Terminates every other session on {@code db} this role may terminate and waits (up to 10 s) until
     * all sessions are gone; sessions of roles it may not signal (superusers) must end by themselves.
     */
    void terminate(String db) throws SQLException {
        try (PreparedStatement kill = conn.prepareStatement(
                        "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid"
                                + " WHERE a.datname = ? AND a.pid <> pg_backend_pid()"
                                + " AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                                + " OR (NOT r.rolsuper AND (pg_has_role(current_user, a.usesysid, 'MEMBER')"
                                + " OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER'))))");
                PreparedStatement left = conn.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            kill.setString(1, db);
            left.setString(1, db);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                kill.executeQuery().close();
                try (ResultSet rs = left.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) return;
                }
                if (System.nanoTime() > deadline) {
                    throw new LifeboatException(
                            Kind.CONFLICT,
                            "sessions on database " + db + " could not be terminated",
                            "Stop the Odoo server (or the other clients) and retry.");
                }
                try (Statement st = conn.createStatement()) {
                    st.execute("SELECT pg_sleep(0.05)");
                }
            }
        }
    }

    /** Quotes an identifier. */
    static String q(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
