package io.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.testkit.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A run ledger is a file read back: an edited one cannot make cleanup remove what Lifeboat did not make. */
@ExtendWith(PostgresExtension.class)
class LeftoversTest {

    @TempDir
    Path dataDir;

    @Test
    void anEditedLedgerNamesNothingThatIsRemoved(PgCluster cluster) throws Exception {
        String victim = "lo_victim_" + Long.toHexString(System.nanoTime()).substring(8);
        cluster.createDatabase(victim, PostgresExtension.ODOO_ROLE);
        Path outside = Files.writeString(dataDir.resolveSibling(dataDir.getFileName() + "-precious.partial"), "x");
        Path keep = Files.createDirectories(dataDir.resolve("filestore").resolve(victim));
        Path runs = Files.createDirectories(dataDir.resolve("lifeboat").resolve("runs"));
        // a dead process on this host (pid 2^22 + 1 is above Linux's pid_max default)
        Files.writeString(runs.resolve("restore-evil.json"), """
                {"id": "restore-evil", "pid": 4194305, "host": "%s", "started": "2020-01-01T00:00:00Z",
                 "operation": "restore x", "resources": [
                  {"type": "database", "name": "%s"},
                  {"type": "role", "name": "%s"},
                  {"type": "directory", "name": "%s"},
                  {"type": "directory", "name": "%s/filestore/a_lbnew_1/../../../etc"},
                  {"type": "file", "name": "%s"}]}
                """.formatted(
                io.lifeboat.runs.RunLedger.hostName(), victim, PostgresExtension.ODOO_ROLE, keep, dataDir, outside));
        PgConnection odoo = new PgConnection(cluster.host(), cluster.port(), PostgresExtension.ODOO_ROLE, null, null);
        List<Leftovers.Item> found = Leftovers.find(odoo, dataDir);
        assertThat(found).noneMatch(i -> i.proven());
        Leftovers.remove(odoo, dataDir, found);
        assertThat(cluster.databases()).contains(victim);
        assertThat(keep).isDirectory();
        assertThat(outside).exists();
        try (var c = cluster.connect("postgres");
                var st = c.createStatement();
                var rs = st.executeQuery(
                        "SELECT count(*) FROM pg_roles WHERE rolname = '" + PostgresExtension.ODOO_ROLE + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
