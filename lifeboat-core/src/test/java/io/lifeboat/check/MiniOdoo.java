package io.lifeboat.check;

import io.lifeboat.postgres.PgConnection;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Test helper: the two tables of an Odoo database a filestore check reads ({@code ir_attachment} with
 * Odoo 17's columns, {@code ir_config_parameter}) and a filestore written the way Odoo writes it.
 */
public final class MiniOdoo {
    private final TestDatabase db;
    private final Path filestore;

    private MiniOdoo(TestDatabase db, Path filestore) {
        this.db = db;
        this.filestore = filestore;
    }

    public static MiniOdoo create(TestDatabase db, Path filestore) throws SQLException, IOException {
        Files.createDirectories(filestore);
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE ir_attachment (
                        id serial PRIMARY KEY, name varchar NOT NULL, res_model varchar, res_field varchar,
                        res_id int4, company_id int4, type varchar NOT NULL DEFAULT 'binary', url varchar(1024),
                        public boolean, access_token varchar, db_datas bytea, store_fname varchar,
                        file_size int4, checksum varchar(40), mimetype varchar, index_content text,
                        create_uid int4, create_date timestamp DEFAULT (now() at time zone 'UTC'),
                        write_uid int4, write_date timestamp, description text, original_id int4);
                    CREATE INDEX ir_attachment_store_fname_index ON ir_attachment (store_fname);
                    CREATE TABLE ir_config_parameter (
                        id serial PRIMARY KEY, key varchar NOT NULL UNIQUE, value text NOT NULL);
                    """);
        }
        return new MiniOdoo(db, filestore);
    }

    public TestDatabase db() {
        return db;
    }

    public Path filestore() {
        return filestore;
    }

    public PgConnection connection() {
        return OdooFixture.connection(db);
    }

    public static String sha1(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String storeFname(String sha1) {
        return sha1.substring(0, 2) + "/" + sha1;
    }

    public Path path(String sha1) {
        return filestore.resolve(storeFname(sha1));
    }

    /** Stores {@code content} as Odoo does (file written once, then the row); returns the row id. */
    public long attach(String model, long resId, String name, byte[] content) throws IOException, SQLException {
        String sha1 = sha1(content);
        writeFile(content);
        return row(model, resId, name, storeFname(sha1), sha1, (long) content.length, null);
    }

    /** Writes {@code content} as a filestore file (no row); returns its SHA-1. */
    public String writeFile(byte[] content) throws IOException {
        String sha1 = sha1(content);
        Path p = path(sha1);
        Files.createDirectories(p.getParent());
        if (!Files.exists(p)) Files.write(p, content);
        return sha1;
    }

    /** Adds Odoo's garbage-collection marker for a file. */
    public void mark(String sha1) throws IOException {
        Path m = filestore.resolve("checklist").resolve(storeFname(sha1));
        Files.createDirectories(m.getParent());
        Files.write(m, new byte[0]);
    }

    /** Stores {@code content} in the database (db_datas); returns the row id. */
    public long attachInDatabase(String model, long resId, String name, byte[] content) throws SQLException {
        return row(model, resId, name, null, sha1(content), (long) content.length, content);
    }

    /** Inserts a raw row; returns its id. */
    public long row(
            String model, long resId, String name, String storeFname, String checksum, Long fileSize, byte[] dbDatas)
            throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO ir_attachment (name, res_model, res_id, store_fname, checksum, file_size, db_datas,"
                                + " mimetype) VALUES (?, ?, ?, ?, ?, ?, ?, 'application/octet-stream') RETURNING id")) {
            s.setString(1, name);
            s.setString(2, model);
            s.setLong(3, resId);
            s.setString(4, storeFname);
            s.setString(5, checksum);
            if (fileSize == null) s.setNull(6, java.sql.Types.INTEGER);
            else s.setLong(6, fileSize);
            s.setBytes(7, dbDatas);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public void sql(String sql) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public void setLocation(String location) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO ir_config_parameter (key, value) VALUES ('ir_attachment.location', ?)")) {
            s.setString(1, location);
            s.executeUpdate();
        }
    }
}
