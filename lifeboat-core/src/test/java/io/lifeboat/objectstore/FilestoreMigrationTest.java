package io.lifeboat.objectstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.check.MiniOdoo;
import io.lifeboat.filestore.BackendFilestore;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.objectstore.FilestoreMigration.Direction;
import io.lifeboat.objectstore.FilestoreMigration.Options;
import io.lifeboat.objectstore.FilestoreMigration.Report;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.progress.Progress;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.testing.FaultyBackend;
import io.lifeboat.storage.testing.FaultyBackend.Fault;
import io.lifeboat.storage.testing.FaultyBackend.Operation;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-phase migration against a real PostgreSQL and a real S3 protocol server (S3Proxy), faults
 * injected at the storage driver. After each run, the final state is checked: every row resolves to
 * content with the right SHA-1, where its layout says.
 */
@ExtendWith(PostgresExtension.class)
class FilestoreMigrationTest {
    @TempDir
    Path tmp;

    MiniOdoo odoo;
    S3ProxyServer s3;
    S3Backend s3backend;
    Path journal;
    final Map<Long, String> rows = new HashMap<>();
    String shared;
    String missing;
    String corrupt;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        odoo = MiniOdoo.create(db, tmp.resolve("data/filestore/" + db.name()));
        s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "odoo-files");
        s3backend = new S3Backend(s3.config("prod")
                .multipartThreshold(256 * 1024)
                .partSize(5 * 1024 * 1024)
                .build());
        journal = tmp.resolve("data/lifeboat/migrate.journal");
        Random rnd = new Random(7);
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[i == 0 ? 6 * 1024 * 1024 : 100 + rnd.nextInt(20_000)]; // one multipart upload
            rnd.nextBytes(b);
            long id = odoo.attach(i % 2 == 0 ? "res.partner" : "account.move", i, "f" + i, b);
            rows.put(id, MiniOdoo.sha1(b));
        }
        byte[] same = "shared by two rows".getBytes(UTF_8);
        rows.put(odoo.attach("res.partner", 100, "a", same), MiniOdoo.sha1(same));
        rows.put(odoo.attach("res.partner", 101, "b", same), MiniOdoo.sha1(same));
        shared = MiniOdoo.sha1(same);
        odoo.attachInDatabase("ir.ui.view", 1, "in the database", "db".getBytes(UTF_8));
        byte[] lost = "lost file".getBytes(UTF_8);
        missing = MiniOdoo.sha1(lost);
        odoo.row("res.partner", 200, "lost", MiniOdoo.storeFname(missing), missing, (long) lost.length, null);
        byte[] bad = "will be damaged".getBytes(UTF_8);
        odoo.attach("res.partner", 201, "bad", bad);
        corrupt = MiniOdoo.sha1(bad);
        Files.write(odoo.path(corrupt), "damaged content".getBytes(UTF_8));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (s3backend != null) s3backend.close();
        if (s3 != null) s3.close();
    }

    private Options options(Direction d, AttachmentLayout layout) {
        return new Options(d, layout, false, null, List.of(), 7, 4, false, false, false);
    }

    private Report run(Backend backend, AttachmentLayout layout, Options o) throws Exception {
        BackendFilestore bucket = layout.kind() == AttachmentLayout.Kind.PLAIN
                ? new BackendFilestore(backend, "")
                : BackendFilestore.flat(backend, "", null);
        return FilestoreMigration.run(
                odoo.connection(),
                odoo.db().name(),
                new LocalFilestore(odoo.filestore()),
                bucket,
                o,
                journal,
                Progress.NONE,
                () -> {});
    }

    private static RetryingBackend retrying(Backend b) {
        return new RetryingBackend(
                b, new RetryPolicy(6, Duration.ofMillis(1), Duration.ofMillis(5)), d -> {}, new Random(3));
    }

    private Map<Long, String> storeFnames() throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = odoo.db().connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
        }
        return out;
    }

    private static String sha1(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        try (in) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Every healthy row resolves, where its store_fname says, to content hashing to its SHA-1. */
    private void assertEveryRowResolves(AttachmentLayout bucketLayout, boolean localToo) throws Exception {
        Map<Long, String> now = storeFnames();
        for (Map.Entry<Long, String> e : rows.entrySet()) {
            String sha1 = e.getValue();
            String fname = now.get(e.getKey());
            String key = bucketLayout.kind() == AttachmentLayout.Kind.PLAIN ? MiniOdoo.storeFname(sha1) : sha1;
            if (fname.startsWith("s3://")) {
                assertThat(fname).isEqualTo(bucketLayout.storeFname(sha1));
                assertThat(sha1(s3backend.load(key))).isEqualTo(sha1);
            } else {
                assertThat(fname).isEqualTo(MiniOdoo.storeFname(sha1));
                boolean inBucket = s3backend.stat(key).isPresent();
                if (inBucket) assertThat(sha1(s3backend.load(key))).isEqualTo(sha1);
                if (localToo || !inBucket)
                    assertThat(sha1(Files.newInputStream(odoo.path(sha1)))).isEqualTo(sha1);
            }
        }
    }

    @Test
    void plainLayoutGoesToTheBucketAndComesBack() throws Exception {
        AttachmentLayout plain = AttachmentLayout.plain();
        Report dry = run(
                s3backend,
                plain,
                new Options(Direction.TO_BUCKET, plain, true, null, List.of(), 7, 4, false, false, false));
        assertThat(dry.placed).isEqualTo(62); // 60 + shared + the corrupt one (found only when read)
        assertThat(s3backend.list("")).isEmpty();

        Report r = run(s3backend, plain, options(Direction.TO_BUCKET, plain));
        assertThat(r.phase).isEqualTo("complete");
        assertThat(r.contents).isEqualTo(63);
        assertThat(r.placed).isEqualTo(61);
        assertThat(r.missingSource).containsExactly(MiniOdoo.storeFname(missing));
        assertThat(r.corruptSource).containsExactly(MiniOdoo.storeFname(corrupt));
        assertThat(r.verified).isEqualTo(61);
        assertThat(r.readBack).isZero(); // every object was placed by this run, its SHA-1 checked as sent
        assertThat(r.rowsRewritten).isZero();
        assertThat(r.sourceRemoved).isEqualTo(61);
        assertThat(s3backend.list("")).hasSize(61);
        assertThat(Files.exists(odoo.path(corrupt))).isTrue(); // not migrated, kept
        assertThat(Files.exists(odoo.path(shared))).isFalse();
        assertEveryRowResolves(plain, false);

        Report again = run(s3backend, plain, options(Direction.TO_BUCKET, plain));
        assertThat(again.placed).isZero();
        assertThat(again.alreadyThere).isEqualTo(61);
        assertThat(again.sourceRemoved).isZero();

        Report back = run(s3backend, plain, options(Direction.TO_LOCAL, plain));
        assertThat(back.phase).isEqualTo("complete");
        assertThat(back.placed).isEqualTo(61);
        assertThat(back.alreadyThere).isEqualTo(1); // the corrupt local file stays as it was
        assertThat(back.missingSource).containsExactly(MiniOdoo.storeFname(missing));
        assertThat(s3backend.list("")).hasSize(61); // objects are never removed
        assertEveryRowResolves(plain, true);
    }

    @Test
    void attachmentS3RewritesRowsInBatchesAndKeepsFilesRowsOutsideTheScopeNeed() throws Exception {
        AttachmentLayout s3layout = AttachmentLayout.attachmentS3("odoo-files");
        long maxId = rows.keySet().stream().sorted().toList().get(29);
        long firstId = rows.keySet().stream().sorted().findFirst().orElseThrow();
        String firstSha1 = rows.get(firstId);
        // a row outside the scope names the file of the first row: that file must stay on disk
        long copy = odoo.row("mail.message", 1, "copy", MiniOdoo.storeFname(firstSha1), firstSha1, null, null);
        Options scoped = new Options(Direction.TO_BUCKET, s3layout, false, maxId, List.of(), 7, 4, false, false, false);
        Report r = run(s3backend, s3layout, scoped);
        assertThat(r.rowsInScope).isEqualTo(30);
        assertThat(r.rowsRewritten).isEqualTo(30);
        assertThat(r.sourceRemoved).isEqualTo(29);
        assertThat(r.sourceKeptInUse).isEqualTo(1);
        assertThat(Files.exists(odoo.path(firstSha1))).isTrue();
        rows.put(copy, firstSha1);
        Map<Long, String> now = storeFnames();
        assertThat(now.values().stream()
                        .filter(f -> f.startsWith("s3://odoo-files/"))
                        .count())
                .isEqualTo(30);
        assertThat(s3backend.list("")).allMatch(o -> o.name().matches("[0-9a-f]{40}"));
        assertEveryRowResolves(s3layout, false);

        Report all = run(s3backend, s3layout, options(Direction.TO_BUCKET, s3layout));
        assertThat(all.rowsAlreadyMigrated).isEqualTo(30);
        assertThat(all.rowsRewritten).isEqualTo(33);
        assertThat(Files.exists(odoo.path(firstSha1))).isFalse();
        assertEveryRowResolves(s3layout, false);

        Report back = run(s3backend, s3layout, options(Direction.TO_LOCAL, s3layout));
        assertThat(back.rowsRewritten).isEqualTo(63);
        assertThat(storeFnames().values()).noneMatch(f -> f.startsWith("s3://"));
        assertEveryRowResolves(s3layout, true);
    }

    @Test
    void aModelsScopeKeepsTheLocalFilesRowsOutsideItStillName() throws Exception {
        AttachmentLayout plain = AttachmentLayout.plain();
        long first = rows.keySet().stream().sorted().findFirst().orElseThrow(); // a res.partner row
        String sha1 = rows.get(first);
        // a row without res_model (outside any --models scope) names the same file
        odoo.row(null, 0, "orphaned model", MiniOdoo.storeFname(sha1), sha1, null, null);
        Report r = run(
                s3backend,
                plain,
                new Options(
                        Direction.TO_BUCKET, plain, false, null, List.of("res.partner"), 7, 4, false, false, false));
        assertThat(r.phase).isEqualTo("complete");
        assertThat(r.sourceKeptInUse).isEqualTo(1);
        assertThat(Files.exists(odoo.path(sha1))).isTrue();
        assertThat(s3backend.stat(MiniOdoo.storeFname(sha1))).isPresent();
        assertEveryRowResolves(plain, false);
    }

    @Test
    void storageFaultsAreRetriedAndTheEndStateIsWhole() throws Exception {
        AttachmentLayout plain = AttachmentLayout.plain();
        FaultyBackend faulty = new FaultyBackend(s3backend, d -> {})
                .script(Operation.SAVE, Fault.failBefore(), Fault.partialWrite(50), Fault.slow(Duration.ofSeconds(30)))
                .randomly(0.1, 11);
        Report r = run(retrying(faulty), plain, options(Direction.TO_BUCKET, plain));
        assertThat(faulty.injected()).isGreaterThan(5);
        assertThat(r.phase).isEqualTo("complete");
        assertThat(r.placed).isEqualTo(61);
        assertEveryRowResolves(plain, false);
    }

    @Test
    void aBucketThatKeepsFailingStopsPhaseOneAndChangesNothing() throws Exception {
        AttachmentLayout s3layout = AttachmentLayout.attachmentS3("odoo-files");
        FaultyBackend down = new FaultyBackend(s3backend, d -> {});
        for (int i = 0; i < 40; i++) down.script(Operation.SAVE, Fault.failBefore());
        down.randomly(1.0, 5);
        assertThatThrownBy(() -> run(retrying(down), s3layout, options(Direction.TO_BUCKET, s3layout)))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("phase 1 stopped");
        assertThat(storeFnames().values()).noneMatch(f -> f.startsWith("s3://"));
        for (String sha1 : rows.values())
            assertThat(Files.exists(odoo.path(sha1))).isTrue();

        Report resumed = run(s3backend, s3layout, options(Direction.TO_BUCKET, s3layout));
        assertThat(resumed.phase).isEqualTo("complete");
        assertEveryRowResolves(s3layout, false);
    }

    @Test
    void aRunStoppedBetweenThePhasesResumesAndTrustsOnlyItsJournal() throws Exception {
        AttachmentLayout s3layout = AttachmentLayout.attachmentS3("odoo-files");
        Report first = run(
                s3backend,
                s3layout,
                new Options(Direction.TO_BUCKET, s3layout, false, null, List.of(), 7, 4, false, false, true));
        assertThat(first.phase).isEqualTo("placed");
        assertThat(storeFnames().values()).noneMatch(f -> f.startsWith("s3://"));
        for (String sha1 : rows.values())
            assertThat(Files.exists(odoo.path(sha1))).isTrue();

        // an object damaged at the target between the runs is caught by the read-back of phase 2
        String victim = rows.values().stream()
                .filter(s -> !s.equals(shared))
                .sorted()
                .findFirst()
                .orElseThrow();
        Files.delete(journal); // nothing trusted: every object is read back
        s3backend.save(victim, io.lifeboat.storage.ContentSource.ofBytes(damaged(odoo.path(victim))));
        Report second = run(s3backend, s3layout, options(Direction.TO_BUCKET, s3layout));
        assertThat(second.placed).isZero();
        assertThat(second.readBack).isEqualTo(61);
        assertThat(second.verifyFailed).singleElement().asString().contains(victim);
        assertThat(Files.exists(odoo.path(victim))).isTrue();
        assertThat(storeFnames().values()).contains(MiniOdoo.storeFname(victim));
        assertEveryRowResolvesExcept(s3layout, victim);
    }

    private static byte[] damaged(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        return b;
    }

    private void assertEveryRowResolvesExcept(AttachmentLayout layout, String victim) throws Exception {
        rows.values().removeIf(victim::equals);
        assertEveryRowResolves(layout, false);
    }

    @Test
    void twoMigrationsOfOneDatabaseDoNotRunAtOnce() throws Exception {
        AttachmentLayout plain = AttachmentLayout.plain();
        try (MigrationJournal held = MigrationJournal.open(journal, "test")) {
            assertThatThrownBy(() -> run(s3backend, plain, options(Direction.TO_BUCKET, plain)))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("another migration of this database is running");
        }
        assertThat(s3backend.list("")).isEmpty();
        assertThat(run(s3backend, plain, options(Direction.TO_BUCKET, plain)).phase)
                .isEqualTo("complete");
    }

    @Test
    void aCorruptObjectIsNotBroughtBack() throws Exception {
        AttachmentLayout s3layout = AttachmentLayout.attachmentS3("odoo-files");
        run(s3backend, s3layout, options(Direction.TO_BUCKET, s3layout));
        String victim = rows.values().stream()
                .filter(s -> !s.equals(shared))
                .sorted()
                .findFirst()
                .orElseThrow();
        byte[] good = s3backend.load(victim).readAllBytes();
        good[0] ^= 1;
        s3backend.save(victim, io.lifeboat.storage.ContentSource.ofBytes(good));
        Report back = run(s3backend, s3layout, options(Direction.TO_LOCAL, s3layout));
        assertThat(back.corruptSource).containsExactly(MiniOdoo.storeFname(victim));
        assertThat(Files.exists(odoo.path(victim))).isFalse();
        assertThat(storeFnames().values()).contains(s3layout.storeFname(victim));
        Filestore local = new LocalFilestore(odoo.filestore());
        assertThat(local.stat(MiniOdoo.storeFname(victim))).isEmpty();
    }
}
