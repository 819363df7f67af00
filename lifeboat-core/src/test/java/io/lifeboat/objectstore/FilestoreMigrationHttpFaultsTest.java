package io.lifeboat.objectstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.check.MiniOdoo;
import io.lifeboat.filestore.BackendFilestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.objectstore.FilestoreMigration.Direction;
import io.lifeboat.objectstore.FilestoreMigration.Options;
import io.lifeboat.objectstore.FilestoreMigration.Report;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.progress.Progress;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.testing.FaultyHttpProxy;
import io.lifeboat.storage.testing.FaultyHttpProxy.Action;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-phase migration through {@link FaultyHttpProxy}: the S3 client meets real HTTP faults (500
 * InternalError, 503 SlowDown, requests never answered) between it and S3Proxy, and retries them in
 * the SDK and in {@link RetryingBackend}. The final state is checked against S3Proxy directly, not
 * through the proxy: every row resolves to content with the right SHA-1, every local file removed is in
 * the bucket, nothing else changed.
 */
@ExtendWith(PostgresExtension.class)
class FilestoreMigrationHttpFaultsTest {
    private static final AttachmentLayout LAYOUT = AttachmentLayout.attachmentS3("odoo-files");

    @TempDir
    Path tmp;

    MiniOdoo odoo;
    S3ProxyServer s3;
    FaultyHttpProxy proxy;
    /** Straight to S3Proxy: what the checks read. */
    S3Backend direct;
    /** Through the proxy: what the migration uses. */
    S3Backend faulty;

    Path journal;
    /** The healthy rows: id to the SHA-1 of their content. */
    final Map<Long, String> rows = new HashMap<>();

    Map<Long, String> fnamesBefore;
    Map<Path, String> filesBefore;
    String missing;
    String corrupt;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        odoo = MiniOdoo.create(db, tmp.resolve("data/filestore/" + db.name()));
        s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "odoo-files");
        proxy = FaultyHttpProxy.start(s3.endpoint(), 20_240_611);
        direct = new S3Backend(s3.config("prod").build());
        faulty = new S3Backend(s3.config("prod")
                .endpoint(proxy.endpoint())
                .multipartThreshold(256 * 1024)
                .partSize(5 * 1024 * 1024)
                .apiCallAttemptTimeout(Duration.ofSeconds(4)) // a 5 MiB part on a loaded machine fits; a hang costs 4 s
                .build());
        journal = tmp.resolve("data/lifeboat/migrate.journal");
        Random rnd = new Random(11);
        for (int i = 0; i <= 80; i++) {
            byte[] b = new byte[i == 0 ? 6 * 1024 * 1024 : 100 + rnd.nextInt(20_000)]; // one multipart upload
            rnd.nextBytes(b);
            rows.put(odoo.attach(i % 2 == 0 ? "res.partner" : "account.move", i, "f" + i, b), MiniOdoo.sha1(b));
        }
        byte[] same = "shared by two rows".getBytes(UTF_8);
        rows.put(odoo.attach("res.partner", 100, "a", same), MiniOdoo.sha1(same));
        rows.put(odoo.attach("res.partner", 101, "b", same), MiniOdoo.sha1(same));
        odoo.attachInDatabase("ir.ui.view", 1, "in the database", "db".getBytes(UTF_8));
        byte[] lost = "lost file".getBytes(UTF_8);
        missing = MiniOdoo.sha1(lost);
        odoo.row("res.partner", 200, "lost", MiniOdoo.storeFname(missing), missing, (long) lost.length, null);
        byte[] bad = "will be damaged".getBytes(UTF_8);
        odoo.attach("res.partner", 201, "bad", bad);
        corrupt = MiniOdoo.sha1(bad);
        Files.write(odoo.path(corrupt), "damaged content".getBytes(UTF_8));
        fnamesBefore = storeFnames();
        filesBefore = localFiles();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (faulty != null) faulty.close();
        if (direct != null) direct.close();
        if (proxy != null) proxy.close();
        if (s3 != null) s3.close();
    }

    private Report run(Direction direction) throws Exception {
        return run(direction, 10);
    }

    private Report run(Direction direction, int attempts) throws Exception {
        Backend backend =
                new RetryingBackend(faulty, new RetryPolicy(attempts, Duration.ofMillis(1), Duration.ofMillis(20)));
        return FilestoreMigration.run(
                odoo.connection(),
                odoo.db().name(),
                new LocalFilestore(odoo.filestore()),
                BackendFilestore.flat(backend, "", null),
                new Options(direction, LAYOUT, false, null, List.of(), 7, 4, false, false, false),
                journal,
                Progress.NONE,
                () -> {});
    }

    @Test
    void serverErrorsThrottlingAndTimeoutsAreRetriedBothWays() throws Exception {
        // Each fault is retried by the SDK first (4 attempts by default, while its retry quota lasts: under
        // this many faults it runs out and the SDK gives up at once), then by RetryingBackend. A multipart
        // upload (4 requests here) must get every request through in one attempt of RetryingBackend, so the
        // test allows it 25. SlowDown costs most time: the SDK backs off 0.25 to 0.5 s before a throttled retry.
        proxy.faults(0.12, 0.08, 0.02).script(Action.HANG, Action.INTERNAL_ERROR, Action.SLOW_DOWN);
        Report r = run(Direction.TO_BUCKET, 25);
        Map<Action, Long> toBucket = proxy.counts();
        assertThat(r.phase).isEqualTo("complete");
        assertThat(r.placed).isEqualTo(82); // 81 + the shared one
        assertThat(r.missingSource).containsExactly(MiniOdoo.storeFname(missing));
        assertThat(r.corruptSource).containsExactly(MiniOdoo.storeFname(corrupt));
        assertThat(r.rowsRewritten).isEqualTo(83);
        assertThat(r.sourceRemoved).isEqualTo(82);
        assertThat(toBucket.get(Action.INTERNAL_ERROR)).as("%s", toBucket).isPositive();
        assertThat(toBucket.get(Action.SLOW_DOWN)).as("%s", toBucket).isPositive();
        assertThat(toBucket.get(Action.HANG)).as("%s", toBucket).isPositive();
        assertInTheBucket();

        Report back = run(Direction.TO_LOCAL, 25);
        Map<Action, Long> total = proxy.counts();
        assertThat(back.phase).isEqualTo("complete");
        assertThat(back.placed).isEqualTo(82);
        assertThat(back.rowsRewritten).isEqualTo(83);
        assertThat(total.get(Action.INTERNAL_ERROR) + total.get(Action.SLOW_DOWN) + total.get(Action.HANG))
                .isGreaterThan(toBucket.get(Action.INTERNAL_ERROR)
                        + toBucket.get(Action.SLOW_DOWN)
                        + toBucket.get(Action.HANG));
        assertBackAsBefore();
    }

    @Test
    void aBucketThrottlingEverythingStopsTheRunAndItResumesLater() throws Exception {
        proxy.faults(0, 1, 0);
        // The SDK makes 4 attempts per call, backing off up to 2 s: with 3 attempts of RetryingBackend the
        // run gives up after 12 requests and about 8 s (10 would take about 30 s).
        assertThatThrownBy(() -> run(Direction.TO_BUCKET, 3))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("stopped");
        assertThat(proxy.count(Action.SLOW_DOWN)).isGreaterThanOrEqualTo(3);
        assertThat(proxy.count(Action.FORWARD)).isZero();
        assertThat(storeFnames()).isEqualTo(fnamesBefore); // no row rewritten
        assertThat(localFiles()).isEqualTo(filesBefore); // no local file removed

        proxy.faults(0, 0, 0);
        Report resumed = run(Direction.TO_BUCKET);
        assertThat(resumed.phase).isEqualTo("complete");
        assertThat(resumed.rowsRewritten).isEqualTo(83);
        assertInTheBucket();
    }

    /**
     * After a migration to the bucket: healthy rows name their content in the bucket, which has the right
     * SHA-1; the other rows are as they were; every local file removed is in the bucket, the others are
     * unchanged; the bucket holds the healthy contents and nothing else.
     */
    private void assertInTheBucket() throws Exception {
        Map<Long, String> now = storeFnames();
        assertThat(now.keySet()).isEqualTo(fnamesBefore.keySet());
        for (Map.Entry<Long, String> e : fnamesBefore.entrySet()) {
            String sha1 = rows.get(e.getKey());
            if (sha1 == null) {
                assertThat(now.get(e.getKey())).as("row %d", e.getKey()).isEqualTo(e.getValue());
            } else {
                assertThat(now.get(e.getKey())).as("row %d", e.getKey()).isEqualTo(LAYOUT.storeFname(sha1));
                assertThat(sha1(direct.load(sha1))).as("object %s", sha1).isEqualTo(sha1);
            }
        }
        Map<Path, String> files = localFiles();
        for (Map.Entry<Path, String> e : filesBefore.entrySet()) {
            if (files.containsKey(e.getKey())) {
                assertThat(files.get(e.getKey())).as("file %s", e.getKey()).isEqualTo(e.getValue());
            } else {
                String sha1 = e.getKey().getFileName().toString();
                assertThat(rows.values()).as("removed file %s", e.getKey()).contains(sha1);
                assertThat(sha1(direct.load(sha1))).as("object %s", sha1).isEqualTo(sha1);
            }
        }
        assertThat(files.keySet()).containsExactly(odoo.path(corrupt)); // kept, not migrated
        assertThat(bucketNames()).isEqualTo(new HashSet<>(rows.values()));
    }

    /** After the migration back: rows and local files exactly as before, the objects still in the bucket. */
    private void assertBackAsBefore() throws Exception {
        assertThat(storeFnames()).isEqualTo(fnamesBefore);
        assertThat(localFiles()).isEqualTo(filesBefore);
        for (String sha1 : rows.values()) {
            assertThat(sha1(Files.newInputStream(odoo.path(sha1)))).isEqualTo(sha1);
        }
        assertThat(bucketNames()).isEqualTo(new HashSet<>(rows.values())); // objects are never removed
    }

    /** Every row's store_fname (null for contents in the database). */
    private Map<Long, String> storeFnames() throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = odoo.db().connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, store_fname FROM ir_attachment")) {
            while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
        }
        return out;
    }

    /** Every regular file of the filestore, with the SHA-1 of its content. */
    private Map<Path, String> localFiles() throws Exception {
        Map<Path, String> out = new HashMap<>();
        try (Stream<Path> paths = Files.walk(odoo.filestore())) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                out.put(p, sha1(Files.newInputStream(p)));
            }
        }
        return out;
    }

    private Set<String> bucketNames() throws Exception {
        return direct.list("").stream().map(ObjectInfo::name).collect(Collectors.toSet());
    }

    private static String sha1(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        try (in) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
