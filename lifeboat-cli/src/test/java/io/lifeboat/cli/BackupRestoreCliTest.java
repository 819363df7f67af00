package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.restore.Rollbacks;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The backup, restore and rollback commands end to end: exit codes and JSON reports scripts rely on. */
@ExtendWith(PostgresExtension.class)
class BackupRestoreCliTest {

    @TempDir
    Path tmp;

    PgCluster cluster;
    TestDatabase db;
    Path dataDir;
    String out;
    String err;

    @BeforeEach
    void setUp(PgCluster cluster, TestDatabase db) throws Exception {
        this.cluster = cluster;
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, dataDir.resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
        }
    }

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--db-host",
                cluster.host(),
                "--db-port",
                Integer.toString(cluster.port()),
                "--db-user",
                PostgresExtension.ODOO_ROLE));
        if (dataDir != null) all.addAll(List.of("--data-dir", dataDir.toString()));
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        var buffer = new ByteArrayOutputStream();
        var errBuffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBuffer, true, StandardCharsets.UTF_8));
        try {
            return Main.run(all.toArray(String[]::new));
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
            out = buffer.toString(StandardCharsets.UTF_8);
            err = errBuffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void exitCodesTellScriptsWhatHappened() throws Exception {
        Path zip = tmp.resolve("b.zip");
        assertThat(run("backup", "-d", db.name(), "-o", zip.toString(), "--json"))
                .isEqualTo(ExitCode.OK);
        JsonNode report = new ObjectMapper().readTree(out);
        assertThat(report.path("target").asText()).isEqualTo(zip.toString());
        assertThat(report.path("files").asLong()).isPositive();
        // format says what was written, as --format does; dumpFormat the dump inside
        assertThat(report.path("format").asText()).isEqualTo("zip");
        assertThat(report.path("dumpFormat").asText()).isEqualTo("plain");
        assertThat(run("backup", "-d", db.name(), "-o", tmp.resolve("b.dump").toString(), "--format", "dump", "--json"))
                .isEqualTo(ExitCode.OK);
        assertThat(new ObjectMapper().readTree(out).path("format").asText()).isEqualTo("dump");
        assertThat(new ObjectMapper().readTree(out).path("dumpFormat").asText()).isEqualTo("custom");

        // the output file exists: refused, untouched
        long size = Files.size(zip);
        assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.CONFLICT);
        assertThat(Files.size(zip)).isEqualTo(size);

        // a referenced file goes missing: warnings (3), or failure (1) with --strict
        Path filestore = dataDir.resolve("filestore").resolve(db.name());
        String name;
        try (var files = Files.walk(filestore)) {
            name = files.filter(p -> p.getFileName().toString().length() == 40
                            && !p.toString().contains("checklist"))
                    .findFirst()
                    .orElseThrow()
                    .toString();
        }
        Files.delete(Path.of(name));
        assertThat(run("backup", "-d", db.name(), "-o", tmp.resolve("w.zip").toString(), "--json"))
                .isEqualTo(ExitCode.WARNINGS);
        assertThat(new ObjectMapper().readTree(out).path("missingFiles").asLong())
                .isEqualTo(1);
        assertThat(run("backup", "-d", db.name(), "-o", tmp.resolve("s.zip").toString(), "--strict"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(tmp.resolve("s.zip")).doesNotExist();

        // restores: usage error for a bad name, conflict for an existing target, success otherwise
        assertThat(run("restore", zip.toString(), "-d", "bad name")).isEqualTo(ExitCode.USAGE);
        // a one-character name breaks Odoo's rule too, and the message says why
        assertThat(run("restore", zip.toString(), "-d", "x")).isEqualTo(ExitCode.USAGE);
        assertThat(err).contains("invalid database name: \"x\"").contains("has 2 to 63 characters");
        assertThat(run("restore", zip.toString(), "-d", db.name())).isEqualTo(ExitCode.CONFLICT);
        String copy = "cli_" + Long.toHexString(System.nanoTime());

        // --dry-run prints the plan and changes nothing
        assertThat(run("restore", zip.toString(), "-d", copy, "--neutralize", "--dry-run", "--json"))
                .isEqualTo(ExitCode.OK);
        JsonNode plan = new ObjectMapper().readTree(out);
        assertThat(plan.path("target").asText()).isEqualTo(copy);
        assertThat(plan.path("mode").asText()).isEqualTo("full");
        assertThat(plan.path("copy").asBoolean()).isTrue();
        assertThat(plan.path("neutralize").asBoolean()).isTrue();
        assertThat(plan.path("replacesDatabase").isNull()).isTrue();
        assertThat(cluster.databases()).doesNotContain(copy);
        assertThat(dataDir.resolve("filestore").resolve(copy)).doesNotExist();
        assertThat(run("restore", zip.toString(), "-d", db.name(), "--replace", "--dry-run", "--json"))
                .isEqualTo(ExitCode.OK);
        plan = new ObjectMapper().readTree(out);
        assertThat(plan.path("replacesDatabase").asText()).isEqualTo(db.name());
        assertThat(plan.path("replacesFilestore").asText())
                .isEqualTo(dataDir.resolve("filestore").resolve(db.name()).toString());
        assertThat(Rollbacks.of(dataDir).list(db.name())).isEmpty();
        assertThat(run("restore", zip.toString(), "-d", db.name(), "--dry-run")).isEqualTo(ExitCode.CONFLICT);
        assertThat(err).contains("would refuse   database " + db.name() + " already exists");
        assertThat(run("restore", zip.toString(), "-d", copy, "--neutralize", "--json"))
                .isEqualTo(ExitCode.OK);
        JsonNode restored = new ObjectMapper().readTree(out);
        assertThat(restored.path("copy").asBoolean()).isTrue();
        assertThat(restored.path("verification").path("missingFiles").asLong()).isZero();

        // replace, then roll back
        assertThat(run("restore", zip.toString(), "-d", copy, "--replace", "--no-copy"))
                .isEqualTo(ExitCode.OK);
        assertThat(run("rollback", copy, "--list", "--json")).isEqualTo(ExitCode.OK);
        assertThat(new ObjectMapper().readTree(out)).hasSize(1);
        // -d names the database, as in every other command
        assertThat(run("rollback", "-d", copy, "--dry-run", "--json")).isEqualTo(ExitCode.OK);
        assertThat(new ObjectMapper().readTree(out).path("wouldRestore")).hasSize(1);
        assertThat(run("rollback", "-d", copy)).isEqualTo(ExitCode.OK);
        assertThat(run("rollback", copy, "--discard", "--dry-run")).isEqualTo(ExitCode.OK);
        assertThat(err).contains("dry run: would discard 1 rollback point of " + copy);
        assertThat(run("rollback", copy, "--list", "--json")).isEqualTo(ExitCode.OK);
        assertThat(new ObjectMapper().readTree(out)).hasSize(1);
        assertThat(run("rollback", copy, "--discard")).isEqualTo(ExitCode.OK);
        assertThat(run("rollback", copy, "--list", "--json")).isEqualTo(ExitCode.OK);
        assertThat(new ObjectMapper().readTree(out)).isEmpty();
    }

    /** Runs the command line with {@code input} as standard input. */
    int runWithStdin(Path input, String... args) throws Exception {
        var saved = System.in;
        try (var in = new java.io.FileInputStream(input.toFile())) {
            System.setIn(in);
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** The files in {@code <data_dir>/lifeboat/tmp} (none when it does not exist). */
    private List<Path> stdinLeftovers() throws Exception {
        Path dir = dataDir.resolve("lifeboat").resolve("tmp");
        if (!Files.exists(dir)) return List.of();
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void restoreReadsARealOdooZipAndADumpFromStandardInput() throws Exception {
        Path fixtures = RepoCli.fixtures();
        String copy = "stdin_" + Long.toHexString(System.nanoTime());
        String dbOnly = copy + "_db";
        try {
            assertThat(runWithStdin(
                            fixtures.resolve("odoo17_base_mail_attachments.zip"), "restore", "-", "-d", copy, "--json"))
                    .as(err)
                    .isEqualTo(ExitCode.OK);
            JsonNode report = new ObjectMapper().readTree(out);
            assertThat(report.path("source").asText()).isEqualTo("standard input");
            assertThat(report.path("files").asLong()).isEqualTo(59);
            assertThat(report.path("verification").path("missingFiles").asLong())
                    .isZero();
            assertThat(cluster.databases()).contains(copy);
            try (var files = Files.walk(dataDir.resolve("filestore").resolve(copy))) {
                assertThat(files.filter(Files::isRegularFile).count()).isGreaterThanOrEqualTo(59);
            }
            assertThat(stdinLeftovers()).isEmpty();
            // the spool directory is the owner's alone
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                            dataDir.resolve("lifeboat").resolve("tmp"))))
                    .isEqualTo("rwx------");

            // a pg_dump custom-format file, database only
            assertThat(runWithStdin(
                            fixtures.resolve("odoo17_base_mail_attachments.dump"),
                            "restore",
                            "-",
                            "-d",
                            dbOnly,
                            "--db-only"))
                    .as(err)
                    .isIn(ExitCode.OK, ExitCode.WARNINGS);
            assertThat(cluster.databases()).contains(dbOnly);
            assertThat(stdinLeftovers()).isEmpty();
        } finally {
            cluster.dropDatabase(copy);
            cluster.dropDatabase(dbOnly);
        }
    }

    @Test
    void aTruncatedStandardInputFailsClearlyAndLeavesNothing() throws Exception {
        byte[] zip = Files.readAllBytes(RepoCli.fixtures().resolve("odoo16_base_only.zip"));
        Path truncated = tmp.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(zip, zip.length / 2));
        String copy = "stdin_" + Long.toHexString(System.nanoTime());

        int code = runWithStdin(truncated, "restore", "-", "-d", copy);

        assertThat(code).as(err).isEqualTo(ExitCode.FAILED);
        assertThat(err).startsWith("lifeboat: ").contains("standard input").doesNotContain(".partial");
        assertThat(cluster.databases()).doesNotContain(copy);
        assertThat(dataDir.resolve("filestore").resolve(copy)).doesNotExist();
        assertThat(stdinLeftovers()).isEmpty();
        assertThat(io.lifeboat.runs.RunLedger.read(dataDir)).isEmpty();

        // empty input: said so
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertThat(runWithStdin(empty, "restore", "-", "-d", copy)).isEqualTo(ExitCode.FAILED);
        assertThat(err).contains("backup file is empty: standard input");
        assertThat(stdinLeftovers()).isEmpty();
    }

    @Test
    void standardInputThatDoesNotFitInTheDataDirIsAClearErrorAndLeavesNothing() throws Exception {
        Path real = dataDir;
        Path small = Files.createDirectories(tmp.resolve("small"));
        io.lifeboat.postgres.ProcessRunner.command("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", small.toString())
                .run();
        dataDir = small;
        try {
            int code = runWithStdin(
                    RepoCli.fixtures().resolve("odoo16_base_only.zip"), "restore", "-", "-d", "stdin_full");
            assertThat(code).as(err).isEqualTo(ExitCode.FAILED);
            assertThat(err)
                    .startsWith("lifeboat: no space left in "
                            + small.resolve("lifeboat").resolve("tmp") + " to hold standard input")
                    .contains("free space on that disk");
            assertThat(stdinLeftovers()).isEmpty();
            assertThat(io.lifeboat.runs.RunLedger.read(small)).isEmpty();
        } finally {
            dataDir = real;
            io.lifeboat.postgres.ProcessRunner.command("umount", small.toString())
                    .run();
        }
    }

    @Test
    void aWrongDataDirIsOneErrorNamingTheDirectoryAndWhereItCameFrom() throws Exception {
        Path real = dataDir;
        Path wrong = tmp.resolve("wrong");
        Path filestore = wrong.resolve("filestore").resolve(db.name());
        Path zip = tmp.resolve("w.zip");
        dataDir = wrong;
        try {
            // missing: one error, exit 1, nothing written
            assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.FAILED);
            assertThat(err)
                    .startsWith("lifeboat: filestore directory " + filestore + " does not exist, but database "
                            + db.name() + " references ")
                    .contains("(data_dir " + wrong + " from --data-dir)")
                    .contains("Pass --data-dir")
                    .doesNotContain("missing");
            assertThat(err.lines().count()).isEqualTo(2);
            try (var files = Files.list(tmp)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("w.zip"));
            }
            // check says the same once, instead of a missing file per reference
            assertThat(run("check", "-d", db.name(), "--no-progress")).isEqualTo(ExitCode.FAILED);
            assertThat(err).startsWith("lifeboat: filestore directory " + filestore + " does not exist");
            assertThat(out).isEmpty();

            // not a directory; empty
            Files.createDirectories(filestore.getParent());
            Files.writeString(filestore, "not a directory");
            assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.FAILED);
            assertThat(err).startsWith("lifeboat: filestore directory " + filestore + " is not a directory");
            Files.delete(filestore);
            Files.createDirectory(filestore);
            assertThat(run("check", "-d", db.name(), "--json")).isEqualTo(ExitCode.FAILED);
            assertThat(err).startsWith("lifeboat: filestore directory " + filestore + " is empty");
            assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.FAILED);
            assertThat(zip).doesNotExist();

            // the data_dir of odoo.conf is named as such
            Path conf = tmp.resolve("odoo.conf");
            Files.writeString(conf, "[options]\ndata_dir = " + wrong + "\n");
            dataDir = null;
            assertThat(run("backup", "-c", conf.toString(), "-d", db.name(), "-o", zip.toString()))
                    .isEqualTo(ExitCode.FAILED);
            assertThat(err).contains("(data_dir " + wrong + " from data_dir in " + conf + ")");
            dataDir = wrong;

            // the database alone still backs up
            assertThat(run("backup", "-d", db.name(), "-o", zip.toString(), "--filestore", "none"))
                    .as(err)
                    .isEqualTo(ExitCode.OK);
            assertThat(run(
                            "backup",
                            "-d",
                            db.name(),
                            "-o",
                            tmp.resolve("w.dump").toString(),
                            "--format",
                            "dump"))
                    .as(err)
                    .isEqualTo(ExitCode.OK);

            // a database that references no file needs no filestore
            try (Connection c = db.connect();
                    var st = c.createStatement()) {
                st.executeUpdate("UPDATE ir_attachment SET store_fname = NULL");
            }
            Files.delete(filestore);
            assertThat(run("backup", "-d", db.name(), "-o", tmp.resolve("n.zip").toString()))
                    .as(err)
                    .isEqualTo(ExitCode.OK);
            assertThat(run("check", "-d", db.name(), "--no-progress")).as(err).isEqualTo(ExitCode.OK);
        } finally {
            dataDir = real;
        }
    }

    @Test
    void aCorruptEntryIsNamedWithWhatIsWrong() throws Exception {
        Path zip = tmp.resolve("b.zip");
        assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.OK);
        // zero the start of a deflated filestore entry: the inflater fails on it while dump.sql loads
        String name;
        try (var archive = new org.apache.commons.compress.archivers.zip.ZipFile.Builder()
                .setPath(zip)
                .get()) {
            var entry = java.util.Collections.list(archive.getEntries()).stream()
                    .filter(e -> e.getName().startsWith("filestore/")
                            && e.getMethod() == java.util.zip.ZipEntry.DEFLATED
                            && e.getCompressedSize() > 200)
                    .findFirst()
                    .orElseThrow();
            name = entry.getName();
            byte[] bytes = Files.readAllBytes(zip);
            for (int i = 0; i < 64; i++) bytes[(int) entry.getDataOffset() + i] = 0;
            Files.write(tmp.resolve("corrupt.zip"), bytes);
        }
        String copy = "cli_" + Long.toHexString(System.nanoTime());

        assertThat(run("restore", tmp.resolve("corrupt.zip").toString(), "-d", copy))
                .isEqualTo(ExitCode.FAILED);

        assertThat(err)
                .startsWith("lifeboat: zip entry " + name + " is corrupt: ")
                .doesNotContain("null");
        assertThat(cluster.databases()).doesNotContain(copy);
    }

    @Test
    void aDatabaseNameThatLooksLikeAnOptionIsAnInvalidName() throws Exception {
        Path zip = tmp.resolve("b.zip");
        assertThat(run("backup", "-d", db.name(), "-o", zip.toString())).isEqualTo(ExitCode.OK);

        for (String name : List.of("-x", "--foo")) {
            assertThat(run("restore", zip.toString(), "-d", name)).isEqualTo(ExitCode.USAGE);
            assertThat(err)
                    .startsWith("lifeboat: invalid database name: \"" + name + "\"")
                    .contains("starts with a letter or digit")
                    .doesNotContain("Exception");
            assertThat(run("backup", "-d", name, "-o", tmp.resolve("x.zip").toString()))
                    .isEqualTo(ExitCode.USAGE);
            assertThat(err).startsWith("lifeboat: invalid database name: \"" + name + "\"");
        }
    }

    @Test
    void verboseShowsTheProgramsRunAndTheLogFileRecordsTheRun() throws Exception {
        Path log = tmp.resolve("logs").resolve("lifeboat.log");
        Path dump = tmp.resolve("v.dump");
        assertThat(run(
                        "backup",
                        "-d",
                        db.name(),
                        "-o",
                        dump.toString(),
                        "--format",
                        "dump",
                        "-v",
                        "--log-file",
                        log.toString()))
                .isEqualTo(ExitCode.OK);
        assertThat(err).containsPattern("lifeboat: running \\S*pg_dump ");
        assertThat(run("restore", dump.toString(), "-d", db.name(), "--log-file", log.toString()))
                .isEqualTo(ExitCode.CONFLICT);
        assertThat(err).doesNotContain("running");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ \\[\\d+\\] .*"));
        String text = String.join("\n", lines);
        assertThat(text)
                .contains("] lifeboat backup -d " + db.name())
                .containsPattern("running \\S*pg_dump ")
                .contains("] exit 0")
                .contains("] lifeboat restore " + dump)
                .contains("] error: database " + db.name() + " already exists")
                .contains("] exit 5");
    }

    @Test
    void backupAllWritesOneFilePerDatabaseAndGoesOnAfterAFailure() throws Exception {
        // a second Odoo database whose filestore is a file: its backup fails, the other one's does not
        String broken = "cli_broken_" + Long.toHexString(System.nanoTime());
        cluster.createDatabase(broken, PostgresExtension.ODOO_ROLE);
        try {
            try (Connection c = cluster.connect(broken, PostgresExtension.ODOO_ROLE)) {
                SyntheticInstance.create(c, tmp.resolve("elsewhere").resolve(broken), SyntheticInstance.Spec.small());
            }
            Files.createDirectories(dataDir.resolve("filestore"));
            Files.writeString(dataDir.resolve("filestore").resolve(broken), "not a directory");
            Path dir = Files.createDirectory(tmp.resolve("all"));
            int code = run("backup", "--all", "-o", dir.toString(), "--json", "--strict");
            JsonNode report = new ObjectMapper().readTree(out);
            assertThat(code).as(err).isEqualTo(ExitCode.FAILED);
            assertThat(report.path("failed").asInt()).isPositive(); // other tests may leave databases too
            JsonNode ok = null;
            JsonNode failed = null;
            for (JsonNode r : report.path("databases")) {
                if (r.path("database").asText().equals(db.name())) ok = r;
                if (r.path("database").asText().equals(broken)) failed = r;
            }
            assertThat(ok).isNotNull();
            assertThat(ok.path("ok").asBoolean()).isTrue();
            assertThat(ok.path("report").path("format").asText()).isEqualTo("zip");
            assertThat(failed).isNotNull();
            assertThat(failed.path("ok").asBoolean()).isFalse();
            assertThat(failed.path("error").path("message").asText()).isNotBlank();
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.matches(java.util.regex.Pattern.quote(db.name())
                                + "_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d\\.zip"))
                        .noneMatch(n -> n.startsWith(broken));
            }
        } finally {
            cluster.dropDatabase(broken);
        }
    }

    @Test
    void controlCharactersFromInputReachTheTerminalEscaped() throws Exception {
        String hostile = "ab/\033[2J\033]0;owned\007\r\nfake \u009b31m";
        try (Connection c = db.connect();
                var st = c.prepareStatement("UPDATE ir_attachment SET store_fname = ? WHERE id = (SELECT min(id)"
                        + " FROM ir_attachment WHERE store_fname IS NOT NULL)")) {
            st.setString(1, hostile);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }

        // a database name, quoted in an error message
        assertThat(run("restore", tmp.resolve("none.zip").toString(), "-d", "x\033[31m\r\n"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err).contains("invalid database name: \"x\\x1b[31m\\r\\n\"");
        assertNoRawControls(err);

        // a store_fname in a check table, in backup warnings, and in JSON
        assertThat(run("check", "-d", db.name(), "--no-progress")).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(out + err).contains("\\x1b[2J");
        assertNoRawControls(out);
        assertNoRawControls(err);
        assertThat(run("backup", "-d", db.name(), "-o", tmp.resolve("w.zip").toString()))
                .isEqualTo(ExitCode.WARNINGS);
        assertThat(err).contains("unsafe store_fname").contains("\\x1b[2J");
        assertNoRawControls(err);
        assertThat(run("check", "-d", db.name(), "--json")).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertNoRawControls(out);
        assertThat(out).containsIgnoringCase("\\u001b[2J").contains("\\u009b31m");
        assertThat(new ObjectMapper().readTree(out).toString()).contains("\\u001B[2J");
    }

    private static void assertNoRawControls(String text) {
        assertThat(text.chars().filter(c -> c != '\n' && c != '\t' && io.lifeboat.Printable.isControl(c)))
                .as("raw control characters in %s", text)
                .isEmpty();
    }

    @Test
    void databasesListsTheOdooDatabases() {
        assertThat(run("databases", "--json")).isEqualTo(ExitCode.OK);
        assertThat(out).contains(db.name());
    }
}
