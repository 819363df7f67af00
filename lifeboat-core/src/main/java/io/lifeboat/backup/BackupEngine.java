package io.lifeboat.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Captures an Odoo instance consistently: the database dump and the list of referenced files come
 * from one exported snapshot, held open in a {@code REPEATABLE READ} transaction for the whole
 * capture, so the filestore captured is exactly what {@code ir_attachment} references in the dump.
 *
 * <p>Each file's SHA-1 is computed as it streams to the sink and compared with its name: a file that
 * is referenced but missing, or whose content does not match its name, is reported with the ids of
 * the attachments that use it ({@link Options#strict()} makes either fatal). The dump streams from
 * {@code pg_dump} to the sink without a temporary copy; when the sink accepts concurrent parts the
 * filestore is captured while the dump runs.
 *
 * <p>Never writes to the database or the filestore: the transaction is read-only.
 *
 * <p>This class holds the consistent-snapshot session; {@link DumpCapture} runs the dump, {@link
 * FilestoreCapture} captures the files, {@link FilestorePrefetch} reads them ahead.
 */
public final class BackupEngine {

    /** How to capture. */
    public record Options(DumpFormat format, int dumpCompression, FilestoreMode filestoreMode, boolean strict) {
        public static Options defaults() {
            return new Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, false);
        }
    }

    /**
     * What to capture: the database {@code database} on {@code connection}, its filestore directory, and
     * the tools; and, for an instance whose files are (also) in a bucket, that bucket's filestore and
     * layout (rows of the layout are read from the bucket, the plain layout falling back to the directory).
     */
    public record Instance(
            PgConnection connection,
            String database,
            Path filestore,
            Path pgDump,
            Filestore bucket,
            AttachmentLayout layout) {
        public Instance {
            if (layout == null) layout = AttachmentLayout.plain();
        }

        /** An instance whose files are all in its filestore directory. */
        public Instance(PgConnection connection, String database, Path filestore, Path pgDump) {
            this(connection, database, filestore, pgDump, null, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instance instance;
    private final Options options;
    private final Progress progress;

    public BackupEngine(Instance instance, Options options, Progress progress) {
        this.instance = instance;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs the capture into {@code sink} and commits it. On any failure the sink is aborted and the
     * exception propagates; nothing half-made stays visible.
     */
    public BackupReport run(CaptureSink sink, ManifestSource manifests) {
        long start = System.nanoTime();
        BackupReport report = new BackupReport();
        report.database = instance.database();
        report.format = sink.container();
        report.dumpFormat = options.format().name().toLowerCase(java.util.Locale.ROOT);
        report.filestoreMode = options.filestoreMode().name().toLowerCase(java.util.Locale.ROOT);
        boolean committed = false;
        try (Connection conn = instance.connection().open(instance.database())) {
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            String snapshot = exportSnapshot(conn);
            JsonNode manifest = manifests.manifest(conn, instance.database());
            ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "lifeboat-backup");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<?> dump = pool.submit(() -> {
                    long t0 = System.nanoTime();
                    new DumpCapture(instance, options, progress).run(snapshot, sink, report);
                    report.dumpMillis = (System.nanoTime() - t0) / 1_000_000;
                    return null;
                });
                if (!sink.concurrentParts()) {
                    // the sink takes parts one after the other: read the files ahead into the page cache
                    // while the dump runs, so the filestore phase reads from memory
                    FilestorePrefetch prefetch =
                            options.filestoreMode() == FilestoreMode.REFERENCED && instance.bucket() == null
                                    ? FilestorePrefetch.start(instance, snapshot)
                                    : null;
                    try {
                        await(dump);
                    } finally {
                        if (prefetch != null) prefetch.stop();
                    }
                }
                long t1 = System.nanoTime();
                new FilestoreCapture(instance, options, progress).run(conn, sink, report);
                report.filestoreMillis = (System.nanoTime() - t1) / 1_000_000;
                await(dump);
            } finally {
                pool.shutdownNow();
            }
            if (options.strict() && (report.missingFiles > 0 || report.corruptFiles > 0 || report.unsafeNames > 0)) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "filestore does not match the database: " + report.missingFiles + " missing, "
                                + report.corruptFiles + " corrupt, " + report.unsafeNames + " unsafe names",
                        "Run 'lifeboat check' to see the affected attachments, or back up without --strict.");
            }
            report.totalMillis = (System.nanoTime() - start) / 1_000_000;
            report.target = sink.commit(manifest, JSON.valueToTree(report));
            committed = true;
            conn.rollback();
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot read database " + instance.database() + ": " + e.getMessage(),
                    "Check the connection settings and that the database exists.",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!committed) sink.abort();
        }
        report.totalMillis = (System.nanoTime() - start) / 1_000_000;
        return report;
    }

    /** Exports the transaction's snapshot so pg_dump sees exactly what this transaction sees. */
    private static String exportSnapshot(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c);
        }
    }

    /** Supplies Odoo's manifest.json content for the database, read inside the capture's transaction. */
    @FunctionalInterface
    public interface ManifestSource {
        JsonNode manifest(Connection conn, String database) throws SQLException;
    }
}
