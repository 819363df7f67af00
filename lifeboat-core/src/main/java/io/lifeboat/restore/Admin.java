package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    /** What the connecting role may do. */
    record RoleInfo(String name, boolean superuser, boolean createdb, boolean createrole) {}

    RoleInfo role() throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user, rolsuper, rolcreatedb, rolcreaterole"
                        + " FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return new RoleInfo(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    /**
     * Refuses roles that cannot create databases, superusers unless allowed, and (when {@code isolate})
     * roles that cannot create the throw-away role a dump is loaded as.
     */
    RoleInfo checkRole(boolean allowSuperuser, boolean isolate) throws SQLException {
        RoleInfo r = role();
        if (r.superuser() && !allowSuperuser) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "refusing to restore as superuser role " + r.name()
                            + ": a dump's SQL would run with full privileges",
                    "Connect as the Odoo database user (db_user, a role with CREATEDB), or pass --allow-superuser if you trust the backup.");
        }
        if (!r.superuser() && !r.createdb()) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "role " + r.name() + " cannot create databases",
                    "Grant it CREATEDB (ALTER ROLE " + r.name() + " CREATEDB) or connect as the Odoo database user.");
        }
        if (isolate && !r.superuser() && !r.createrole()) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "role " + r.name()
                            + " lacks CREATEROLE: a restore loads the dump as a throw-away role that owns nothing but the new database, and "
                            + r.name() + " cannot create it",
                    "One-time set-up (docs/restore.md, 'Isolation'): ALTER ROLE " + r.name()
                            + " CREATEROLE; or connect as a role made for Lifeboat. Pass --trusted-dump to load the dump as "
                            + r.name() + " (it could then alter every database that role owns).");
        }
        return r;
    }

    /** Whether the connecting role may act as {@code role} (REASSIGN OWNED, CREATE DATABASE ... OWNER). */
    boolean canActAs(String role) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) AND pg_has_role(current_user, ?, 'MEMBER')")) {
            ps.setString(1, role);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            } catch (SQLException e) {
                return false;
            }
        }
    }

    /** The owner of an existing database, or null. */
    String owner(String db) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Creates a login role that can do nothing but log in (no superuser, CREATEDB, CREATEROLE,
     * replication, RLS bypass, memberships) and makes the connecting role a member of it, so that it can
     * create a database owned by it and take its objects back later.
     */
    void createRestoreRole(String name, String password) throws SQLException {
        if (!password.matches("[0-9a-f]+")) throw new IllegalArgumentException("password must be hex");
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE ROLE " + q(name) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " NOBYPASSRLS PASSWORD '" + password + "'");
            st.execute("GRANT " + q(name) + " TO CURRENT_USER");
        }
    }

    /**
     * Gives everything {@code from} owns in {@code db} (and {@code db} itself) to {@code to}, drops the
     * privileges granted to {@code from} there and the database-level settings and privileges a dump may
     * have made.
     * Runs no code of the database's own (no triggers or functions are involved).
     */
    void handOver(String db, String from, String to) throws SQLException {
        try (Connection c = server.open(db);
                Statement st = c.createStatement()) {
            st.execute("REASSIGN OWNED BY " + q(from) + " TO " + q(to));
            st.execute("DROP OWNED BY " + q(from));
        }
        // pg_dump without --create writes no database-level privileges: any the dump granted go, and
        // PUBLIC gets what a new database gives it (CONNECT, TEMPORARY)
        List<String> grantees = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT DISTINCT CASE WHEN a.grantee = 0 THEN NULL"
                + " ELSE pg_get_userbyid(a.grantee) END FROM pg_database d, aclexplode(d.datacl) a"
                + " WHERE d.datname = ? AND a.grantee <> d.datdba")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) grantees.add(rs.getString(1));
            }
        }
        try (Statement st = conn.createStatement()) {
            st.execute("ALTER DATABASE " + q(db) + " RESET ALL");
            for (String g : grantees) {
                st.execute("REVOKE ALL ON DATABASE " + q(db) + " FROM " + (g == null ? "PUBLIC" : q(g)));
            }
            if (!grantees.isEmpty()) st.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + q(db) + " TO PUBLIC");
        }
    }

    /** Drops a role Lifeboat created; false if it could not (it still owns something). */
    boolean dropRoleQuietly(String name) {
        try (Statement st = conn.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + q(name));
            return true;
        } catch (SQLException e) {
            return false;
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

    /**
     * Creates an empty database as Odoo does (unicode, C collation, from template0), owned by {@code owner}
     * ({@code ownerConnection} connects as that role).
     */
    void createDatabase(String db, String owner, PgConnection ownerConnection) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + q(db) + " OWNER " + q(owner)
                    + " ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0");
        }
        try (Connection c = ownerConnection.open(db);
                Statement st = c.createStatement()) {
            st.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
        }
    }

    /**
     * Drops a database Lifeboat created; never throws. Client sessions are terminated first; a plain
     * {@code DROP DATABASE} then makes autovacuum workers on it exit, as PostgreSQL does (a non-superuser
     * may not terminate them, so {@code WITH (FORCE)} is only the last resort).
     */
    boolean dropQuietly(String db) {
        try {
            if (!exists(db)) return true;
            terminate(db);
        } catch (SQLException | LifeboatException ignored) {
            // the DROP below reports what is still connected
        }
        for (String sql :
                new String[] {"DROP DATABASE IF EXISTS " + q(db), "DROP DATABASE IF EXISTS " + q(db) + " WITH (FORCE)"
                }) {
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
                return true;
            } catch (SQLException ignored) {
                // try the next way
            }
        }
        return false;
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
     * Terminates every other client session on {@code db} this role may terminate and waits (up to 10 s)
     * until all are gone; sessions of roles it may not signal (superusers) must end by themselves.
     * Background workers (autovacuum) are not counted: the {@code DROP} or {@code RENAME} that follows
     * makes them exit, as PostgreSQL does for any owner.
     */
    void terminate(String db) throws SQLException {
        try (PreparedStatement kill = conn.prepareStatement(
                        "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid"
                                + " WHERE a.datname = ? AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'"
                                + " AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                                + " OR (NOT r.rolsuper AND (pg_has_role(current_user, a.usesysid, 'MEMBER')"
                                + " OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER'))))");
                PreparedStatement left = conn.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                                + " AND backend_type = 'client backend'")) {
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

    /** The first column of a query on the maintenance database. */
    List<String> names(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
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
