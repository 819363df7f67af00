package io.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.backup.BackupEngine;
import io.lifeboat.backup.FilestoreMode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.progress.Progress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An autovacuum worker busy on the freshly loaded temporary database (which a non-superuser may not
 * terminate) neither fails the swap nor the cleanup: only client sessions are counted, and the RENAME
 * or DROP makes autovacuum exit. The cluster runs autovacuum as often and as slowly as it can, and the
 * test fails unless it saw a worker on a temporary database while restoring.
 */
class AutovacuumRestoreTest {

    @TempDir
    Path dir;

    @Test
    void restoresSucceedWhileAutovacuumWorksOnTheTemporaryDatabase() throws Exception {
        PgCluster.Options options = PgCluster.Options.defaults()
                .withSetting("autovacuum_naptime", "1")
                .withSetting("autovacuum_max_workers", "6")
                .withSetting("autovacuum_vacuum_insert_threshold", "100")
                .withSetting("autovacuum_vacuum_insert_scale_factor", "0")
                .withSetting("autovacuum_analyze_threshold", "100")
                .withSetting("autovacuum_analyze_scale_factor", "0")
                .withSetting("autovacuum_vacuum_cost_delay", "100")
                .withSetting("autovacuum_vacuum_cost_limit", "1");
        try (PgCluster cluster = PgCluster.start(options)) {
            cluster.createRole("odoo", "LOGIN", "CREATEDB", "CREATEROLE");
            cluster.createDatabase("src", "odoo");
            Path dataDir = dir.resolve("data");
            try (Connection c = cluster.connect("src", "odoo")) {
                SyntheticInstance.create(
                        c,
                        dataDir.resolve("filestore").resolve("src"),
                        SyntheticInstance.Spec.small().withAttachments(200).withBulkRows(100_000));
            }
            PgConnection odoo = new PgConnection(cluster.host(), cluster.port(), "odoo", null, null);
            PgTools tools =
                    PgTools.find(cluster.majorVersion(), cluster.binDir(), System.getenv("PATH"), PgTools.DEBIAN_ROOT);
            Path zip = dir.resolve("src.zip");
            new BackupEngine(
                            new BackupEngine.Instance(
                                    odoo,
                                    "src",
                                    dataDir.resolve("filestore").resolve("src"),
                                    tools.pgDump().path()),
                            new BackupEngine.Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, true),
                            Progress.NONE)
                    .run(
                            ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true),
                            (c, db) -> new ObjectMapper()
                                    .valueToTree(OdooDatabaseInfo.read(c).toManifest()));

            // nothing left for autovacuum elsewhere: its workers are free for the temporary databases
            for (String db : new String[] {"template1", "postgres", "src"}) {
                try (Connection c = cluster.connect(db);
                        Statement st = c.createStatement()) {
                    st.execute("VACUUM (FREEZE, ANALYZE)");
                }
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger seen = new AtomicInteger();
            Thread watcher = new Thread(() -> {
                try (Connection c = cluster.connect("postgres");
                        Statement st = c.createStatement()) {
                    while (running.get()) {
                        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                                + " WHERE backend_type = 'autovacuum worker' AND datname LIKE '%\\_lbnew\\_%'")) {
                            rs.next();
                            if (rs.getInt(1) > 0) seen.incrementAndGet();
                        }
                        st.execute("SELECT pg_sleep(0.02)");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            watcher.start();
            Env env = new Env(cluster, dataDir, odoo, tools);
            try {
                for (int i = 0; i < 3 && seen.get() == 0; i++) {
                    try (var src = new ZipRestoreSource(zip)) {
                        RestoreReport r =
                                env.restore(src, Env.options("copy" + i).withJobs(2));
                        assertThat(r.verification.baseInstalled).isTrue();
                    }
                }
            } finally {
                running.set(false);
                watcher.join();
            }
            assertThat(seen.get())
                    .as("autovacuum was seen on a temporary database")
                    .isPositive();
            assertThat(cluster.databases()).noneMatch(d -> d.contains("_lbnew_"));
        }
    }
}
