package io.lifeboat.testkit;

import io.lifeboat.postgres.PgCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * A database created for one test by {@link PostgresExtension}, owned by {@link #owner()} and
 * dropped after the test.
 *
 * @param name database name
 * @param owner owning role (not a superuser)
 * @param cluster the cluster holding it
 */
public record TestDatabase(String name, String owner, PgCluster cluster) {

    /** Opens a connection as the owner, the way Odoo connects. */
    public Connection connect() throws SQLException {
        return cluster.connect(name, owner);
    }

    /** Opens a connection as the cluster's superuser. */
    public Connection connectSuperuser() throws SQLException {
        return cluster.connect(name);
    }

    /** libpq environment for running psql, pg_dump and the like against this database as the owner. */
    public Map<String, String> env() {
        return cluster.env(name, owner);
    }
}
