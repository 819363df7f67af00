package io.lifeboat.restore;

import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.progress.Progress;
import io.lifeboat.testkit.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A restore target on the test cluster, connecting as the non-superuser Odoo role. */
public record Env(PgCluster cluster, Path dataDir, PgConnection odoo, PgTools tools) {

    public static Env of(PgCluster cluster, Path dataDir) {
        return new Env(
                cluster,
                dataDir,
                new PgConnection(cluster.host(), cluster.port(), PostgresExtension.ODOO_ROLE, null, null),
                PgTools.find(cluster.majorVersion(), cluster.binDir(), System.getenv("PATH"), PgTools.DEBIAN_ROOT));
    }

    public RestoreEngine.Target target() {
        return RestoreEngine.Target.of(odoo, dataDir, tools);
    }

    public RestoreReport restore(RestoreSource source, RestoreEngine.Options options) {
        return new RestoreEngine(target(), options, Progress.NONE).run(source);
    }

    public static RestoreEngine.Options options(String target) {
        return new RestoreEngine.Options(target, RestoreEngine.Mode.FULL, null, false, 2, false, false, false);
    }

    public List<String> databases() throws SQLException {
        return cluster.databases();
    }

    public long count(String db, String sql) throws SQLException {
        try (Connection c = cluster.connect(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public String text(String db, String sql) throws SQLException {
        try (Connection c = cluster.connect(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public List<String> column(String db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = cluster.connect(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    public Path filestore(String db) {
        return io.lifeboat.filestore.Filestores.directory(dataDir, db);
    }
}
