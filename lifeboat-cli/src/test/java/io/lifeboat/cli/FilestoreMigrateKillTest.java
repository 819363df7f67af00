package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat filestore migrate} killed with SIGKILL (in a separate JVM) while it copies, while it
 * rewrites rows and while it removes local copies: after each kill every attachment still resolves to its
 * content, and the next run finishes the migration.
 */
@ExtendWith(PostgresExtension.class)
class FilestoreMigrateKillTest {
    @TempDir
    Path tmp;

    @Test
    void killedAtAnyPhaseTheMigrationLosesNothingAndTheNextRunFinishes(TestDatabase db) throws Exception {
        Path dataDir = tmp.resolve("data");
        Path filestore = dataDir.resolve("filestore").resolve(db.name());
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c,
                    filestore,
                    SyntheticInstance.Spec.small()
                            .withAttachments(1200)
                            .withFilestoreBytes(24L << 20)
                            .withSeed(9));
        }
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "odoo-prod")) {
            Path objects = s3.baseDir().resolve(s3.bucket()).resolve("prod");
            Map<Long, String> sha1s = contentOf(db, filestore);
            List<String> migrate = args(
                    List.of(
                            "filestore",
                            "migrate",
                            "-d",
                            db.name(),
                            "--to-bucket",
                            "s3:" + s3.endpoint() + "/" + s3.bucket() + "/prod",
                            "--layout",
                            "attachment_s3",
                            "--batch-size",
                            "10",
                            "--jobs",
                            "2",
                            "--json",
                            "--bucket-option",
                            "s3.region=" + S3ProxyServer.REGION,
                            "--bucket-option",
                            "s3.access-key=" + s3.accessKey(),
                            "--bucket-option",
                            "s3.secret-key=" + s3.secretKey()),
                    RepoCli.instance(db, dataDir));
            int total = new java.util.HashSet<>(sha1s.values()).size();
            int killed = 0;
            // 1. while copying: some objects in the bucket, no row rewritten yet
            killed += killWhen(migrate, tmp.resolve("copy.log"), () -> count(objects) >= 20);
            assertResolves(db, filestore, objects, sha1s);
            assertThat(rowsInBucket(db)).isZero();
            // 2. while rewriting rows in batches
            killed += killWhen(migrate, tmp.resolve("rewrite.log"), () -> rowsInBucket(db) > 0);
            assertResolves(db, filestore, objects, sha1s);
            // 3. while removing the local copies
            killed += killWhen(migrate, tmp.resolve("remove.log"), () -> localFiles(filestore) < total / 2);
            assertResolves(db, filestore, objects, sha1s);
            assertThat(killed).as("runs killed before they finished").isGreaterThanOrEqualTo(2);

            JsonNode done = run(migrate).expect(ExitCode.OK).json();
            assertThat(done.path("phase").asText()).isEqualTo("complete");
            assertResolves(db, filestore, objects, sha1s);
            assertThat(rowsInBucket(db)).isEqualTo(sha1s.size());
            assertThat(localFiles(filestore)).isZero();
        }
    }

    /** Starts the migration and SIGKILLs it once {@code condition} holds; returns 1 if it was still running. */
    private static int killWhen(List<String> args, Path log, Callable<Boolean> condition) throws Exception {
        Process p = RepoCli.spawn(args, log);
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !p.isAlive() || condition.call());
        boolean alive = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return alive ? 1 : 0;
    }

    /** Attachment id → the SHA-1 of its content, for every file-backed attachment. */
    private static Map<Long, String> contentOf(TestDatabase db, Path filestore) throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            while (rs.next()) {
                String fname = rs.getString(2);
                assertThat(RepoCli.sha1(filestore.resolve(fname))).isEqualTo(fname.substring(3));
                out.put(rs.getLong(1), fname.substring(3));
            }
        }
        return out;
    }

    /** Every row names its content, and that content is where the row says, intact. */
    private static void assertResolves(TestDatabase db, Path filestore, Path objects, Map<Long, String> sha1s)
            throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                String sha1 = sha1s.get(rs.getLong(1));
                String fname = rs.getString(2);
                Path where;
                if (fname.startsWith("s3://")) {
                    assertThat(fname).isEqualTo("s3://odoo-prod/" + sha1);
                    where = objects.resolve(sha1);
                } else {
                    assertThat(fname).isEqualTo(sha1.substring(0, 2) + "/" + sha1);
                    where = filestore.resolve(fname);
                }
                assertThat(RepoCli.sha1(where))
                        .as("content of attachment %d", rs.getLong(1))
                        .isEqualTo(sha1);
            }
            assertThat(rows).isEqualTo(sha1s.size());
        }
    }

    private static long rowsInBucket(TestDatabase db) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM ir_attachment WHERE store_fname LIKE 's3://%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Files in the filestore; while the migration removes some, a walk may trip over one: then it counts again. */
    private static long localFiles(Path filestore) throws Exception {
        while (true) {
            try (Stream<Path> walk = Files.walk(filestore)) {
                return walk.filter(p -> Files.isRegularFile(p)
                                && !filestore.relativize(p).startsWith("checklist"))
                        .count();
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                // a file or directory removed during the walk
            }
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        }
    }
}
