package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat filestore migrate} and {@code lifeboat check --bucket}, against S3Proxy and PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class FilestoreMigrateCommandTest {
    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    S3ProxyServer s3;
    String location;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, dataDir.resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
        }
        s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")), "odoo-prod");
        location = "s3:" + s3.endpoint() + "/" + s3.bucket() + "/files";
    }

    @AfterEach
    void tearDown() throws Exception {
        if (s3 != null) s3.close();
    }

    private CheckCommandTest.Run cli(java.util.concurrent.Callable<Integer> command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--bucket-option",
                "s3.region=" + S3ProxyServer.REGION,
                "--bucket-option",
                "s3.access-key=" + s3.accessKey(),
                "--bucket-option",
                "s3.secret-key=" + s3.secretKey()));
        return CheckCommandTest.run(command, db, dataDir, all.toArray(String[]::new));
    }

    private long referencedLocalFiles() throws Exception {
        Path fs = dataDir.resolve("filestore").resolve(db.name());
        long n = 0;
        for (String f : storeFnames()) if (!f.contains("://") && Files.exists(fs.resolve(f))) n++;
        return n;
    }

    private List<String> storeFnames() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private List<Path> objects() throws Exception {
        try (Stream<Path> walk = Files.walk(s3.baseDir().resolve(s3.bucket()))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void toTheBucketCheckedThereAndBack() throws Exception {
        long before = referencedLocalFiles();
        assertThat(before).isGreaterThan(10);
        Path zip = tmp.resolve("before.zip");
        assertThat(CheckCommandTest.run(new BackupCommand(), db, dataDir, "-o", zip.toString())
                        .exit())
                .isEqualTo(ExitCode.OK);

        var dry = cli(new FilestoreMigrateCommand(), "--to-bucket", location, "--layout", "attachment_s3", "--dry-run");
        assertThat(dry.errors()).isEmpty();
        assertThat(dry.exit()).isEqualTo(ExitCode.OK);
        assertThat(dry.stdout()).contains("dry run: nothing was changed");
        assertThat(objects()).isEmpty();

        var up = cli(
                new FilestoreMigrateCommand(),
                "--to-bucket",
                location,
                "--layout",
                "attachment_s3",
                "--batch-size",
                "3",
                "--json");
        assertThat(up.errors()).isEmpty();
        assertThat(up.exit()).isEqualTo(ExitCode.OK);
        JsonNode j = new ObjectMapper().readTree(up.stdout());
        assertThat(j.get("phase").asText()).isEqualTo("complete");
        assertThat(j.get("rowsRewritten").asLong())
                .isEqualTo(j.get("rowsToRewrite").asLong());
        assertThat(storeFnames()).allMatch(f -> f.startsWith("s3://odoo-prod/"));
        assertThat(referencedLocalFiles()).isZero();
        assertThat(objects()).hasSize(j.get("placed").asInt());

        var check = cli(new CheckCommand(), "--bucket", location, "--layout", "attachment_s3", "--deep");
        assertThat(check.errors()).isEmpty();
        assertThat(check.stdout()).contains("clean");
        assertThat(check.exit()).isEqualTo(ExitCode.OK);

        Path lost = objects().get(0);
        Files.delete(lost);
        var damaged = cli(new CheckCommand(), "--bucket", location, "--layout", "attachment_s3", "--json");
        assertThat(damaged.exit()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(damaged.stdout())
                .contains("MISSING_FILE")
                .contains(lost.getFileName().toString());

        // the lost object comes back from the backup zip, uploaded into the bucket; then the way back
        var plan =
                cli(new RepairCommand(), "--from", zip.toString(), "--bucket", location, "--layout", "attachment_s3");
        assertThat(plan.errors()).isEmpty();
        assertThat(objects()).noneMatch(o -> o.getFileName().equals(lost.getFileName()));
        var repair = cli(
                new RepairCommand(),
                "--from",
                zip.toString(),
                "--apply",
                "--bucket",
                location,
                "--layout",
                "attachment_s3");
        assertThat(repair.errors()).isEmpty();
        assertThat(repair.exit()).isEqualTo(ExitCode.OK);
        assertThat(objects()).anyMatch(o -> o.getFileName().equals(lost.getFileName()));
        assertThat(cli(new CheckCommand(), "--bucket", location, "--layout", "attachment_s3", "--deep")
                        .exit())
                .isEqualTo(ExitCode.OK);
        var again = cli(new FilestoreMigrateCommand(), "--from-bucket", location, "--layout", "attachment_s3");
        assertThat(again.exit()).isEqualTo(ExitCode.OK);
        assertThat(storeFnames()).noneMatch(f -> f.startsWith("s3://"));
        assertThat(referencedLocalFiles()).isEqualTo(before);
        assertThat(CheckCommandTest.run(new CheckCommand(), db, dataDir, "--deep")
                        .exit())
                .isEqualTo(ExitCode.OK);
    }

    @Test
    void aBucketFilestoreIsBackedUpAsAnOdooZip() throws Exception {
        var up = cli(new FilestoreMigrateCommand(), "--to-bucket", location, "--json");
        assertThat(up.exit()).isEqualTo(ExitCode.OK);
        assertThat(referencedLocalFiles()).isZero(); // every file is in the bucket only

        Path zip = tmp.resolve("from-bucket.zip");
        var backup = cli(new BackupCommand(), "-o", zip.toString(), "--bucket", location, "--json");
        assertThat(backup.errors()).isEmpty();
        assertThat(backup.exit()).isEqualTo(ExitCode.OK);
        JsonNode b = new ObjectMapper().readTree(backup.stdout());
        long distinct = storeFnames().stream().distinct().count();
        assertThat(b.path("files").asLong()).isEqualTo(distinct);
        assertThat(b.path("missingFiles").asLong()).isZero();
        int entries = 0;
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                if (!e.getName().startsWith("filestore/")) continue;
                entries++;
                var md = java.security.MessageDigest.getInstance("SHA-1");
                try (var in = z.getInputStream(e)) {
                    md.update(in.readAllBytes());
                }
                assertThat(e.getName()).endsWith("/" + java.util.HexFormat.of().formatHex(md.digest()));
            }
        }
        assertThat(entries).isEqualTo(distinct);

        // an object that is gone is reported as a missing file, as a local one would be
        Files.delete(objects().get(0));
        var partial =
                cli(new BackupCommand(), "-o", tmp.resolve("partial.zip").toString(), "--bucket", location, "--strict");
        assertThat(partial.exit()).isNotEqualTo(ExitCode.OK);
        assertThat(partial.errors().get(0)).hasMessageContaining("1 missing");
        assertThat(Files.exists(tmp.resolve("partial.zip"))).isFalse();
    }

    /** Runs {@code lifeboat ARGS} as Main does, with the instance flags and the bucket credentials (no -d). */
    private int main(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db-host",
                db.cluster().host(),
                "--db-port",
                Integer.toString(db.cluster().port()),
                "--db-user",
                db.owner(),
                "--data-dir",
                dataDir.toString(),
                "--no-progress",
                "--bucket-option",
                "s3.region=" + S3ProxyServer.REGION,
                "--bucket-option",
                "s3.access-key=" + s3.accessKey(),
                "--bucket-option",
                "s3.secret-key=" + s3.secretKey()));
        return Main.run(all.toArray(String[]::new));
    }

    private List<String> storeFnames(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.cluster().connect(database, db.owner());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void restoresIntoABucketButNeverACopyIntoItsSourceBucket() throws Exception {
        s3.createBucket("odoo-staging");
        String staging = "s3:" + s3.endpoint() + "/odoo-staging/copy";
        assertThat(cli(new FilestoreMigrateCommand(), "--to-bucket", location, "--layout", "attachment_s3")
                        .exit())
                .isEqualTo(ExitCode.OK);
        Path zip = tmp.resolve("prod.zip");
        assertThat(cli(new BackupCommand(), "-o", zip.toString(), "--bucket", location, "--layout", "attachment_s3")
                        .exit())
                .isEqualTo(ExitCode.OK);
        List<Path> before = objects();
        String copy = "cp_" + Long.toHexString(System.nanoTime());

        // a copy into the production bucket is refused before anything is written
        assertThat(main("restore", zip.toString(), "-d", copy, "--bucket", location, "--layout", "attachment_s3"))
                .isEqualTo(ExitCode.CONFLICT);
        assertThat(objects()).isEqualTo(before);
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE '" + copy + "%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }

        // into another bucket: the rows name it, every object is there, the check is clean
        assertThat(main("restore", zip.toString(), "-d", copy, "--bucket", staging, "--layout", "attachment_s3"))
                .isEqualTo(ExitCode.OK);
        List<String> rows = storeFnames(copy);
        assertThat(rows).isNotEmpty().allMatch(f -> f.startsWith("s3://odoo-staging/"));
        assertThat(main("check", "-d", copy, "--bucket", staging, "--layout", "attachment_s3", "--deep"))
                .isEqualTo(ExitCode.OK);
        assertThat(Files.exists(dataDir.resolve("filestore").resolve(copy))).isFalse();
        assertThat(storeFnames()).allMatch(f -> f.startsWith("s3://odoo-prod/")); // the source is untouched
    }

    @Test
    void obviousMistakesAreUsageErrors() {
        var none = CheckCommandTest.run(new FilestoreMigrateCommand(), db, dataDir);
        assertThat(none.exit()).isEqualTo(ExitCode.USAGE);
        var layout = cli(new FilestoreMigrateCommand(), "--to-bucket", location, "--layout", "fs_attachment");
        assertThat(layout.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(layout.errors().get(0)).hasMessageContaining("unknown layout");
        var scheme = cli(new FilestoreMigrateCommand(), "--to-bucket", "ftp://host/x");
        assertThat(scheme.exit()).isEqualTo(ExitCode.USAGE);
        var stray = CheckCommandTest.run(new CheckCommand(), db, dataDir, "--layout", "attachment_s3");
        assertThat(stray.exit()).isEqualTo(ExitCode.USAGE);
    }
}
