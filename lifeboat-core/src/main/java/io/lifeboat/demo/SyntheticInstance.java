package io.lifeboat.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Generates a synthetic Odoo 17 instance: a database whose {@code ir_attachment}, {@code
 * ir_config_parameter}, {@code ir_module_module}, {@code res_users}, {@code res_partner}, {@code
 * res_company}, {@code ir_cron}, {@code ir_mail_server} and {@code fetchmail_server} tables have
 * Odoo 17's columns and types, bulk business tables (sales, accounting, stock, chatter; see {@link
 * SyntheticBulk}) whose big tables have the indexes, foreign keys and constraints Odoo 17 gives them
 * (see {@code odoo17-schema.sql}), and a matching filestore.
 *
 * <p>The output is a pure function of the {@link Spec}: the same spec gives the same rows, the same
 * file names and the same file contents. Database writes happen in one transaction on the given
 * connection (committed on success, rolled back on failure); files written before a failure stay.
 *
 * <p>It is long because it holds the synthetic data model (modules, users, partners, attachments and
 * their files; the business rows are {@link SyntheticBulk}'s) so that one seed determines an
 * instance; each part is a short method.
 */
public final class SyntheticInstance {

    /** Password of the {@code admin} user. */
    public static final String ADMIN_PASSWORD = "admin";

    static final int FIRST_PARTNER = 7;
    private static final String[] IMAGE_FIELDS = {"image_1920", "image_1024", "image_512", "image_256", "image_128"};
    private static final String[][] BINARY_TYPES = {
        {"application/pdf", "invoice", "pdf"},
        {"image/png", "photo", "png"},
        {"application/zip", "archive", "zip"},
        {"image/jpeg", "scan", "jpg"}
    };
    private static final String[][] TEXT_TYPES = {
        {"text/plain", "notes", "txt"},
        {"text/csv", "export", "csv"},
        {"application/xml", "report", "xml"},
        {"text/html", "page", "html"}
    };
    private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 7, 9, 12, 0, 0);
    private static final long MIN_FILE = 1024;
    private static final long MAX_FILE = 20L << 20;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * What to generate.
     *
     * @param attachments number of {@code ir_attachment} rows, at least 8 (a few of each special
     *     kind are included)
     * @param filestoreBytes approximate total size of the distinct files (file sizes follow a
     *     log-normal distribution clamped to 1 KiB .. 20 MiB and scaled to this total; bounds give
     *     way when the total cannot be met within them, and every file has at least 64 bytes)
     * @param incompressibleFraction fraction of the filestore's bytes in files with random content
     *     (images, PDFs, zips); the others are text. Field attachments (images) are always
     *     incompressible, so their share is a floor
     * @param duplicateFraction fraction of file-backed rows that reuse another row's file (at least
     *     one row does)
     * @param bulkRows rows of {@code account_move_line}; {@code sale_order_line} gets half as many,
     *     {@code account_move}, {@code mail_message} and {@code mail_tracking_value} a quarter,
     *     {@code account_full_reconcile} a sixth, {@code stock_move} a fifth, {@code sale_order} a
     *     tenth and {@code stock_picking} a twentieth; about 1,300 bytes of table and index data
     *     per unit (800,000 make about 1 GB; 850,000 with 57,000 attachments make a database of
     *     1.06 GiB)
     * @param seed makes the output reproducible
     */
    public record Spec(
            int attachments,
            long filestoreBytes,
            double incompressibleFraction,
            double duplicateFraction,
            long bulkRows,
            long seed) {
        public Spec {
            if (attachments < 8) {
                throw new IllegalArgumentException("attachments must be at least 8");
            }
            if (filestoreBytes < 0 || bulkRows < 0) {
                throw new IllegalArgumentException("filestoreBytes and bulkRows must not be negative");
            }
            if (!(incompressibleFraction >= 0 && incompressibleFraction <= 1)
                    || !(duplicateFraction >= 0 && duplicateFraction < 1)) {
                throw new IllegalArgumentException("fractions must be within 0..1");
            }
        }

        /**
         * 40 attachments, 256 KiB of files (70% of the bytes incompressible, 10% duplicate rows),
         * 200 bulk rows, seed 1: seconds to create.
         */
        public static Spec small() {
            return new Spec(40, 256 * 1024, 0.7, 0.1, 200, 1);
        }

        public Spec withAttachments(int n) {
            return new Spec(n, filestoreBytes, incompressibleFraction, duplicateFraction, bulkRows, seed);
        }

        public Spec withFilestoreBytes(long n) {
            return new Spec(attachments, n, incompressibleFraction, duplicateFraction, bulkRows, seed);
        }

        public Spec withIncompressibleFraction(double f) {
            return new Spec(attachments, filestoreBytes, f, duplicateFraction, bulkRows, seed);
        }

        public Spec withDuplicateFraction(double f) {
            return new Spec(attachments, filestoreBytes, incompressibleFraction, f, bulkRows, seed);
        }

        public Spec withBulkRows(long n) {
            return new Spec(attachments, filestoreBytes, incompressibleFraction, duplicateFraction, n, seed);
        }

        public Spec withSeed(long s) {
            return new Spec(attachments, filestoreBytes, incompressibleFraction, duplicateFraction, bulkRows, s);
        }
    }

    /**
     * What was generated.
     *
     * @param attachments {@code ir_attachment} rows
     * @param storedRows rows with a {@code store_fname}
     * @param distinctFiles files in the filestore (excluding checklist markers)
     * @param filestoreBytes total size of those files
     * @param checklistMarkers {@code checklist/xx/<sha1>} markers written
     * @param bulkRows rows in the bulk business tables, all together
     * @param emptyIds attachments with empty content: no file, {@code file_size}, {@code checksum}
     *     or {@code store_fname}, as Odoo stores them
     * @param urlIds {@code type = 'url'} attachments
     * @param dbStoredIds attachments held in {@code db_datas}
     * @param fieldAttachmentIds attachments with {@code res_field} set (partner images)
     * @param duplicateGroups ids of rows sharing one file, one list per shared file
     * @param installedModules installed module names and their {@code latest_version}
     * @param databaseUuid the {@code database.uuid} parameter
     */
    public record Result(
            int attachments,
            int storedRows,
            int distinctFiles,
            long filestoreBytes,
            int checklistMarkers,
            long bulkRows,
            List<Integer> emptyIds,
            List<Integer> urlIds,
            List<Integer> dbStoredIds,
            List<Integer> fieldAttachmentIds,
            List<List<Integer>> duplicateGroups,
            Map<String, String> installedModules,
            String databaseUuid) {}

    /**
     * What {@link #mutate} changed.
     *
     * @param attachmentIds attachments given new content
     * @param newStoreFnames their new {@code store_fname} values, in the same order
     * @param orphanedStoreFnames the files they referenced before, left in place as Odoo does until
     *     its garbage collection (other rows may still reference some of them)
     * @param newFileBytes bytes written to new files
     * @param rowsUpdated rows updated in the bulk tables
     */
    public record Mutation(
            List<Integer> attachmentIds,
            List<String> newStoreFnames,
            List<String> orphanedStoreFnames,
            long newFileBytes,
            long rowsUpdated) {}

    private enum Kind {
        REGULAR,
        FIELD,
        DUPLICATE,
        EMPTY,
        URL,
        DB
    }

    private SyntheticInstance() {}

    /**
     * Creates the schema, rows and filestore. The database must have none of the generated tables;
     * the connection's user owns the created tables. Files go to {@code filestoreDir} (created if
     * missing), written in parallel with the database work.
     */
    public static Result create(Connection conn, Path filestoreDir, Spec spec) throws SQLException, IOException {
        Files.createDirectories(filestoreDir);
        int n = spec.attachments();
        SplittableRandom rng = new SplittableRandom(spec.seed());

        // 1. Decide the kind of every row, then the files behind them.
        List<Kind> kinds = new ArrayList<>(n);
        int special = Math.max(1, n / 1000);
        int urls = Math.max(1, n / 200);
        int rest = n - 2 * special - urls;
        int fields = Math.max(1, rest / 10);
        int dups = Math.min(rest - fields - 1, Math.max(1, (int) Math.round(rest * spec.duplicateFraction())));
        addKinds(kinds, Kind.EMPTY, special);
        addKinds(kinds, Kind.DB, special);
        addKinds(kinds, Kind.URL, urls);
        addKinds(kinds, Kind.FIELD, fields);
        addKinds(kinds, Kind.DUPLICATE, dups);
        addKinds(kinds, Kind.REGULAR, n - kinds.size());
        Collections.shuffle(kinds, new Random(spec.seed()));

        int[] fileOf = new int[n];
        List<Boolean> fileIsField = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Kind k = kinds.get(i);
            fileOf[i] = -1;
            if (k == Kind.FIELD || k == Kind.REGULAR) {
                fileOf[i] = fileIsField.size();
                fileIsField.add(k == Kind.FIELD);
            }
        }
        int files = fileIsField.size();
        for (int i = 0; i < n; i++) {
            if (kinds.get(i) == Kind.DUPLICATE) {
                fileOf[i] = rng.nextInt(files);
            }
        }
        long[] sizes = fileSizes(rng, files, spec.filestoreBytes());
        boolean[] random = incompressible(sizes, fileIsField, spec, rng);
        List<SyntheticFiles.Plan> plans = new ArrayList<>(files);
        for (int j = 0; j < files; j++) {
            String[] type = (random[j] ? BINARY_TYPES : TEXT_TYPES)[rng.nextInt(4)];
            plans.add(new SyntheticFiles.Plan(
                    mix(spec.seed() ^ 0x5EEDF11EL, j),
                    (int) sizes[j],
                    random[j],
                    fileIsField.get(j) ? "image/png" : type[0]));
        }

        // 2. Write files while the server loads the database.
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (SyntheticFiles.Job job =
                SyntheticFiles.start(filestoreDir, plans, Runtime.getRuntime().availableProcessors())) {
            long partners = FIRST_PARTNER
                    + Math.max(20, fields / IMAGE_FIELDS.length + 1)
                    + Math.min(spec.bulkRows() / 100, 100_000);
            String[] schema = schema();
            Map<String, String> modules;
            String uuid;
            long bulk;
            try (Statement s = conn.createStatement()) {
                s.execute("SET LOCAL maintenance_work_mem = '256MB'");
                s.execute(schema[0]);
                uuid = baseRows(conn, spec.seed(), partners);
                modules = modules(conn);
                SyntheticBulk.referenceRows(s, TS.format(EPOCH));
                bulk = SyntheticBulk.bulkRows(s, spec.bulkRows(), spec.seed(), partners);
            }
            List<SyntheticFiles.Written> written = job.await();

            // 3. Attachment rows, then constraints and indexes.
            Map<String, List<Integer>> byFile = new LinkedHashMap<>();
            List<Integer> empty = new ArrayList<>();
            List<Integer> url = new ArrayList<>();
            List<Integer> db = new ArrayList<>();
            List<Integer> field = new ArrayList<>();
            int stored = 0;
            String copy = "COPY ir_attachment (id, res_id, company_id, file_size, create_uid, write_uid, name,"
                    + " res_model, res_field, type, url, access_token, store_fname, checksum, mimetype,"
                    + " description, index_content, public, create_date, write_date, db_datas, original_id)"
                    + " FROM STDIN";
            try (Writer w = new BufferedWriter(new OutputStreamWriter(
                    new PGCopyOutputStream(conn.unwrap(PGConnection.class), copy, 1 << 16), StandardCharsets.UTF_8))) {
                int fieldNo = 0;
                boolean nonAscii = false;
                for (int i = 0; i < n; i++) {
                    int id = i + 1;
                    long h = mix(spec.seed() ^ 0xA77AC4L, id);
                    String ts = TS.format(EPOCH.plusSeconds(id * 7L));
                    Row r = new Row(id, ts);
                    switch (kinds.get(i)) {
                        case EMPTY -> {
                            r.name = "empty_" + id + ".bin";
                            r.resModel = "res.partner";
                            r.resId = Long.toString(FIRST_PARTNER);
                            r.mimetype = "application/octet-stream";
                            empty.add(id);
                        }
                        case URL -> {
                            boolean local = (h & 1) == 0;
                            r.name = local ? "placeholder.png" : "odoo.com link " + id;
                            r.type = "url";
                            r.url = local ? "/web/static/img/placeholder.png" : "https://www.odoo.com/page/" + id;
                            r.mimetype = local ? "image/png" : "text/html";
                            r.isPublic = local ? "t" : null;
                            url.add(id);
                        }
                        case DB -> {
                            byte[] data = SyntheticFiles.content(
                                    new SyntheticFiles.Plan(h, 100 + (int) ((h >>> 1) % 1900), false, "text/plain"));
                            r.name = "db_stored_" + id + ".txt";
                            r.resModel = "res.partner";
                            r.resId = Long.toString(FIRST_PARTNER);
                            r.mimetype = "text/plain";
                            r.fileSize = Integer.toString(data.length);
                            r.checksum = SyntheticFiles.sha1Hex(data);
                            r.indexContent = new String(data, StandardCharsets.US_ASCII);
                            r.dbDatas = "\\\\x" + HexFormat.of().formatHex(data);
                            db.add(id);
                        }
                        case FIELD -> {
                            r.name = IMAGE_FIELDS[fieldNo % IMAGE_FIELDS.length];
                            r.resField = r.name;
                            r.resModel = "res.partner";
                            r.resId = Long.toString(FIRST_PARTNER + fieldNo / IMAGE_FIELDS.length);
                            fieldNo++;
                            field.add(id);
                        }
                        case REGULAR, DUPLICATE -> {
                            String[] type = typeOf(plans.get(fileOf[i]).mimetype());
                            r.name = (nonAscii ? type[1] + "_" : "Überweisung été 日本 ") + id + "." + type[2];
                            nonAscii = true;
                            int m = (int) ((h >>> 8) % 10);
                            r.resModel = m < 3 && spec.bulkRows() > 0
                                    ? "sale.order"
                                    : m < 6 ? "res.partner" : m < 8 ? "account.move" : m < 9 ? "discuss.channel" : null;
                            long target = "sale.order".equals(r.resModel)
                                    ? 1 + (h >>> 16) % Math.max(1, spec.bulkRows() / 10)
                                    : "res.partner".equals(r.resModel)
                                            ? FIRST_PARTNER + (h >>> 16) % (partners - FIRST_PARTNER)
                                            : r.resModel == null ? 0 : 1 + (h >>> 16) % 5000;
                            r.resId = Long.toString(target);
                            r.isPublic = (h & 15) == 0 ? "t" : (h & 15) == 1 ? "f" : null;
                            r.accessToken = (h & 0x30) == 0 ? uuid(new SplittableRandom(h)) : null;
                        }
                    }
                    if (fileOf[i] >= 0) {
                        SyntheticFiles.Written f = written.get(fileOf[i]);
                        r.storeFname = f.storeFname();
                        r.checksum = f.sha1();
                        r.fileSize = Long.toString(f.size());
                        r.mimetype = plans.get(fileOf[i]).mimetype();
                        r.indexContent = r.mimetype.substring(0, r.mimetype.indexOf('/'));
                        byFile.computeIfAbsent(f.sha1(), k -> new ArrayList<>()).add(id);
                        stored++;
                    }
                    r.writeTo(w);
                }
            }
            try (Statement s = conn.createStatement()) {
                s.execute(schema[1]);
                s.execute("SELECT setval('ir_attachment_id_seq', " + n + ")");
            }
            conn.commit();

            int markers = 0;
            long bytes = 0;
            List<List<Integer>> groups = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : byFile.entrySet()) {
                if (e.getValue().size() > 1) {
                    groups.add(List.copyOf(e.getValue()));
                }
                if (markers == 0 || (mix(spec.seed() ^ 0xC4EC4L, e.getKey().hashCode()) & 7) == 0) {
                    SyntheticFiles.markForGc(filestoreDir, e.getKey());
                    markers++;
                }
            }
            for (SyntheticFiles.Written f : dedupe(written)) {
                bytes += f.size();
            }
            return new Result(
                    n,
                    stored,
                    byFile.size(),
                    bytes,
                    markers,
                    bulk,
                    List.copyOf(empty),
                    List.copyOf(url),
                    List.copyOf(db),
                    List.copyOf(field),
                    List.copyOf(groups),
                    modules,
                    uuid);
        } catch (SQLException | IOException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }

    /**
     * Changes about {@code fraction} of an instance made by {@link #create}, the way Odoo use does:
     * file-backed attachments get new content (a new file and an updated row; the old file stays as
     * an orphan until garbage collection), and one contiguous id range of about {@code fraction} of
     * the rows of {@code account_move_line}, {@code sale_order_line} and {@code mail_message} is
     * updated. One transaction; deterministic for a seed and a given database state.
     */
    public static Mutation mutate(Connection conn, Path filestoreDir, double fraction, long seed)
            throws SQLException, IOException {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be within 0..1");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> ids = new ArrayList<>();
        List<String> old = new ArrayList<>();
        List<SyntheticFiles.Plan> plans = new ArrayList<>();
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try {
            try (Statement s = conn.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, store_fname, file_size, mimetype FROM ir_attachment"
                            + " WHERE store_fname IS NOT NULL ORDER BY id")) {
                while (rs.next()) {
                    if (rng.nextDouble() < fraction) {
                        int id = rs.getInt(1);
                        String mime = rs.getString(4) == null ? "application/octet-stream" : rs.getString(4);
                        ids.add(id);
                        old.add(rs.getString(2));
                        plans.add(new SyntheticFiles.Plan(
                                mix(seed ^ 0x3A7E5L, id),
                                Math.max(64, rs.getInt(3)),
                                !(mime.startsWith("text/") || mime.endsWith("xml")),
                                mime));
                    }
                }
            }
            List<SyntheticFiles.Written> written = SyntheticFiles.write(
                    filestoreDir, plans, Runtime.getRuntime().availableProcessors());
            long bytes = 0;
            List<String> fnames = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("UPDATE ir_attachment SET store_fname = ?,"
                    + " checksum = ?, file_size = ?, write_date = now() AT TIME ZONE 'UTC' WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                    SyntheticFiles.Written f = written.get(i);
                    SyntheticFiles.markForGc(filestoreDir, f.sha1());
                    ps.setString(1, f.storeFname());
                    ps.setString(2, f.sha1());
                    ps.setLong(3, f.size());
                    ps.setInt(4, ids.get(i));
                    ps.addBatch();
                    fnames.add(f.storeFname());
                    bytes += f.size();
                }
                ps.executeBatch();
            }
            long rows = 0;
            String tag = Long.toString(seed);
            rows += updateRange(conn, "account_move_line", "name = 'Line ' || md5(? || id::text)", tag, fraction, rng);
            rows += updateRange(conn, "sale_order_line", "name = 'Updated ' || md5(? || id::text)", tag, fraction, rng);
            rows += updateRange(
                    conn, "mail_message", "body = '<p>Edited ' || md5(? || id::text) || '</p>'", tag, fraction, rng);
            conn.commit();
            return new Mutation(List.copyOf(ids), List.copyOf(fnames), List.copyOf(old), bytes, rows);
        } catch (SQLException | IOException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }

    private static long updateRange(
            Connection conn, String table, String set, String tag, double fraction, SplittableRandom rng)
            throws SQLException {
        long max;
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + table)) {
            rs.next();
            max = rs.getLong(1);
        }
        long count = Math.round(max * fraction);
        if (count == 0) {
            return 0;
        }
        long from = 1 + rng.nextLong(max - count + 1);
        try (PreparedStatement ps = conn.prepareStatement("UPDATE " + table + " SET " + set
                + ", write_date = now() AT TIME ZONE 'UTC' WHERE id BETWEEN ? AND ?")) {
            ps.setString(1, tag);
            ps.setLong(2, from);
            ps.setLong(3, from + count - 1);
            return ps.executeLargeUpdate();
        }
    }

    /** One {@code ir_attachment} row in COPY text format. */
    private static final class Row {
        final int id;
        final String ts;
        String resId;
        String fileSize;
        String name;
        String resModel;
        String resField;
        String type = "binary";
        String url;
        String accessToken;
        String storeFname;
        String checksum;
        String mimetype;
        String indexContent;
        String isPublic;
        String dbDatas;

        Row(int id, String ts) {
            this.id = id;
            this.ts = ts;
        }

        void writeTo(Writer w) throws IOException {
            String[] v = {
                Integer.toString(id),
                resId,
                "1",
                fileSize,
                "2",
                "2",
                name,
                resModel,
                resField,
                type,
                url,
                accessToken,
                storeFname,
                checksum,
                mimetype,
                null,
                indexContent,
                isPublic,
                ts,
                ts,
                dbDatas,
                null
            };
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    w.write('\t');
                }
                w.write(v[i] == null ? "\\N" : i == 20 ? v[i] : escape(v[i]));
            }
            w.write('\n');
        }
    }

    private static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : null;
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static String baseRows(Connection conn, long seed, long partners) throws SQLException {
        SplittableRandom rng = new SplittableRandom(mix(seed, 0xBA5E));
        String uuid = uuid(rng);
        String created = TS.format(EPOCH);
        try (Statement s = conn.createStatement()) {
            s.execute("INSERT INTO res_company (id, name, partner_id, currency_id, create_date, parent_path,"
                    + " create_uid, write_uid, font, layout_background, active, uses_default_logo, write_date)"
                    + " VALUES (1, 'My Company', 1, 1, '" + created + "', '1/', 1, 1, 'Lato', 'Blank', true, true, '"
                    + created + "')");
            s.execute("INSERT INTO res_partner (id, company_id, create_date, name, commercial_partner_id,"
                    + " create_uid, write_uid, complete_name, lang, type, email, active, is_company, partner_share,"
                    + " write_date, color, email_normalized) VALUES"
                    + " (1, 1, '" + created + "', 'My Company', 1, 1, 1, 'My Company', 'en_US', 'contact',"
                    + " 'info@yourcompany.com', true, true, false, '" + created + "', 0, 'info@yourcompany.com'),"
                    + " (2, 1, '" + created + "', 'OdooBot', 2, 1, 1, 'OdooBot', 'en_US', 'contact',"
                    + " 'odoobot@example.com', false, false, false, '" + created + "', 0, 'odoobot@example.com'),"
                    + " (3, 1, '" + created + "', 'Mitchell Admin', 3, 1, 1, 'Mitchell Admin', 'en_US', 'contact',"
                    + " 'admin@yourcompany.example.com', true, false, false, '" + created + "', 0,"
                    + " 'admin@yourcompany.example.com'),"
                    + " (4, 1, '" + created + "', 'Public user', 4, 1, 1, 'Public user', 'en_US', 'contact',"
                    + " null, false, false, true, '" + created + "', 0, null),"
                    + " (5, 1, '" + created + "', 'Default User Template', 5, 1, 1, 'Default User Template',"
                    + " 'en_US', 'contact', null, false, false, false, '" + created + "', 0, null),"
                    + " (6, 1, '" + created + "', 'Portal User Template', 6, 1, 1, 'Portal User Template',"
                    + " 'en_US', 'contact', null, false, false, true, '" + created + "', 0, null)");
            // one partner in seven is a company; two in seven are its contacts (one an invoice address)
            s.execute("INSERT INTO res_partner (id, company_id, create_date, name, title, parent_id, user_id, state_id,"
                    + " country_id, industry_id, team_id, commercial_partner_id, create_uid, write_uid, complete_name,"
                    + " ref, lang, tz, vat, website, function, type, street, zip, city, email, phone, mobile,"
                    + " commercial_company_name, active, employee, is_company, partner_share, write_date, color,"
                    + " email_normalized, phone_sanitized, date)"
                    + " SELECT g, 1, '" + created + "', 'Partner ' || g, CASE WHEN NOT co THEN 1 + g % 3 END, parent,"
                    + " CASE WHEN g % 3 = 0 THEN 2 END, CASE WHEN g % 6 = 4 THEN 1 + g % 2 END, 1 + g % 6,"
                    + " CASE WHEN co THEN 1 + g % 5 END, CASE WHEN g % 3 = 0 THEN 1 END, coalesce(parent, g), 2, 2,"
                    + " CASE WHEN parent IS NULL THEN '' ELSE 'Partner ' || parent || ', ' END || 'Partner ' || g,"
                    + " CASE WHEN g % 4 = 0 THEN 'C' || lpad(g::text, 6, '0') END, 'en_US', 'Europe/Brussels',"
                    + " CASE WHEN co THEN 'BE0' || lpad((g * 7919 % 1000000000)::text, 9, '0') END,"
                    + " CASE WHEN co THEN 'https://www.partner' || g || '.example.com' END,"
                    + " CASE WHEN NOT co THEN (ARRAY['Sales Manager', 'Accountant', 'CEO', 'Buyer',"
                    + " 'Warehouse Manager'])[1 + g % 5] END,"
                    + " CASE WHEN g % 7 = 2 AND parent IS NOT NULL THEN 'invoice' ELSE 'contact' END,"
                    + " g || ' Main Street', lpad((g % 99999)::text, 5, '0'), 'City ' || (g % 500),"
                    + " 'partner' || g || '@example.com', '+32 ' || (470000000 + g), '+32 ' || (490000000 + g),"
                    + " CASE WHEN co OR parent IS NOT NULL THEN 'Partner ' || coalesce(parent, g) END, true, false, co,"
                    + " true, '" + created + "', g % 12, 'partner' || g || '@example.com', '+32' || (470000000 + g),"
                    + " date '2020-01-01' + (g % 1500)"
                    + " FROM (SELECT g, g % 7 = 0 AS co, CASE WHEN g % 7 IN (1, 2) AND g - g % 7 >= " + FIRST_PARTNER
                    + " THEN g - g % 7 END AS parent FROM generate_series(" + FIRST_PARTNER + ", " + partners
                    + ") g) x");
            s.execute("SELECT setval('res_partner_id_seq', " + partners + "), setval('res_company_id_seq', 1)");
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO res_users (id, company_id, partner_id, active,"
                + " create_date, login, password, create_uid, write_uid, share, write_date, notification_type)"
                + " VALUES (?, 1, ?, ?, ?::timestamp, ?, ?, 1, 1, ?, ?::timestamp, ?)")) {
            Object[][] users = {
                {1, 2, false, "__system__", null, false, "inbox"},
                {2, 3, true, "admin", passwordHash(ADMIN_PASSWORD, rng), false, "email"},
                {3, 5, false, "default", null, false, "email"},
                {4, 4, false, "public", null, true, "email"},
                {5, 6, false, "portaltemplate", null, true, "email"}
            };
            for (Object[] u : users) {
                ps.setInt(1, (Integer) u[0]);
                ps.setInt(2, (Integer) u[1]);
                ps.setBoolean(3, (Boolean) u[2]);
                ps.setString(4, created);
                ps.setString(5, (String) u[3]);
                ps.setString(6, (String) u[4]);
                ps.setBoolean(7, (Boolean) u[5]);
                ps.setString(8, created);
                ps.setString(9, (String) u[6]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO ir_config_parameter (create_uid, write_uid,"
                + " key, value, create_date, write_date) VALUES (1, 1, ?, ?, ?::timestamp, ?::timestamp)")) {
            String[][] params = {
                {"database.secret", uuid(rng)},
                {"database.uuid", uuid},
                {"database.create_date", created},
                {"web.base.url", "http://localhost:8069"},
                {"ir_attachment.location", "file"},
                {"base.login_cooldown_after", "10"},
                {"base.login_cooldown_duration", "60"},
                {"base_setup.show_effect", "True"},
                {"mail.activity.gc.delete_overdue_years", "3"}
            };
            for (String[] p : params) {
                ps.setString(1, p[0]);
                ps.setString(2, p[1]);
                ps.setString(3, created);
                ps.setString(4, created);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement s = conn.createStatement()) {
            s.execute("INSERT INTO ir_cron (ir_actions_server_id, user_id, interval_number, numbercall, priority,"
                    + " create_uid, write_uid, cron_name, interval_type, active, doall, nextcall, create_date,"
                    + " write_date) VALUES"
                    + " (34, 1, 1, -1, 3, 1, 1, 'Base: Auto-vacuum internal data', 'days', true, null,"
                    + " '2024-07-10 12:00:00', '" + created + "', '" + created + "'),"
                    + " (35, 1, 1, -1, 5, 1, 1, 'Base: Portal Users Deletion', 'days', true, null,"
                    + " '2024-07-10 12:00:00', '" + created + "', '" + created + "'),"
                    + " (113, 1, 1, -1, 5, 1, 1, 'Mail: Email Queue Manager', 'hours', true, false,"
                    + " '2024-07-09 13:00:00', '" + created + "', '" + created + "'),"
                    + " (120, 1, 5, -1, 5, 1, 1, 'Mail: Fetchmail Service', 'minutes', true, false,"
                    + " '2024-07-09 12:05:00', '" + created + "', '" + created + "')");
            // the external ids Odoo gives its scheduled actions (neutralization keeps base.autovacuum_job)
            s.execute(
                    "INSERT INTO ir_model_data (res_id, noupdate, name, module, model)"
                            + " SELECT id, true, CASE ir_actions_server_id WHEN 34 THEN 'autovacuum_job'"
                            + " WHEN 35 THEN 'ir_cron_portal_users_deletion' WHEN 113 THEN 'ir_cron_mail_scheduler_action'"
                            + " ELSE 'ir_cron_mail_gateway_action' END,"
                            + " CASE WHEN ir_actions_server_id IN (34, 35) THEN 'base' ELSE 'mail' END, 'ir.cron' FROM ir_cron");
            s.execute("INSERT INTO ir_mail_server (smtp_port, sequence, create_uid, write_uid, name, smtp_host,"
                    + " smtp_authentication, smtp_user, smtp_pass, smtp_encryption, smtp_debug, active, create_date,"
                    + " write_date) VALUES (587, 10, 2, 2, 'Production SMTP', 'smtp.example.com', 'login',"
                    + " 'odoo@example.com', 'smtp-secret', 'starttls', false, true, '" + created + "', '" + created
                    + "')");
            s.execute("INSERT INTO fetchmail_server (port, priority, create_uid, write_uid, name, state, server,"
                    + " server_type, \"user\", password, active, is_ssl, attach, original, create_date, write_date)"
                    + " VALUES (993, 5, 2, 2, 'Incoming mail', 'done', 'imap.example.com', 'imap',"
                    + " 'odoo@example.com', 'imap-secret', true, true, true, false, '" + created + "', '" + created
                    + "')");
        }
        return uuid;
    }

    private static Map<String, String> modules(Connection conn) throws SQLException {
        String[] installed = {
            "base:17.0.1.3",
            "base_setup:17.0.1.0",
            "bus:17.0.1.0",
            "web:17.0.1.0",
            "web_tour:17.0.0.1",
            "web_editor:17.0.1.0",
            "web_unsplash:17.0.1.1",
            "auth_totp:17.0.1.0",
            "auth_signup:17.0.1.0",
            "auth_totp_mail:17.0.1.0",
            "base_import:17.0.2.0",
            "base_import_module:17.0.1.0",
            "base_install_request:17.0.1.0",
            "google_gmail:17.0.1.2",
            "iap:17.0.1.1",
            "iap_mail:17.0.1.0",
            "mail:17.0.1.15",
            "mail_bot:17.0.1.2",
            "phone_validation:17.0.2.1",
            "partner_autocomplete:17.0.1.1",
            "privacy_lookup:17.0.1.0",
            "sms:17.0.3.0",
            "snailmail:17.0.0.4",
            "fetchmail:17.0.1.0",
            "sale:17.0.1.2",
            "account:17.0.1.2",
            "product:17.0.1.2",
            "stock:17.0.1.1",
            "sale_stock:17.0.1.0"
        };
        String[] uninstalled = {"crm", "purchase", "hr", "website", "project", "contacts", "calendar"};
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO ir_module_module (create_uid, write_uid, name,"
                + " author, state, latest_version, shortdesc, application, demo, license, auto_install,"
                + " published_version, module_type, create_date, write_date)"
                + " VALUES (1, 1, ?, 'Odoo S.A.', ?, ?, ?::jsonb, ?, false, 'LGPL-3', ?, ?, 'official',"
                + " ?::timestamp, ?::timestamp)")) {
            String created = TS.format(EPOCH);
            for (String m : installed) {
                String[] nv = m.split(":");
                addModule(ps, nv[0], "installed", nv[1], created);
                out.put(nv[0], nv[1]);
            }
            for (String m : uninstalled) {
                addModule(ps, m, "uninstalled", null, created);
            }
            addModule(ps, "hw_escpos", "uninstallable", null, created);
            ps.executeBatch();
        }
        return Collections.unmodifiableMap(out);
    }

    private static void addModule(PreparedStatement ps, String name, String state, String version, String created)
            throws SQLException {
        ps.setString(1, name);
        ps.setString(2, state);
        ps.setString(3, version);
        ps.setString(4, "{\"en_US\": \"" + name + "\"}");
        ps.setBoolean(5, name.equals("mail") || name.equals("sale") || name.equals("crm"));
        ps.setBoolean(6, name.startsWith("base_") || name.startsWith("web_") || name.startsWith("auth_"));
        ps.setString(7, version);
        ps.setString(8, created);
        ps.setString(9, created);
        ps.addBatch();
    }

    private static String[] schema() throws IOException {
        try (InputStream in = SyntheticInstance.class.getResourceAsStream("odoo17-schema.sql")) {
            if (in == null) {
                throw new IOException("odoo17-schema.sql is missing from the classpath");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int cut = sql.indexOf("-- after load --");
            return new String[] {sql.substring(0, cut), sql.substring(cut)};
        }
    }

    /** Odoo's (passlib) {@code pbkdf2_sha512} format, with fewer rounds to stay fast. */
    private static String passwordHash(String password, SplittableRandom rng) {
        byte[] salt = new byte[16];
        rng.nextBytes(salt);
        int rounds = 1000;
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, rounds, 512))
                    .getEncoded();
            return "$pbkdf2-sha512$" + rounds + "$" + ab64(salt) + "$" + ab64(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }

    private static String ab64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b).replace('+', '.');
    }

    private static String uuid(SplittableRandom rng) {
        String h = HexFormat.of().toHexDigits(rng.nextLong()) + HexFormat.of().toHexDigits(rng.nextLong());
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20)
                + "-" + h.substring(20);
    }

    private static String[] typeOf(String mimetype) {
        for (String[][] table : List.of(BINARY_TYPES, TEXT_TYPES)) {
            for (String[] t : table) {
                if (t[0].equals(mimetype)) {
                    return t;
                }
            }
        }
        return null;
    }

    private static List<SyntheticFiles.Written> dedupe(List<SyntheticFiles.Written> written) {
        Map<String, SyntheticFiles.Written> m = new LinkedHashMap<>();
        for (SyntheticFiles.Written w : written) {
            m.putIfAbsent(w.sha1(), w);
        }
        return List.copyOf(m.values());
    }

    /**
     * Log-normal file sizes (sigma 1.6, like a filestore of thumbnails, documents and a few scans)
     * clamped to 1 KiB .. 20 MiB, scaled so that they add up to {@code total}. When {@code total}
     * cannot be met within those bounds, the bounds give way: no file is smaller than 64 bytes.
     */
    private static long[] fileSizes(SplittableRandom rng, int files, long total) {
        long[] out = new long[files];
        if (files == 0) {
            return out;
        }
        double[] raw = new double[files];
        double sum = 0;
        for (int j = 0; j < files; j++) {
            raw[j] = Math.exp(1.6 * gaussian(rng));
            sum += raw[j];
        }
        long mean = Math.max(1, total / files);
        long lo = Math.max(64, Math.min(MIN_FILE, mean));
        long hi = Math.min(1L << 30, Math.max(MAX_FILE, mean + 1));
        // the scale whose clamped sizes add up to total: the sum grows with the scale
        double low = 0;
        double high = total / sum;
        while (clampedSum(raw, high, lo, hi) < total && high < 1e18) {
            high *= 2;
        }
        for (int iter = 0; iter < 64; iter++) {
            double mid = (low + high) / 2;
            if (clampedSum(raw, mid, lo, hi) < total) {
                low = mid;
            } else {
                high = mid;
            }
        }
        for (int j = 0; j < files; j++) {
            out[j] = clamp(Math.round(raw[j] * high), lo, hi);
        }
        return out;
    }

    private static long clampedSum(double[] raw, double scale, long lo, long hi) {
        long sum = 0;
        for (double r : raw) {
            sum += clamp(Math.round(r * scale), lo, hi);
        }
        return sum;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Which files have random content: all field attachments (images), then regular files in a
     * seeded random order until {@code incompressibleFraction} of the bytes is random.
     */
    private static boolean[] incompressible(long[] sizes, List<Boolean> isField, Spec spec, SplittableRandom rng) {
        boolean[] out = new boolean[sizes.length];
        long total = 0;
        long random = 0;
        List<Integer> regular = new ArrayList<>();
        for (int j = 0; j < sizes.length; j++) {
            total += sizes[j];
            if (isField.get(j)) {
                out[j] = true;
                random += sizes[j];
            } else {
                regular.add(j);
            }
        }
        Collections.shuffle(regular, new Random(rng.nextLong()));
        double target = spec.incompressibleFraction() * total;
        for (int j : regular) {
            if (random + sizes[j] / 2.0 <= target) {
                out[j] = true;
                random += sizes[j];
            }
        }
        return out;
    }

    private static void addKinds(List<Kind> kinds, Kind k, int count) {
        for (int i = 0; i < count; i++) {
            kinds.add(k);
        }
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom.nextGaussian's algorithm is not specified across releases
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** A well-mixed 64-bit hash of two values (SplitMix64 finalizer). */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
