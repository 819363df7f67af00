package io.lifeboat.testkit;

import io.lifeboat.postgres.PgCluster;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a real PostgreSQL: one {@link PgCluster} per test run (started
 * on first use, stopped when the run ends) and a fresh {@link TestDatabase} per test method, owned
 * by the non-superuser role {@value #ODOO_ROLE} and dropped after the test.
 *
 * <p>Resolves parameters of type {@link PgCluster} and {@link TestDatabase}. A {@code
 * TestDatabase} asked for by a {@code @BeforeEach} method and by the test is the same database.
 * Safe with parallel test execution.
 */
public final class PostgresExtension implements ParameterResolver {

    /** Login role with CREATEDB (as the database user of a typical Odoo installation) and CREATEROLE (for isolated restores). */
    public static final String ODOO_ROLE = "odoo";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PgCluster.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == PgCluster.class) {
            return cluster(context);
        }
        return context.getStore(NS)
                .getOrComputeIfAbsent("database", k -> createDatabase(context), DatabaseResource.class)
                .database();
    }

    /** The run-wide cluster, started on first call. */
    public static PgCluster cluster(ExtensionContext context) {
        return context.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent("cluster", k -> startCluster(), ClusterResource.class)
                .cluster();
    }

    private static ClusterResource startCluster() {
        PgCluster cluster = PgCluster.start();
        try {
            cluster.createRole(ODOO_ROLE, "LOGIN", "CREATEDB", "CREATEROLE");
        } catch (SQLException e) {
            cluster.close();
            throw new ParameterResolutionException("cannot create role " + ODOO_ROLE, e);
        }
        return new ClusterResource(cluster);
    }

    private static DatabaseResource createDatabase(ExtensionContext context) {
        PgCluster cluster = cluster(context);
        String name = databaseName(context, COUNTER.incrementAndGet());
        try {
            cluster.createDatabase(name, ODOO_ROLE);
        } catch (SQLException e) {
            throw new ParameterResolutionException("cannot create database " + name, e);
        }
        return new DatabaseResource(new TestDatabase(name, ODOO_ROLE, cluster));
    }

    /** {@code t_<class>_<method>_<n>}, lowercased, at most 63 characters. */
    static String databaseName(ExtensionContext context, int n) {
        String base = "t_"
                + context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "_" + m.getName()).orElse("");
        base = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String suffix = "_" + n;
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }

    @SuppressWarnings("deprecation")
    private record ClusterResource(PgCluster cluster)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }

    @SuppressWarnings("deprecation")
    private record DatabaseResource(TestDatabase database)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws SQLException {
            database.cluster().dropDatabase(database.name());
        }
    }
}
