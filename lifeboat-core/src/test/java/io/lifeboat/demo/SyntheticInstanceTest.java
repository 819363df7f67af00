package io.lifeboat.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class SyntheticInstanceTest {

    private static final SyntheticInstance.Spec SPEC = SyntheticInstance.Spec.small();

    @Test
    void everyStoredFileExistsAndIsNamedByItsSha1(TestDatabase db, @TempDir Path filestore) throws Exception {
        SyntheticInstance.Result r;
        try (Connection c = db.connect()) {
            r = SyntheticInstance.create(c, filestore, SPEC);
        }
        Map<Integer, String> fnames = storeFnames(db);
        assertThat(fnames).hasSize(r.storedRows());
        for (String fname : fnames.values()) {
            Path file = filestore.resolve(fname);
            assertThat(file).exists();
            assertThat(sha1(file)).isEqualTo(fname.substring(3));
            assertThat(fname.substring(0, 2)).isEqualTo(fname.substring(3, 5));
        }
        List<Path> files = regularFiles(filestore);
        List<Path> data = files.stream()
                .filter(p -> !p.startsWith(filestore.resolve("checklist")))
                .toList();
        assertThat(data).hasSize(r.distinctFiles());
        assertThat(data.stream().mapToLong(SyntheticInstanceTest::size).sum()).isEqualTo(r.filestoreBytes());
        assertThat(files.size() - data.size()).isEqualTo(r.checklistMarkers()).isPositive();
        try (Connection c = db.connect()) {
            assertThat(query(
                            c,
                            "SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL"
                                    + " AND (checksum <> substr(store_fname, 4) OR file_size IS NULL)"))
                    .isEqualTo("0");
        }
    }

    @Test
    void checklistMarkersAreEmptyAndNameStoredFiles(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SPEC);
        }
        List<String> fnames = List.copyOf(storeFnames(db).values());
        try (Stream<Path> s = Files.walk(filestore.resolve("checklist"))) {
            for (Path marker : s.filter(Files::isRegularFile).toList()) {
                assertThat(marker).isEmptyFile();
                String rel = filestore.resolve("checklist").relativize(marker).toString();
                assertThat(fnames).contains(rel);
            }
        }
    }

    @Test
    void specialKindsLookLikeOdoos(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.Result r = SyntheticInstance.create(c, filestore, SPEC);
            assertThat(r.attachments()).isEqualTo(40);
            assertThat(query(c, "SELECT count(*) FROM ir_attachment")).isEqualTo("40");
            assertThat(r.emptyIds())
                    .isNotEmpty()
                    .allSatisfy(id -> assertThat(query(
                                    c,
                                    "SELECT concat_ws(',', type, store_fname, checksum, file_size, db_datas)"
                                            + " FROM ir_attachment WHERE id = " + id))
                            .isEqualTo("binary"));
            assertThat(r.urlIds())
                    .isNotEmpty()
                    .allSatisfy(id -> assertThat(query(
                                    c,
                                    "SELECT type || ',' || (url IS NOT NULL) || ',' || (store_fname IS NULL)"
                                            + " FROM ir_attachment WHERE id = " + id))
                            .isEqualTo("url,true,true"));
            assertThat(r.dbStoredIds()).isNotEmpty();
            for (int id : r.dbStoredIds()) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT store_fname, db_datas, checksum, file_size"
                                + " FROM ir_attachment WHERE id = " + id)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isNull();
                    byte[] data = rs.getBytes(2);
                    assertThat(data).isNotEmpty();
                    assertThat(HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-1").digest(data)))
                            .isEqualTo(rs.getString(3));
                    assertThat(rs.getInt(4)).isEqualTo(data.length);
                }
            }
            assertThat(r.fieldAttachmentIds())
                    .isNotEmpty()
                    .allSatisfy(id -> assertThat(query(
                                    c,
                                    "SELECT res_model || ',' || res_field || ',' || (store_fname IS NOT NULL)"
                                            + " FROM ir_attachment WHERE id = " + id))
                            .matches("res\\.partner,image_\\d+,true"));
            assertThat(r.duplicateGroups())
                    .isNotEmpty()
                    .allSatisfy(g -> assertThat(query(
                                    c,
                                    "SELECT count(DISTINCT store_fname) || ',' || count(*) FROM ir_attachment WHERE id IN ("
                                            + String.join(
                                                    ",",
                                                    g.stream()
                                                            .map(String::valueOf)
                                                            .toList()) + ")"))
                            .isEqualTo("1," + g.size()));
            assertThat(query(c, "SELECT count(*) FROM ir_attachment WHERE name ~ '[^\\x01-\\x7e]'"))
                    .isEqualTo("1");
            assertThat(query(
                            c,
                            "SELECT count(*) FROM ir_attachment WHERE mimetype IN ('image/png', 'application/pdf')"
                                    + " AND store_fname IS NOT NULL"))
                    .isNotEqualTo("0");
            assertThat(
                            query(
                                    c,
                                    "SELECT count(*) FROM ir_attachment WHERE mimetype LIKE 'text/%' AND store_fname IS NOT NULL"))
                    .isNotEqualTo("0");
            assertThat(query(c, "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"))
                    .isEqualTo(r.databaseUuid());
            assertThat(query(c, "SELECT value FROM ir_config_parameter WHERE key = 'ir_attachment.location'"))
                    .isEqualTo("file");
            assertThat(query(
                            c,
                            "SELECT latest_version FROM ir_module_module WHERE name = 'base' AND state = 'installed'"))
                    .isEqualTo("17.0.1.3");
            assertThat(r.installedModules()).containsEntry("base", "17.0.1.3").containsEntry("mail", "17.0.1.15");
            assertThat(query(c, "SELECT count(*) FROM ir_module_module WHERE state = 'installed'"))
                    .isEqualTo(Integer.toString(r.installedModules().size()));
            assertThat(query(c, "SELECT password FROM res_users WHERE login = 'admin'"))
                    .startsWith("$pbkdf2-sha512$");
            assertThat(query(c, "SELECT count(*) FROM ir_cron WHERE active")).isNotEqualTo("0");
            assertThat(query(c, "SELECT count(*) FROM ir_mail_server WHERE active"))
                    .isEqualTo("1");
            assertThat(r.bulkRows())
                    .isEqualTo(
                            Long.parseLong(
                                    query(
                                            c,
                                            "SELECT (SELECT count(*) FROM sale_order) + (SELECT count(*) FROM sale_order_line)"
                                                    + " + (SELECT count(*) FROM account_move) + (SELECT count(*) FROM account_move_line)"
                                                    + " + (SELECT count(*) FROM account_full_reconcile)"
                                                    + " + (SELECT count(*) FROM stock_picking) + (SELECT count(*) FROM stock_move)"
                                                    + " + (SELECT count(*) FROM mail_message) + (SELECT count(*) FROM mail_tracking_value)")));
        }
    }

    @Test
    void bigTablesHaveOdoo17IndexesForeignKeysAndConstraints(TestDatabase db, @TempDir Path filestore)
            throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SPEC.withBulkRows(2000));
            // indexes with the primary key, foreign keys, CHECK and UNIQUE constraints
            Map<String, String> expected = Map.of(
                    "res_partner", "9/11/1",
                    "ir_attachment", "4/4/0",
                    "mail_message", "8/10/0",
                    "mail_tracking_value", "3/5/0",
                    "account_move_line", "19/20/4",
                    "stock_move", "15/20/0");
            for (Map.Entry<String, String> e : expected.entrySet()) {
                assertThat(query(
                                c,
                                "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = t) || '/'"
                                        + " || (SELECT count(*) FROM pg_constraint WHERE conrelid = t AND contype = 'f')"
                                        + " || '/' || (SELECT count(*) FROM pg_constraint WHERE conrelid = t"
                                        + " AND contype IN ('c', 'u')) FROM (SELECT '" + e.getKey()
                                        + "'::regclass AS t) x"))
                        .as(e.getKey())
                        .isEqualTo(e.getValue());
            }
            assertThat(query(c, "SELECT count(*) FROM mail_tracking_value")).isEqualTo("500");
            assertThat(query(c, "SELECT count(*) FROM stock_move")).isEqualTo("400");
            assertThat(query(c, "SELECT count(*) FROM account_move")).isEqualTo("500");
            // every move balances
            assertThat(query(
                            c,
                            "SELECT count(*) FROM (SELECT move_id FROM account_move_line GROUP BY move_id"
                                    + " HAVING sum(debit) <> sum(credit)) x"))
                    .isEqualTo("0");
        }
    }

    @Test
    void messageBodiesHaveChatterSizes(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SPEC.withBulkRows(40_000));
            // 10,000 messages: a quarter are tracking notifications without a body, most of the
            // others 0.3 to 4 KB, a few percent whole quoted threads over 10 KB
            assertThat(query(c, "SELECT count(*) FROM mail_message WHERE body = ''"))
                    .isEqualTo("2500");
            String sizes = "SELECT count(*) FROM mail_message WHERE body <> '' AND octet_length(body) ";
            assertThat(Long.parseLong(query(c, sizes + "BETWEEN 300 AND 4096"))).isBetween(6300L, 7200L);
            assertThat(Long.parseLong(query(c, sizes + "> 10000"))).isBetween(100L, 300L);
            assertThat(Long.parseLong(query(c, "SELECT count(DISTINCT md5(body)) FROM mail_message")))
                    .isEqualTo(7501L);
        }
    }

    @Test
    void filestoreBytesAreMostlyIncompressibleAndSizesClamped(TestDatabase db, @TempDir Path filestore)
            throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c,
                    filestore,
                    SPEC.withAttachments(600).withFilestoreBytes(20_000_000).withBulkRows(0));
            String files = "(SELECT DISTINCT ON (store_fname) file_size, mimetype FROM ir_attachment"
                    + " WHERE store_fname IS NOT NULL) f";
            double random = Double.parseDouble(query(
                    c,
                    "SELECT sum(file_size) FILTER (WHERE mimetype IN ('application/pdf', 'image/png',"
                            + " 'application/zip', 'image/jpeg'))::float8 / sum(file_size) FROM " + files));
            assertThat(random).isBetween(0.68, 0.72);
            assertThat(query(c, "SELECT min(file_size) >= 1024 AND max(file_size) <= 20971520 FROM " + files))
                    .isEqualTo("t");
        }
    }

    @Test
    void attachmentTableHasOdoo17Columns(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SPEC);
            assertThat(query(
                            c,
                            "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)"
                                    + " FROM information_schema.columns WHERE table_name = 'ir_attachment'"))
                    .isEqualTo("id integer, res_id integer, company_id integer, file_size integer,"
                            + " create_uid integer, write_uid integer, name character varying,"
                            + " res_model character varying, res_field character varying, type character varying,"
                            + " url character varying, access_token character varying,"
                            + " store_fname character varying, checksum character varying,"
                            + " mimetype character varying, description text, index_content text, public boolean,"
                            + " create_date timestamp without time zone, write_date timestamp without time zone,"
                            + " db_datas bytea, original_id integer");
        }
    }

    @Test
    void sameSeedGivesSameInstance(TestDatabase db, PgCluster cluster, @TempDir Path dir) throws Exception {
        String other = db.name() + "_b";
        cluster.createDatabase(other, db.owner());
        try {
            try (Connection c = db.connect()) {
                SyntheticInstance.create(c, dir.resolve("a"), SPEC);
            }
            try (Connection c = cluster.connect(other, db.owner())) {
                SyntheticInstance.create(c, dir.resolve("b"), SPEC);
            }
            Map<Integer, String> a = storeFnames(db);
            Map<Integer, String> b = storeFnames(new TestDatabase(other, db.owner(), cluster));
            assertThat(a).isNotEmpty().isEqualTo(b);
            assertThat(relativeFiles(dir.resolve("a"))).isEqualTo(relativeFiles(dir.resolve("b")));
        } finally {
            cluster.dropDatabase(other);
        }
    }

    @Test
    void differentSeedGivesDifferentFiles(TestDatabase db, PgCluster cluster, @TempDir Path dir) throws Exception {
        String other = db.name() + "_b";
        cluster.createDatabase(other, db.owner());
        try {
            try (Connection c = db.connect()) {
                SyntheticInstance.create(c, dir.resolve("a"), SPEC);
            }
            try (Connection c = cluster.connect(other, db.owner())) {
                SyntheticInstance.create(c, dir.resolve("b"), SPEC.withSeed(2));
            }
            assertThat(relativeFiles(dir.resolve("a"))).doesNotContainAnyElementsOf(relativeFiles(dir.resolve("b")));
        } finally {
            cluster.dropDatabase(other);
        }
    }

    @Test
    void filestoreSizeFollowsTheSpec(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.Result r = SyntheticInstance.create(
                    c,
                    filestore,
                    SPEC.withAttachments(300).withFilestoreBytes(4_000_000).withBulkRows(0));
            assertThat(r.filestoreBytes()).isBetween(3_900_000L, 4_100_000L);
            assertThat(r.bulkRows()).isZero();
        }
    }

    @Test
    void mutateReplacesFilesAndUpdatesRows(TestDatabase db, @TempDir Path filestore) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SPEC.withAttachments(200).withBulkRows(1000));
            Map<Integer, String> before = storeFnames(db);
            SyntheticInstance.Mutation m = SyntheticInstance.mutate(c, filestore, 0.1, 7);
            Map<Integer, String> after = storeFnames(db);
            assertThat(m.attachmentIds()).isNotEmpty();
            assertThat(m.rowsUpdated()).isEqualTo(100 + 50 + 25);
            for (int i = 0; i < m.attachmentIds().size(); i++) {
                int id = m.attachmentIds().get(i);
                assertThat(after.get(id)).isEqualTo(m.newStoreFnames().get(i)).isNotEqualTo(before.get(id));
                assertThat(sha1(filestore.resolve(after.get(id))))
                        .isEqualTo(after.get(id).substring(3));
                assertThat(filestore.resolve(m.orphanedStoreFnames().get(i))).exists();
                assertThat(filestore.resolve("checklist").resolve(after.get(id)))
                        .exists();
            }
            assertThat(after.keySet()).isEqualTo(before.keySet());
            assertThat(before.entrySet().stream()
                            .filter(e -> !m.attachmentIds().contains(e.getKey()))
                            .allMatch(e -> e.getValue().equals(after.get(e.getKey()))))
                    .isTrue();
            assertThat(query(
                            c,
                            "SELECT count(*) FROM account_move_line WHERE name LIKE 'Line %'"
                                    + " AND write_date > create_date"))
                    .isEqualTo("100");
        }
    }

    @Test
    void tooSmallSpecIsRejected() {
        assertThatThrownBy(() -> SPEC.withAttachments(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attachments");
        assertThatThrownBy(() -> SPEC.withIncompressibleFraction(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fractions");
    }

    private static Map<Integer, String> storeFnames(TestDatabase db) throws SQLException {
        Map<Integer, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT id, store_fname FROM ir_attachment WHERE store_fname IS NOT NULL ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    private static String query(Connection c, String sql) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : regularFiles(dir)) {
            out.add(dir.relativize(p).toString());
        }
        return out;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
