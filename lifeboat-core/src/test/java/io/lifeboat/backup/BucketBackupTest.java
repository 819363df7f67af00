package io.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.filestore.BackendFilestore;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.progress.Progress;
import io.lifeboat.restore.Env;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of an instance whose files are in a bucket (S3Proxy): small objects read ahead, large ones
 * streamed once, the plain layout falling back to the local filestore, attachment_s3 rows read by key.
 */
@ExtendWith(PostgresExtension.class)
class BucketBackupTest {
    @TempDir
    Path tmp;

    Env env;
    TestDatabase db;
    Path filestore;
    S3ProxyServer s3;
    S3Backend backend;
    String big;

    @BeforeEach
    void setUp(PgCluster cluster, TestDatabase database) throws Exception {
        env = Env.of(cluster, tmp.resolve("data"));
        db = database;
        filestore = env.filestore(db.name());
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, SyntheticInstance.Spec.small());
        }
        // one file larger than what is read ahead into memory
        byte[] large = new byte[FileReadAhead.KEEP * 3 + 17];
        new Random(5).nextBytes(large);
        big = sha1(large);
        Path file = filestore.resolve(big.substring(0, 2)).resolve(big);
        Files.createDirectories(file.getParent());
        Files.write(file, large);
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO ir_attachment (name, type, res_model, res_id,"
                        + " store_fname, file_size, checksum, mimetype) VALUES ('big.bin', 'binary', 'res.partner', 1,"
                        + " ?, ?, ?, 'application/octet-stream')")) {
            ps.setString(1, big.substring(0, 2) + "/" + big);
            ps.setLong(2, large.length);
            ps.setString(3, big);
            ps.executeUpdate();
        }
        s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "odoo-files");
        backend = new S3Backend(s3.config("prod").build());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (backend != null) backend.close();
        if (s3 != null) s3.close();
    }

    private static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    /** Moves every local file into the bucket under {@code key(sha1)}; returns the moved names. */
    private List<String> moveToBucket(java.util.function.UnaryOperator<String> key) throws Exception {
        List<String> moved;
        try (var walk = Files.walk(filestore)) {
            moved = walk.filter(Files::isRegularFile)
                    .map(p -> filestore.relativize(p).toString())
                    .filter(n -> n.matches("[0-9a-f]{2}/[0-9a-f]{40}"))
                    .toList();
        }
        for (String name : moved) {
            backend.save(key.apply(name), ContentSource.ofFile(filestore.resolve(name)));
            Files.delete(filestore.resolve(name));
        }
        return moved;
    }

    private BackupReport backup(Path zip, Filestore bucket, AttachmentLayout layout) throws Exception {
        return new BackupEngine(
                        new BackupEngine.Instance(
                                env.odoo(),
                                db.name(),
                                filestore,
                                env.tools().pgDump().path(),
                                bucket,
                                layout),
                        BackupEngine.Options.defaults(),
                        Progress.NONE)
                .run(
                        ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true),
                        (c, name) -> new ObjectMapper()
                                .valueToTree(OdooDatabaseInfo.read(c).toManifest()));
    }

    /** The filestore entries of a zip, each checked to hash to its name; returns name → size. */
    private static Map<String, Long> entries(Path zip) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                if (!e.getName().startsWith("filestore/")) continue;
                try (InputStream in = z.getInputStream(e)) {
                    byte[] b = in.readAllBytes();
                    assertThat(e.getName()).endsWith("/" + sha1(b));
                    out.put(e.getName().substring("filestore/".length()), (long) b.length);
                }
            }
        }
        return out;
    }

    @Test
    void plainLayoutReadsTheBucketFirstThenTheDisk() throws Exception {
        List<String> moved = moveToBucket(n -> n);
        // one file only on disk: a module of the plain layout falls back to it, so does the backup
        String local = moved.stream().filter(n -> !n.endsWith(big)).findFirst().orElseThrow();
        try (InputStream in = backend.load(local)) {
            Files.createDirectories(filestore.resolve(local).getParent());
            Files.write(filestore.resolve(local), in.readAllBytes());
        }
        backend.delete(local);

        Path zip = tmp.resolve("plain.zip");
        BackupReport r = backup(zip, new BackendFilestore(backend, ""), AttachmentLayout.plain());
        assertThat(r.missingFiles).isZero();
        assertThat(r.corruptFiles).isZero();
        Map<String, Long> entries = entries(zip);
        assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(moved);
        assertThat(entries.get(big.substring(0, 2) + "/" + big)).isEqualTo(FileReadAhead.KEEP * 3L + 17);

        // a large object damaged in the bucket is captured and reported, as a damaged local file is
        byte[] damaged = backend.load(big.substring(0, 2) + "/" + big).readAllBytes();
        damaged[damaged.length - 1] ^= 1;
        backend.save(big.substring(0, 2) + "/" + big, ContentSource.ofBytes(damaged));
        BackupReport bad = backup(tmp.resolve("bad.zip"), new BackendFilestore(backend, ""), AttachmentLayout.plain());
        assertThat(bad.corruptFiles).isEqualTo(1);
        assertThat(bad.warnings).anyMatch(w -> w.contains(big));
    }

    @Test
    void odooCloudStorageAttachmentsAreReportedNotCaptured() throws Exception {
        try (Connection c = db.connect();
                var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO ir_attachment (name, type, url, res_model, res_id) VALUES"
                    + " ('blob.pdf', 'cloud_storage', 'https://blob.example/container/blob.pdf', 'res.partner', 1)");
        }
        BackupReport r = backup(tmp.resolve("cloud.zip"), null, null);
        assertThat(r.warnings).anyMatch(w -> w.startsWith("1 attachments are Odoo cloud storage blobs"));
        assertThat(r.missingFiles).isZero();
    }

    @Test
    void attachmentS3RowsAreReadByKeyAndLocalRowsFromDisk() throws Exception {
        List<String> moved = moveToBucket(n -> n.substring(3));
        try (Connection c = db.connect();
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE ir_attachment SET store_fname = 's3://odoo-files/' || substring(store_fname, 4)"
                    + " WHERE store_fname ~ '^[0-9a-f]{2}/[0-9a-f]{40}$'");
        }
        Path zip = tmp.resolve("s3.zip");
        BackupReport r =
                backup(zip, BackendFilestore.flat(backend, "", null), AttachmentLayout.attachmentS3("odoo-files"));
        assertThat(r.missingFiles).isZero();
        assertThat(entries(zip).keySet()).containsExactlyInAnyOrderElementsOf(moved);

        // a row of another bucket is not followed
        try (Connection c = db.connect();
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE ir_attachment SET store_fname = replace(store_fname, 's3://odoo-files/',"
                    + " 's3://elsewhere/') WHERE store_fname LIKE '%" + big + "'");
        }
        BackupReport other = backup(
                tmp.resolve("other.zip"),
                BackendFilestore.flat(backend, "", null),
                AttachmentLayout.attachmentS3("odoo-files"));
        assertThat(other.unsafeNames).isEqualTo(1);
        assertThat(entries(tmp.resolve("other.zip"))).doesNotContainKey(big.substring(0, 2) + "/" + big);
    }
}
