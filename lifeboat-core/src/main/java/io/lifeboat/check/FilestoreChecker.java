package io.lifeboat.check;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compares an instance's {@code ir_attachment} rows with its filestore, read-only.
 *
 * <p>Guarantees: nothing is written to the database or the filestore; the database is read in one
 * {@code READ ONLY}, {@code REPEATABLE READ} transaction, so a role with only {@code SELECT} on
 * {@code ir_attachment} (and {@code ir_config_parameter}) suffices and every row comes from one
 * snapshot. The snapshot is taken before the filestore is listed: a file written by Odoo during the
 * check can at worst appear as an orphan marked for garbage collection (Odoo marks every new file),
 * and a file reported missing is looked for again at the end. {@code store_fname} values not of the
 * form {@code xx/<sha1>} are reported and never used to build a path; symbolic links in the filestore
 * are never followed. Memory is about 30 bytes per file plus the findings.
 *
 * <p>It is long because it is the whole check pipeline (consistent read of ir_attachment, the filestore
 * index, hashing workers, findings); the index lives in FilestoreIndex.
 */
public final class FilestoreChecker {
    private static final int FETCH_SIZE = 10_000;
    private static final int DETAIL_BATCH = 10_000;

    private FilestoreChecker() {}

    /**
     * A row found wrong in the first pass; its columns are fetched afterwards in the same snapshot. For
     * a missing file, {@code detail} holds the SHA-1 until then.
     */
    private record Pending(long id, FindingKind kind, String detail) {}

    /** The columns of a row worth showing. */
    private record Row(
            long id,
            String resModel,
            Long resId,
            String resField,
            String name,
            String storeFname,
            Long fileSize,
            String createDate) {}

    /**
     * Checks {@code database}'s attachments against the filestore directory {@code filestore} (for a
     * standard Odoo, {@code <data_dir>/filestore/<database>}).
     *
     * @throws LifeboatException when the database cannot be read, is not an Odoo database, or the
     *     filestore cannot be listed
     */
    public static CheckReport check(
            PgConnection connection, String database, Path filestore, CheckOptions options, Progress progress) {
        return check(connection, database, new LocalFilestore(filestore), options, progress);
    }

    /**
     * Checks {@code database}'s attachments against {@code filestore}; the report names the filestore by
     * its {@link Filestore#location()}.
     *
     * @throws LifeboatException when the database cannot be read, is not an Odoo database, or the
     *     filestore cannot be listed
     */
    public static CheckReport check(
            PgConnection connection, String database, Filestore filestore, CheckOptions options, Progress progress) {
        return check(connection, database, filestore, AttachmentLayout.plain(), options, progress);
    }

    /**
     * Checks the rows of {@code layout} against {@code filestore}: for {@link AttachmentLayout.Kind#PLAIN}
     * every {@code xx/<sha1>} row, for {@link AttachmentLayout.Kind#ATTACHMENT_S3} the rows {@code
     * s3://<bucket>/<sha1>} (rows still in the local filestore are then counted as another storage).
     */
    public static CheckReport check(
            PgConnection connection,
            String database,
            Filestore filestore,
            AttachmentLayout layout,
            CheckOptions options,
            Progress progress) {
        try (Connection c = connection.open(database)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return check(c, database, filestore, layout, options, progress);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot read attachments of database " + database + ": " + e.getMessage(),
                    "Check the connection settings and that the role may SELECT from ir_attachment.",
                    e);
        }
    }

    static CheckReport check(
            Connection c,
            String database,
            Filestore filestore,
            AttachmentLayout layout,
            CheckOptions options,
            Progress progress)
            throws SQLException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        // 1. Take the snapshot first (the first statement of the transaction) and learn the storage mode.
        requireReadable(c, database);
        long rowCount = count(c);
        String configured = location(c, warnings);
        String location = configured == null ? "file" : configured;

        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), daemonThreads());
        try {
            // 2. List the filestore: stat every file, or (deep) read and hash it.
            long t1 = System.nanoTime();
            FilestoreIndex index = scan(filestore, options.deep(), pool, progress);
            if (!index.exists()) warnings.add("filestore directory " + filestore.location() + " does not exist");
            long t3 = System.nanoTime();

            // 3. Stream the rows once, keeping only what is wrong.
            progress.phase("read attachments", rowCount, "rows");
            RowPass pass = new RowPass(index, !location.equals("db"), layout);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = s.executeQuery(
                        "SELECT id, store_fname, file_size, checksum, type, db_datas IS NOT NULL FROM ir_attachment")) {
                    while (rs.next()) {
                        pass.row(rs);
                        if (pass.rows % FETCH_SIZE == 0) progress.advance(FETCH_SIZE);
                    }
                }
            }
            progress.advance(pass.rows % FETCH_SIZE);
            if (pass.cloudStorageRows > 0) {
                warnings.add(pass.cloudStorageRows + " attachments are Odoo cloud storage blobs (type cloud_storage):"
                        + " their content is outside the filestore and outside Odoo's and Lifeboat's backups");
            }
            if (pass.localRowsElsewhere > 0) {
                warnings.add(pass.localRowsElsewhere + " attachments are still in the local filestore, not in "
                        + filestore.location() + ": check them without --bucket");
            }
            if (pass.externalRows > pass.localRowsElsewhere) {
                warnings.add((pass.externalRows - pass.localRowsElsewhere) + " attachments name another storage ("
                        + String.join(", ", pass.schemes) + "), e.g. fs_attachment's <code>://<path>: not checked");
            }

            // 4. A file that appeared since the listing is not missing.
            int appeared = pass.dropAppeared(filestore);
            if (appeared > 0) warnings.add(appeared + " referenced files appeared during the check; not reported");

            // 5. Fetch the columns of the rows found wrong, from the same snapshot.
            Map<Long, Row> rows = details(c, pass.pending);
            long t4 = System.nanoTime();

            List<Finding> findings = new ArrayList<>();
            for (Pending p : pass.pending) {
                Row r = rows.get(p.id());
                if (r == null) continue;
                findings.add(new Finding(
                        p.kind(),
                        r.id(),
                        r.resModel(),
                        r.resId(),
                        r.resField(),
                        r.name(),
                        r.storeFname(),
                        r.fileSize(),
                        r.createDate(),
                        p.kind() == FindingKind.MISSING_FILE ? null : p.detail()));
            }
            long[] orphans = fileFindings(index, location, options.deep(), findings);
            findings.sort(Comparator.comparing(Finding::kind)
                    .thenComparing(f -> f.resModel() == null ? "" : f.resModel())
                    .thenComparing(f -> f.id() == null ? Long.MAX_VALUE : f.id())
                    .thenComparing(f -> f.storeFname() == null ? "" : f.storeFname()));

            Map<FindingKind, Long> counts = new EnumMap<>(FindingKind.class);
            for (FindingKind k : FindingKind.values()) counts.put(k, 0L);
            for (Finding f : findings) counts.merge(f.kind(), 1L, Long::sum);
            counts.put(FindingKind.DATABASE_STORED, pass.databaseRows);
            counts.put(FindingKind.STRAY_ENTRY, index.strayCount());
            if (index.strayCount() > FilestoreIndex.MAX_STRAYS_LISTED) {
                warnings.add("only the first " + FilestoreIndex.MAX_STRAYS_LISTED + " of " + index.strayCount()
                        + " unexpected filestore entries are listed");
            }

            long files = 0;
            long bytes = 0;
            long referenced = 0;
            long hashedFiles = 0;
            long hashedBytes = 0;
            for (FilestoreIndex.Bucket b : index.buckets()) {
                if (b == null) continue;
                for (int i = 0; i < b.n; i++) {
                    files++;
                    bytes += b.size[i];
                    if ((b.flags[i] & FilestoreIndex.REFERENCED) != 0) referenced++;
                    if ((b.flags[i] & FilestoreIndex.HASHED) != 0) {
                        hashedFiles++;
                        hashedBytes += b.size[i];
                    }
                }
            }
            Totals totals = new Totals(
                    files,
                    bytes,
                    referenced,
                    pass.missing.size(),
                    orphans[0],
                    orphans[1],
                    index.markers(),
                    index.staleMarkers(),
                    index.strayCount(),
                    hashedFiles,
                    hashedBytes,
                    seconds(t3 - t1),
                    seconds(t1 - t0) + seconds(t4 - t3));
            StorageInfo storage = new StorageInfo(
                    location,
                    configured != null,
                    pass.rows,
                    pass.fileRows,
                    pass.databaseRows,
                    pass.urlRows,
                    pass.emptyRows,
                    pass.externalRows);
            return new CheckReport(
                    database,
                    filestore.location(),
                    options.deep(),
                    started.truncatedTo(ChronoUnit.SECONDS).toString(),
                    seconds(System.nanoTime() - t0),
                    storage,
                    totals,
                    counts,
                    summarize(findings),
                    List.copyOf(findings),
                    List.copyOf(warnings));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The first pass over the rows: classifies each and marks the files it references. */
    private static final class RowPass {
        final FilestoreIndex index;
        final boolean listDatabaseStored;
        final List<Pending> pending = new ArrayList<>();
        final Set<String> missing = new HashSet<>();
        final AttachmentLayout layout;
        final Set<String> schemes = new java.util.TreeSet<>();
        long cloudStorageRows;
        long localRowsElsewhere;
        long rows;
        long fileRows;
        long databaseRows;
        long urlRows;
        long emptyRows;
        long externalRows;

        RowPass(FilestoreIndex index, boolean listDatabaseStored, AttachmentLayout layout) {
            this.index = index;
            this.listDatabaseStored = listDatabaseStored;
            this.layout = layout;
        }

        void row(ResultSet rs) throws SQLException {
            rows++;
            long id = rs.getLong(1);
            String storeFname = rs.getString(2);
            long fileSize = rs.getLong(3);
            boolean hasSize = !rs.wasNull();
            String checksum = rs.getString(4);
            String type = rs.getString(5);
            boolean inDatabase = rs.getBoolean(6);
            if (storeFname == null || storeFname.isEmpty()) {
                if (inDatabase) {
                    databaseRows++;
                    if (listDatabaseStored) pending.add(new Pending(id, FindingKind.DATABASE_STORED, null));
                } else if ("url".equals(type)) {
                    urlRows++;
                } else if ("cloud_storage".equals(type)) {
                    cloudStorageRows++;
                    emptyRows++;
                } else {
                    emptyRows++;
                }
                return;
            }
            if (layout.kind() == AttachmentLayout.Kind.ATTACHMENT_S3) {
                var sha1 = layout.sha1Of(storeFname);
                if (sha1.isPresent()) {
                    storeFname = sha1.get().substring(0, 2) + "/" + sha1.get();
                } else {
                    externalRows++;
                    if (storeFname.contains("://")) scheme(storeFname);
                    else localRowsElsewhere++;
                    return;
                }
            } else if (storeFname.contains("://")) {
                externalRows++;
                scheme(storeFname);
                return;
            }
            fileRows++;
            String unsafe = unsafeReason(storeFname);
            if (unsafe != null) {
                pending.add(new Pending(id, FindingKind.UNSAFE_STORE_FNAME, unsafe));
                return;
            }
            String sha1 = storeFname.substring(3);
            if (checksum != null && !checksum.isEmpty() && !checksum.equals(sha1)) {
                pending.add(new Pending(id, FindingKind.CHECKSUM_MISMATCH, "checksum is " + checksum));
            }
            long handle = index.find(sha1);
            if (handle < 0) {
                missing.add(sha1);
                pending.add(new Pending(id, FindingKind.MISSING_FILE, sha1));
                return;
            }
            index.setFlag(handle, FilestoreIndex.REFERENCED);
            byte flags = index.flags(handle);
            if ((flags & FilestoreIndex.UNREADABLE) != 0) {
                pending.add(new Pending(id, FindingKind.UNREADABLE_FILE, null));
            } else if ((flags & FilestoreIndex.CORRUPT) != 0) {
                pending.add(new Pending(id, FindingKind.CORRUPT_FILE, "content does not hash to " + sha1));
            }
            long actual = index.size(handle);
            if (hasSize && actual != fileSize) {
                pending.add(new Pending(
                        id, FindingKind.SIZE_MISMATCH, "file has " + actual + " bytes, file_size says " + fileSize));
            }
        }

        private void scheme(String storeFname) {
            if (schemes.size() < 10) {
                String head = storeFname.substring(0, storeFname.indexOf("://"));
                schemes.add(head.length() > 30 || !head.matches("[A-Za-z0-9_.+-]*") ? "?" : head + "://");
            }
        }

        /** Drops missing-file findings whose file exists now; returns how many files appeared. */
        int dropAppeared(Filestore filestore) {
            Set<String> appeared = new HashSet<>();
            for (String sha1 : missing) {
                try {
                    if (filestore.stat(sha1.substring(0, 2) + "/" + sha1).isPresent()) appeared.add(sha1);
                } catch (IOException e) {
                    // unreadable: still missing
                }
            }
            if (appeared.isEmpty()) return 0;
            missing.removeAll(appeared);
            pending.removeIf(p -> p.kind() == FindingKind.MISSING_FILE && appeared.contains(p.detail()));
            return appeared.size();
        }
    }

    /**
     * Why a store_fname cannot be followed, or null when it is the canonical {@code xx/<sha1>}. Odoo
     * itself strips {@code .} and {@code :} and leading slashes before use; Lifeboat refuses instead.
     */
    static String unsafeReason(String storeFname) {
        if (storeFname.length() == 43
                && storeFname.charAt(2) == '/'
                && Sha1Key.isSha1(storeFname.substring(3))
                && storeFname.startsWith(storeFname.substring(3, 5))) {
            return null;
        }
        if (storeFname.contains("..")) return "path contains '..'";
        if (storeFname.startsWith("/") || storeFname.startsWith("\\") || storeFname.matches("^[A-Za-z]:.*")) {
            return "absolute path";
        }
        for (int i = 0; i < storeFname.length(); i++) {
            char ch = storeFname.charAt(i);
            boolean plain =
                    (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '/';
            if (!plain) return "unexpected character U+" + String.format("%04X", (int) ch);
        }
        return "not of the form xx/<sha1>";
    }

    private static FilestoreIndex scan(Filestore filestore, boolean hash, ExecutorService pool, Progress progress) {
        try {
            return FilestoreIndex.scan(filestore, hash, pool, progress);
        } catch (IOException e) {
            throw filestoreError(filestore, e);
        }
    }

    private static LifeboatException filestoreError(Filestore filestore, IOException e) {
        return new LifeboatException(
                Kind.ENVIRONMENT,
                "cannot read filestore " + filestore.location() + ": " + e,
                e instanceof AccessDeniedException
                        ? "Run as the Odoo system user or give this user read access to the filestore."
                        : "Check that the filestore directory is readable.",
                e);
    }

    private static void requireReadable(Connection c, String database) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('ir_attachment') IS NOT NULL,"
                        + " CASE WHEN to_regclass('ir_attachment') IS NULL THEN false"
                        + " ELSE has_table_privilege('ir_attachment', 'SELECT') END, current_user")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "database " + database + " has no ir_attachment table",
                        "Check the database name: this does not look like an Odoo database.");
            }
            if (!rs.getBoolean(2)) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        "role " + rs.getString(3) + " may not read ir_attachment in database " + database,
                        "Grant SELECT on ir_attachment and ir_config_parameter to the role, or use the Odoo database user.");
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM ir_attachment")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The configured {@code ir_attachment.location}, or null when unset (Odoo then uses {@code file}). */
    private static String location(Connection c, List<String> warnings) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('ir_config_parameter') IS NOT NULL"
                        + " AND has_table_privilege('ir_config_parameter', 'SELECT')")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                warnings.add("cannot read ir_config_parameter; assuming ir_attachment.location is file");
                return null;
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM ir_config_parameter WHERE key = ?")) {
            s.setString(1, "ir_attachment.location");
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) return null;
                String v = rs.getString(1);
                return v == null || v.isBlank() ? null : v.trim();
            }
        }
    }

    private static Map<Long, Row> details(Connection c, List<Pending> pending) throws SQLException {
        Map<Long, Row> rows = new HashMap<>();
        List<Long> ids = pending.stream().map(Pending::id).distinct().toList();
        try (PreparedStatement s =
                c.prepareStatement("SELECT id, res_model, res_id, res_field, name, store_fname, file_size, create_date"
                        + " FROM ir_attachment WHERE id = ANY(?)")) {
            for (int from = 0; from < ids.size(); from += DETAIL_BATCH) {
                List<Long> batch = ids.subList(from, Math.min(ids.size(), from + DETAIL_BATCH));
                Array array = c.createArrayOf("bigint", batch.toArray());
                s.setArray(1, array);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long resId = rs.getLong(3);
                        Long resIdOrNull = rs.wasNull() ? null : resId;
                        long size = rs.getLong(7);
                        Long sizeOrNull = rs.wasNull() ? null : size;
                        LocalDateTime created = rs.getObject(8, LocalDateTime.class);
                        rows.put(
                                rs.getLong(1),
                                new Row(
                                        rs.getLong(1),
                                        rs.getString(2),
                                        resIdOrNull,
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        sizeOrNull,
                                        created == null ? null : created.toString()));
                    }
                }
                array.free();
            }
        }
        return rows;
    }

    /** Adds orphan and stray findings; returns {orphan files, orphan bytes}. */
    private static long[] fileFindings(FilestoreIndex index, String location, boolean deep, List<Finding> out) {
        long count = 0;
        long bytes = 0;
        String collected = location.equals("file")
                ? "odoo deletes it at its next filestore garbage collection"
                : "marked, but odoo collects filestore garbage only when ir_attachment.location is file";
        FilestoreIndex.Bucket[] buckets = index.buckets();
        for (int bi = 0; bi < buckets.length; bi++) {
            FilestoreIndex.Bucket b = buckets[bi];
            if (b == null) continue;
            for (int i = 0; i < b.n; i++) {
                byte flags = b.flags[i];
                if ((flags & FilestoreIndex.REFERENCED) != 0) continue;
                count++;
                bytes += b.size[i];
                String sha1 = b.sha1(i);
                boolean marked = (flags & FilestoreIndex.MARKED) != 0;
                String detail = marked ? collected : null;
                if (deep && (flags & FilestoreIndex.CORRUPT) != 0) {
                    detail = (detail == null ? "" : detail + "; ") + "content does not match its name";
                }
                out.add(Finding.file(
                        marked ? FindingKind.ORPHAN_MARKED_FOR_GC : FindingKind.ORPHAN_FILE,
                        sha1.substring(0, 2) + "/" + sha1,
                        b.size[i],
                        detail));
            }
        }
        for (FilestoreIndex.Stray s : index.strays()) {
            out.add(Finding.file(FindingKind.STRAY_ENTRY, s.relative(), s.size(), s.reason()));
        }
        return new long[] {count, bytes};
    }

    private static List<ModelSummary> summarize(List<Finding> findings) {
        record Key(FindingKind kind, String model) {}
        final class Acc {
            long rows;
            long unstoredBytes;
            final Map<String, Long> files = new HashMap<>();
        }
        Map<Key, Acc> acc = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.id() == null) continue;
            Acc a = acc.computeIfAbsent(new Key(f.kind(), f.resModel() == null ? "" : f.resModel()), k -> new Acc());
            a.rows++;
            long size = f.fileSize() == null ? 0L : f.fileSize();
            if (f.storeFname() != null) a.files.merge(f.storeFname(), size, Math::max);
            else a.unstoredBytes += size;
        }
        List<ModelSummary> out = new ArrayList<>();
        acc.forEach((k, a) -> out.add(new ModelSummary(
                k.kind(),
                k.model(),
                a.rows,
                a.files.size(),
                a.unstoredBytes
                        + a.files.values().stream().mapToLong(Long::longValue).sum())));
        out.sort(Comparator.comparing(ModelSummary::kind)
                .thenComparing(Comparator.comparingLong(ModelSummary::rows).reversed())
                .thenComparing(ModelSummary::resModel));
        return List.copyOf(out);
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "lifeboat-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
