package io.lifeboat.testkit;

import static org.awaitility.Awaitility.await;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BaseBackupRequest;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RepoInitRequest;
import io.lifeboat.api.RepositorySettings;
import io.lifeboat.api.WalArchiverRequest;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.repository.KeyFiles;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.restore.Trees;
import io.lifeboat.storage.local.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A production cluster with point-in-time recovery set up as the runbook says: archive_command is the spool
 * script, the archiver moves the WAL into an encrypted repository, which also holds a snapshot of a synthetic
 * Odoo database (its files) and a base backup. {@link #commitAndArchive()} writes a transaction after the base
 * backup and waits until its WAL is in the repository. {@link #close()} stops the cluster and deletes
 * everything.
 */
public final class PitrInstance implements AutoCloseable {
    /** The Odoo database. */
    public static final String DATABASE = "odoo_pitr";

    public final Path work;
    public final Path dataDir;
    public final Path repo;
    public final Path secretKey;
    public final Path writerKey;
    public final PgCluster cluster;
    private final Path spool;
    private final String systemId;

    private PitrInstance(Path work, PgCluster cluster, Path spool, String systemId) {
        this.work = work;
        this.dataDir = work.resolve("data");
        this.repo = work.resolve("repo");
        this.secretKey = work.resolve("repo.key");
        this.writerKey = work.resolve("repo.writer-key");
        this.cluster = cluster;
        this.spool = spool;
        this.systemId = systemId;
    }

    /** Sets it all up in a new directory: cluster, Odoo database, repository, snapshot, base backup, archive. */
    public static PitrInstance start() throws Exception {
        Path work = Files.createTempDirectory("lifeboat-pitr-instance");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path spool = Files.createDirectory(work.resolve("spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxrwx"));
        PgCluster cluster = archivingCluster(work, spool);
        PitrInstance p = null;
        try {
            p = new PitrInstance(
                    work,
                    cluster,
                    spool,
                    query(cluster, "postgres", "SELECT system_identifier::text FROM pg_control_system()"));
            p.setUp();
            return p;
        } catch (Exception | Error e) {
            if (p != null) p.close();
            else cluster.close();
            throw e;
        }
    }

    /**
     * Starts a cluster whose archive_command is the spool script (copied into {@code work}) writing into
     * {@code spool}, a directory the server's user can write to.
     */
    public static PgCluster archivingCluster(Path work, Path spool) throws IOException {
        Path script = work.resolve("lifeboat-wal-spool");
        Files.copy(
                Path.of("../packaging/pitr/lifeboat-wal-spool").toAbsolutePath().normalize(),
                script,
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return PgCluster.start(PgCluster.Options.defaults()
                .withSetting("archive_mode", "on")
                .withSetting("archive_command", script + " " + spool + " %p %f"));
    }

    private void setUp() throws Exception {
        cluster.createDatabase(DATABASE);
        try (Connection c = cluster.connect(DATABASE)) {
            SyntheticInstance.create(c, dataDir.resolve("filestore").resolve(DATABASE), SyntheticInstance.Spec.small());
        }
        try (Lifeboat lifeboat = Lifeboat.open(settings())) {
            lifeboat.repoInit(RepoInitRequest.of(secretKey, writerKey), Observer.none());
            lifeboat.backup(BackupRequest.snapshot(DATABASE), Observer.none());
            lifeboat.baseBackup(new BaseBackupRequest("prod", List.of()), Observer.none());
        }
        commitAndArchive();
    }

    /** The facade's settings: the cluster as its superuser, the data_dir, the repository with both keys. */
    public LifeboatSettings settings() {
        InstanceSettings instance = new InstanceSettings(
                null,
                cluster.host(),
                cluster.port(),
                PgCluster.SUPERUSER,
                null,
                null,
                dataDir,
                null,
                cluster.binDir(),
                DATABASE,
                null);
        return LifeboatSettings.of(instance, Map.of("HOME", work.toString()))
                .withRepository(new RepositorySettings(repo.toString(), Map.of(), secretKey, writerKey, null));
    }

    /** The command-line flags naming the same instance and repository. */
    public List<String> cliArgs() {
        return List.of(
                "--db-host",
                cluster.host(),
                "--db-port",
                Integer.toString(cluster.port()),
                "--db-user",
                PgCluster.SUPERUSER,
                "--data-dir",
                dataDir.toString(),
                "--pg-bin",
                cluster.binDir().toString(),
                "--repo",
                repo.toString(),
                "--key",
                secretKey.toString(),
                "--no-progress");
    }

    /** Commits a transaction in the Odoo database, switches the WAL segment and archives until it is stored. */
    public void commitAndArchive() throws Exception {
        query(cluster, DATABASE, "UPDATE res_users SET write_date = now() WHERE id = 1 RETURNING id");
        String segment = query(cluster, "postgres", "SELECT pg_walfile_name(pg_switch_wal())");
        try (Lifeboat lifeboat = Lifeboat.open(settings());
                Repository r =
                        Repository.open(new LocalBackend(repo), Keys.writer(KeyFiles.readWriterKey(writerKey)))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                lifeboat.walArchiver(
                        new WalArchiverRequest(spool, work.resolve("wal.prom"), 2, Duration.ZERO, true),
                        Observer.none());
                return r.wal().exists(systemId, segment);
            });
        }
    }

    private static String query(PgCluster c, String database, String sql) throws Exception {
        try (Connection conn = c.connect(database);
                Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        cluster.close();
        Trees.deleteQuietly(work);
    }
}
