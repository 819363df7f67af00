package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster control for point-in-time recovery: WAL archiving, a base backup, recovery to a moment. */
class PgClusterRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void recoversToTheMomentBetweenTwoCommits() throws Exception {
        Path archive = Files.createDirectories(tmp.resolve("wal"));
        openToServerUser(archive);
        var options = PgCluster.Options.defaults()
                .withSetting("archive_mode", "on")
                .withSetting("archive_command", "cp %p " + archive + "/%f");
        try (PgCluster source = PgCluster.start(options)) {
            sql(source, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
            Path base = source.baseBackup();
            sql(source, "INSERT INTO t VALUES (2)");
            String target = query(source, "SELECT clock_timestamp()::text").get(0);
            sql(source, "INSERT INTO t VALUES (3)");
            String segment =
                    query(source, "SELECT pg_walfile_name(pg_switch_wal())").get(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(archive.resolve(segment)));

            var recovery = new PgCluster.Recovery("cp " + archive + "/%f %p", target, "promote");
            try (PgCluster recovered = PgCluster.recover(base, recovery, PgCluster.Options.defaults())) {
                assertThat(query(recovered, "SELECT id::text FROM t ORDER BY id"))
                        .containsExactly("1", "2");
                assertThat(query(recovered, "SELECT pg_is_in_recovery()::text")).containsExactly("false");
                sql(recovered, "INSERT INTO t VALUES (4)"); // promoted: it accepts writes
            }
            assertThat(query(source, "SELECT count(*)::text FROM t")).containsExactly("3");
        }
    }

    private static void openToServerUser(Path dir) throws IOException, InterruptedException {
        if ("root".equals(System.getProperty("user.name"))) {
            new ProcessBuilder("chown", "postgres:", dir.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
            new ProcessBuilder("chmod", "o+x", dir.getParent().toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    private static void sql(PgCluster c, String... statements) throws SQLException {
        try (Connection conn = c.connect("postgres");
                Statement s = conn.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    private static List<String> query(PgCluster c, String sql) throws SQLException {
        try (Connection conn = c.connect("postgres");
                Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
