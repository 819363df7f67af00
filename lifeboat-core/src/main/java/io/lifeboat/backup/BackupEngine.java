package io.lifeboat.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.Printable;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

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
 */
public final class BackupEngine {

    /** How to capture. */
    public record Options(DumpFormat format, int dumpCompression, FilestoreMode filestoreMode, boolean strict) {
        public static Options defaults() {
            return new Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, false);
        }
    }

    /** What to capture: the database {@code database} on {@code connection}, its filestore directory, and the tools. */
    public record Instance(PgConnection connection, String database, Path filestore, Path pgDump) {}

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
                    runDump(snapshot, sink, report);
                    report.dumpMillis = (System.nanoTime() - t0) / 1_000_000;
                    return null;
                });
                if (!sink.concurrentParts()) {
                    // the sink takes parts one after the other: read the files ahead into the page cache
                    // while the dump runs, so the filestore phase reads from memory
                    Prefetch prefetch = options.filestoreMode() == FilestoreMode.REFERENCED
                            ? Prefetch.start(instance, snapshot)
                            : null;
                    try {
                        await(dump);
                    } finally {
                        if (prefetch != null) prefetch.stop();
                    }
                }
                long t1 = System.nanoTime();
                captureFiles(conn, sink, report);
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

    private void runDump(String snapshot, CaptureSink sink, BackupReport report) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                instance.pgDump().toString(),
                "--no-owner",
                "--snapshot=" + snapshot,
                "--dbname=" + instance.database()));
        if (options.format() == DumpFormat.CUSTOM) cmd.add("--format=c");
        if (options.dumpCompression() >= 0) cmd.add("--compress=" + options.dumpCompression());
        progress.phase("dump database", -1, "bytes");
        PipedInputStream in = new PipedInputStream(1 << 20);
        CountingOutputStream out = new CountingOutputStream(new PipedOutputStream(in), progress);
        Thread producer = Thread.ofPlatform().name("lifeboat-pg_dump").start(() -> {
            try {
                ProcessRunner.command(cmd)
                        .env(instance.connection().env(instance.database()))
                        .removeEnv("PGDATABASE")
                        .stdout(out)
                        .hint("Check that pg_dump can connect and that its version is not older than the server's.")
                        .run();
                out.close();
            } catch (IOException | RuntimeException e) {
                out.fail(e);
            }
        });
        try (InputStream dump = new FailureAwareInputStream(in, out)) {
            sink.dump(options.format(), dump);
        }
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        out.rethrow();
        report.dumpBytes = out.count();
    }

    private void captureFiles(Connection conn, CaptureSink sink, BackupReport report) throws SQLException, IOException {
        switch (options.filestoreMode()) {
            case NONE -> {}
            case REFERENCED -> captureReferenced(conn, sink, report);
            case ALL -> captureAll(sink, report);
        }
        if (!report.affectedFiles.isEmpty()) collectAffectedIds(conn, report);
    }

    private void captureReferenced(Connection conn, CaptureSink sink, BackupReport report)
            throws SQLException, IOException {
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*), count(DISTINCT store_fname) FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                rs.next();
                report.attachmentRows = rs.getLong(1);
                report.referencedFiles = rs.getLong(2);
            }
        }
        progress.phase("filestore", report.referencedFiles, "files");
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT store_fname FROM ir_attachment"
                    + " WHERE store_fname IS NOT NULL ORDER BY store_fname")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    var parsed = StoreFname.parse(name);
                    if (parsed.isEmpty()) {
                        report.unsafeNames++;
                        addAffected(report, name);
                        warn(report, "unsafe store_fname not followed: " + printable(name));
                    } else {
                        captureOne(sink, parsed.get().relative(), parsed.get().sha1(), report);
                    }
                    progress.advance(1);
                }
            }
        }
    }

    private void captureAll(CaptureSink sink, BackupReport report) throws IOException {
        Path root = instance.filestore();
        if (!Files.isDirectory(root)) {
            warn(report, "filestore directory " + root + " does not exist");
            return;
        }
        List<Path> files;
        List<Path> special;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = walk.filter(
                            p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p))
                    .sorted()
                    .toList();
            files = all.stream()
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
            special = all.stream()
                    .filter(p -> !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
        for (Path p : special) {
            warn(
                    report,
                    "special file (FIFO, socket or device) in the filestore, not backed up: "
                            + printable(root.relativize(p).toString()));
        }
        progress.phase("filestore", files.size(), "files");
        for (Path p : files) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            var parsed = StoreFname.parse(rel);
            captureOne(sink, rel, parsed.map(StoreFname::sha1).orElse(null), report);
            progress.advance(1);
        }
    }

    /** Streams one file to the sink, checking its SHA-1 against {@code expectedSha1} (null: no check). */
    private void captureOne(CaptureSink sink, String relative, String expectedSha1, BackupReport report)
            throws IOException {
        Path file = instance.filestore().resolve(relative);
        long size;
        InputStream raw;
        try {
            BasicFileAttributes attrs =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isOther()) { // a FIFO would block the backup: never opened
                report.missingFiles++;
                addAffected(report, relative);
                warn(
                        report,
                        "referenced file is a special file (FIFO, socket or device), not backed up: "
                                + printable(relative));
                return;
            }
            if (!attrs.isRegularFile()) throw new NoSuchFileException(file.toString());
            size = attrs.size();
            raw = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            report.missingFiles++;
            addAffected(report, relative);
            warn(report, "referenced file missing: " + relative);
            return;
        }
        MessageDigest sha1 = sha1();
        try (InputStream in = new SizeCheckingInputStream(new DigestInputStream(raw, sha1), size, relative)) {
            sink.file(relative, size, in);
        }
        report.files++;
        report.fileBytes += size;
        if (expectedSha1 != null) {
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equals(expectedSha1)) {
                report.corruptFiles++;
                addAffected(report, relative);
                warn(report, "file content does not match its name: " + relative + " (sha1 " + actual + ")");
            }
        }
    }

    /** Looks up the attachment ids that reference the affected store names, within the same snapshot. */
    private static void collectAffectedIds(Connection conn, BackupReport report) throws SQLException {
        Array names = conn.createArrayOf("text", report.affectedFiles.toArray());
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT id FROM ir_attachment WHERE store_fname = ANY(?) ORDER BY id LIMIT " + BackupReport.MAX_IDS)) {
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) report.affectedAttachmentIds.add(rs.getLong(1));
            }
        }
    }

    private static void addAffected(BackupReport report, String name) {
        if (report.affectedFiles.size() < BackupReport.MAX_IDS) report.affectedFiles.add(name);
    }

    private void warn(BackupReport report, String message) {
        if (report.warnings.size() < BackupReport.MAX_IDS) report.warnings.add(message);
        progress.warn(message);
    }

    private static String printable(String s) {
        return Printable.of(s.length() > 120 ? s.substring(0, 120) : s);
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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

    /**
     * Reads referenced files (and discards them) on its own connection that imports the capture's
     * snapshot, so the filestore's disk reads overlap the dump. Best effort: any failure just ends it.
     */
    static final class Prefetch implements Runnable {
        private final Instance instance;
        private final String snapshot;
        private volatile boolean stopped;
        private Thread thread;

        private Prefetch(Instance instance, String snapshot) {
            this.instance = instance;
            this.snapshot = snapshot;
        }

        static Prefetch start(Instance instance, String snapshot) {
            Prefetch p = new Prefetch(instance, snapshot);
            p.thread = Thread.ofPlatform().daemon().name("lifeboat-prefetch").start(p);
            return p;
        }

        void stop() {
            stopped = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            byte[] buf = new byte[1 << 20];
            try (Connection c = instance.connection().open(instance.database())) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                    st.setFetchSize(5000);
                    try (ResultSet rs = st.executeQuery("SELECT DISTINCT store_fname FROM ir_attachment"
                            + " WHERE store_fname IS NOT NULL ORDER BY store_fname")) {
                        while (!stopped && rs.next()) {
                            var name = StoreFname.parse(rs.getString(1));
                            if (name.isEmpty()) continue;
                            Path file = instance.filestore().resolve(name.get().relative());
                            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) continue; // never a FIFO
                            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                                while (!stopped && in.read(buf) >= 0) {
                                    // discard: the point is the page cache
                                }
                            } catch (IOException missing) {
                                // reported by the real capture
                            }
                        }
                    }
                }
                c.rollback();
            } catch (SQLException | RuntimeException e) {
                // best effort
            }
        }
    }

    /** Supplies Odoo's manifest.json content for the database, read inside the capture's transaction. */
    @FunctionalInterface
    public interface ManifestSource {
        JsonNode manifest(Connection conn, String database) throws SQLException;
    }

    /** Counts bytes, reports progress, and carries the producer's failure to the consumer. */
    static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        private final Progress progress;
        private long count;
        private volatile Throwable failure;

        CountingOutputStream(OutputStream out, Progress progress) {
            this.out = out;
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            progress.advance(len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        long count() {
            return count;
        }

        void fail(Throwable t) {
            failure = t;
            try {
                out.close();
            } catch (IOException ignored) {
                // the consumer sees the failure below
            }
        }

        void rethrow() throws IOException {
            Throwable t = failure;
            if (t instanceof IOException io) throw io;
            if (t instanceof RuntimeException re) throw re;
            if (t != null) throw new IOException(t);
        }
    }

    /** Ends with an exception, not with end-of-stream, when the producer failed: a failed dump never looks complete. */
    static final class FailureAwareInputStream extends java.io.FilterInputStream {
        private final CountingOutputStream producer;

        FailureAwareInputStream(InputStream in, CountingOutputStream producer) {
            super(in);
            this.producer = producer;
        }

        @Override
        public int read() throws IOException {
            int r = super.read();
            if (r < 0) check();
            return r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r < 0) check();
            return r;
        }

        private void check() throws IOException {
            // the producer records its failure before it closes the pipe
            producer.rethrow();
        }
    }

    /** Fails if a file yields more or fewer bytes than its size when the capture started. */
    static final class SizeCheckingInputStream extends java.io.FilterInputStream {
        private final long expected;
        private final String name;
        private long seen;

        SizeCheckingInputStream(InputStream in, long expected, String name) {
            super(in);
            this.expected = expected;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int r = super.read();
            if (r < 0) checkEnd();
            else if (++seen > expected) throw changed();
            return r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r < 0) checkEnd();
            else if ((seen += r) > expected) throw changed();
            return r;
        }

        private void checkEnd() throws IOException {
            if (seen != expected) throw changed();
        }

        private IOException changed() {
            return new IOException("file " + name + " changed size while it was read");
        }
    }
}
