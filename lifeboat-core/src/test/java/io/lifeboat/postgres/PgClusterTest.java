package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgClusterTest {

    private static String previousDatabase;

    @Test
    @Order(1)
    void serverRunsAndReportsItsVersion(PgCluster cluster, TestDatabase db) throws SQLException {
        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.host()).isEqualTo("127.0.0.1");
        assertThat(cluster.socketDir().resolve(".s.PGSQL." + cluster.port())).exists();
        assertThat(queryPostgres(cluster, "SHOW server_version_num"))
                .startsWith(Integer.toString(cluster.majorVersion()));
        assertThat(queryPostgres(cluster, "SHOW fsync")).isEqualTo("off");
        assertThat(db.name()).startsWith("t_pgclustertest_serverrunsandreportsitsversion_");
        previousDatabase = db.name();
    }

    @Test
    @Order(2)
    void databaseOfAFinishedTestIsDropped(PgCluster cluster) throws SQLException {
        assertThat(previousDatabase).isNotNull();
        assertThat(cluster.databases()).doesNotContain(previousDatabase).contains("postgres");
    }

    @RepeatedTest(2)
    void eachTestGetsItsOwnEmptyDatabase(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            assertThat(query(c, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'"))
                    .isEqualTo("0");
            s.execute("CREATE TABLE marker (id int)");
            assertThat(query(c, "SELECT current_database()")).isEqualTo(db.name());
        }
        assertThat(db.cluster().databases()).contains(db.name());
    }

    @Test
    void odooRoleOwnsTheDatabaseAndIsNotSuperuser(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(query(c, "SELECT current_user")).isEqualTo("odoo");
            assertThat(query(c, "SELECT rolsuper || ',' || rolcreatedb FROM pg_roles WHERE rolname = current_user"))
                    .isEqualTo("false,true");
            assertThat(query(c, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                    .isEqualTo("odoo");
        }
    }

    @Test
    void envLetsPsqlConnect(TestDatabase db) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        db.cluster().binDir().resolve("psql").toString(), "-XtAc", "SELECT current_user")
                .redirectErrorStream(true);
        pb.environment().putAll(db.env());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.strip()).isEqualTo("odoo");
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() throws Exception {
        PgCluster cluster = PgCluster.start();
        int port = cluster.port();
        Path dir = cluster.socketDir();
        try (Socket s = new Socket(cluster.host(), port)) {
            assertThat(s.isConnected()).isTrue();
        }
        cluster.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThat(dir).doesNotExist();
        assertThat(cluster.isRunning()).isFalse();
        cluster.close();
    }

    @Test
    void startFailureReportsTheServerLog() {
        assertThatThrownBy(() -> PgCluster.start(PgCluster.Options.defaults().withSetting("shared_buffers", "lots")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("shared_buffers");
    }

    @Test
    void missingBinariesAreReported() {
        Path none = Path.of("/nonexistent/bin");
        assertThatThrownBy(() -> PgCluster.start(PgCluster.Options.defaults().withBinDir(none)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initdb");
    }

    private static String queryPostgres(PgCluster cluster, String sql) throws SQLException {
        try (Connection c = cluster.connect("postgres")) {
            return query(c, sql);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
