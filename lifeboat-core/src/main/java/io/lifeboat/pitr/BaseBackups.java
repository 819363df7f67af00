package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.repository.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a PostgreSQL base backup into the repository: {@code pg_basebackup --format=tar
 * --wal-method=fetch} streamed to standard output and chunked into a snapshot of kind {@code
 * base-backup} (format §13), whose record carries the backup's WAL positions. Nothing touches the
 * disk of the backup machine. The connecting role needs the REPLICATION attribute (or superuser)
 * and a {@code replication} line in pg_hba.conf.
 */
public final class BaseBackups {

    /** The database label base-backup snapshots are grouped under (a base backup covers the whole cluster). */
    public static final String GROUP = "pg-cluster";

    private static final Pattern START =
            Pattern.compile("write-ahead log start point: ([0-9A-F]+/[0-9A-F]+) on timeline (\\d+)");
    private static final Pattern END = Pattern.compile("write-ahead log end point: ([0-9A-F]+/[0-9A-F]+)");

    /** What a base backup produced. */
    public record Taken(
            String snapshotId, SnapshotInfo.BaseBackupInfo info, long bytes, long storedNew, double seconds) {}

    private BaseBackups() {}

    /**
     * Runs {@code pg_basebackup} against {@code conn} and stores its output as a new snapshot of
     * {@code instance}.
     */
    public static Taken take(
            Repository repo,
            PgConnection conn,
            Path pgBasebackup,
            String instance,
            List<String> tags,
            Cancellation cancel)
            throws IOException {
        long t0 = System.nanoTime();
        String systemId;
        long segmentSize;
        try (Connection c = conn.open("postgres");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
                rs.next();
                systemId = rs.getString(1);
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'")) {
                rs.next();
                segmentSize = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot read the cluster's identity: " + e.getMessage(),
                    "Check the connection settings; the role needs to connect to the database 'postgres'.",
                    e);
        }
        if (segmentSize != WalFile.DEFAULT_SEGMENT_SIZE) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "the cluster's WAL segments are not 16 MiB",
                    "Point-in-time recovery supports the default segment size (initdb --wal-segsize=16) only.");
        }
        SnapshotMeta meta =
                SnapshotMeta.of(instance, GROUP, SnapshotKind.BASE_BACKUP).withTags(tags.toArray(String[]::new));
        SnapshotWriter writer = repo.newSnapshot(meta);
        Path stderr = Files.createTempFile("lifeboat-basebackup", ".log");
        Process p = null;
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    pgBasebackup.toString(),
                    "--pgdata=-",
                    "--format=tar",
                    "--wal-method=fetch",
                    "--checkpoint=fast",
                    "--label=lifeboat",
                    "--verbose",
                    "--no-password"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            pb.environment().putAll(conn.env("postgres"));
            p = pb.start();
            p.getOutputStream().close();
            Process proc = p;
            Thread watch = Thread.ofPlatform().daemon().start(() -> {
                while (proc.isAlive()) {
                    if (cancel.isCancelled()) proc.destroy();
                    try {
                        proc.waitFor(200, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try (InputStream tar = p.getInputStream()) {
                writer.baseBackup(tar);
            }
            int exit = p.waitFor();
            watch.interrupt();
            cancel.check();
            String log = Files.readString(stderr, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        "pg_basebackup failed (exit " + exit + "): " + tail(log),
                        "The role needs REPLICATION and pg_hba.conf a 'replication' line for it; clusters"
                                + " with extra tablespaces are not supported.");
            }
            Matcher ms = START.matcher(log);
            Matcher me = END.matcher(log);
            if (!ms.find() || !me.find())
                throw new LifeboatException(
                        Kind.ENVIRONMENT, "pg_basebackup did not report its WAL positions: " + tail(log), null);
            long start = WalFile.parseLsn(ms.group(1));
            int tli = Integer.parseInt(ms.group(2));
            long stop = WalFile.parseLsn(me.group(1));
            var info = new SnapshotInfo.BaseBackupInfo(
                    systemId,
                    tli,
                    WalFile.formatLsn(start),
                    WalFile.formatLsn(stop),
                    WalFile.segmentName(tli, WalFile.segmentOf(start)),
                    WalFile.segmentName(tli, WalFile.segmentOf(stop)),
                    WalFile.DEFAULT_SEGMENT_SIZE);
            writer.baseBackupInfo(info);
            String id = writer.commit(null, null);
            return new Taken(
                    id,
                    info,
                    writer.stats().logicalBytes(),
                    writer.stats().storedBytes(),
                    (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(Kind.CANCELLED, "interrupted while taking a base backup");
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            writer.abort();
            Files.deleteIfExists(stderr);
        }
    }

    private static String tail(String log) {
        String t = log.strip();
        return t.length() > 2000 ? t.substring(t.length() - 2000) : t;
    }
}
