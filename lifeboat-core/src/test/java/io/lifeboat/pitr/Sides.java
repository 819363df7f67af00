package io.lifeboat.pitr;

import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.postgres.SqlNames;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * A production database and its side copy in the same cluster: the copy is made with {@code CREATE DATABASE
 * ... TEMPLATE} at the moment {@link #copy()} is called, and dropped by {@link #close()}.
 */
final class Sides implements AutoCloseable {
    final TestDatabase prod;
    final String sideName;
    private boolean copied;

    Sides(TestDatabase prod) {
        this.prod = prod;
        this.sideName = prod.name().substring(0, Math.min(prod.name().length(), 55)) + "_side";
    }

    /** Runs {@code sql} in production as its owner. */
    void prod(String... sql) throws SQLException {
        try (Connection c = prod.connect();
                Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }

    /**
     * The side copy of production as it is now, read-only as a recovery paused at its target is (a hot
     * standby): the diff must only read it.
     */
    void copy() throws SQLException {
        try (Connection c = prod.connectSuperuser();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + SqlNames.ident(sideName) + " TEMPLATE " + SqlNames.ident(prod.name())
                    + " OWNER " + SqlNames.ident(PostgresExtension.ODOO_ROLE));
            st.execute("ALTER DATABASE " + SqlNames.ident(sideName) + " SET default_transaction_read_only = on");
        }
        copied = true;
    }

    Connection connectProd() throws SQLException {
        return prod.connect();
    }

    Connection connectSide() throws SQLException {
        return prod.cluster().connect(sideName, PostgresExtension.ODOO_ROLE);
    }

    /** Key → the whole row as text ({@code t::text}) of {@code table} in production. */
    Map<Long, String> rows(String table) throws SQLException {
        Map<Long, String> out = new TreeMap<>();
        try (Connection c = prod.connect();
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone TO 'UTC'");
            try (ResultSet rs = st.executeQuery("SELECT id, t::text FROM " + table + " t")) {
                while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The plan of a diff of {@code tables} with {@code options}. */
    RepairPlan diff(Differ.Options options, Differ.Target... targets) throws SQLException {
        try (Connection p = connectProd();
                Connection s = connectSide()) {
            return new Differ(p, s, options, t -> {}).diff(java.util.List.of(targets));
        }
    }

    /** Applies ({@code dryRun}: checks) {@code plan} on production. */
    PitrRepairResult.Report repair(RepairPlan plan, boolean dryRun) throws SQLException {
        try (Connection p = connectProd()) {
            return Repairer.run(p, Script.of(p, plan), dryRun);
        }
    }

    @Override
    public void close() throws SQLException {
        if (copied) prod.cluster().dropDatabase(sideName);
    }
}
