package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class RepairCommandTest {
    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    Path backup;

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore(), SyntheticInstance.Spec.small());
        }
        backup = tmp.resolve("backup");
        copyTree(filestore(), backup);
    }

    Path filestore() {
        return dataDir.resolve("filestore").resolve(db.name());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    private CheckCommandTest.Run repair(String... args) {
        return CheckCommandTest.run(new RepairCommand(), db, dataDir, args);
    }

    @Test
    void dryRunShowsThePlanAndApplyRestoresExactlyTheMissingFiles() throws Exception {
        String lost = CheckCommandTest.loseOneFile(db, filestore());

        CheckCommandTest.Run plan = repair("--from", backup.toString());

        assertThat(plan.exit()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(plan.stdout())
                .contains("restorable: 1 files")
                .contains(lost)
                .contains("directory " + backup)
                .contains("dry run: nothing was written");
        assertThat(filestore().resolve(lost)).doesNotExist();

        CheckCommandTest.Run applied = repair("--from", backup.toString(), "--apply");
        CheckCommandTest.Run again = repair("--from", backup.toString(), "--apply");

        assertThat(applied.exit()).isEqualTo(ExitCode.OK);
        assertThat(applied.stdout())
                .contains("restored 1 files")
                .contains("check after repair: clean: no problems found");
        assertThat(filestore().resolve(lost)).hasSameBinaryContentAs(backup.resolve(lost));
        assertThat(again.exit()).isEqualTo(ExitCode.OK);
        assertThat(again.stdout()).contains("restored 0 files");
    }

    @Test
    void irrecoverableRowsAreExportedAndOrphansQuarantinedAndMovedBack() throws Exception {
        String lost = CheckCommandTest.loseOneFile(db, filestore());
        Files.delete(backup.resolve(lost));
        Files.createDirectories(filestore().resolve("ab"));
        Path orphan = filestore().resolve("ab/ab" + "1".repeat(38));
        Files.writeString(orphan, "left by a clean-up script");
        Path export = tmp.resolve("lost.json");

        CheckCommandTest.Run r = repair(
                "--from",
                backup.toString(),
                "--apply",
                "--quarantine-orphans",
                "--export-irrecoverable",
                export.toString());

        assertThat(r.exit()).isEqualTo(ExitCode.PROBLEMS_FOUND); // the lost file stays lost
        assertThat(r.stdout()).contains("irrecoverable: 1 files, 1 rows").contains("quarantined 1 orphans");
        JsonNode rows = new ObjectMapper().readTree(export.toFile());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("store_fname").asText()).isEqualTo(lost);
        assertThat(rows.get(0).get("res_model").asText()).isNotEmpty();
        assertThat(orphan).doesNotExist();
        Path base = dataDir.resolve("filestore-quarantine").resolve(db.name());
        List<Path> manifests;
        try (Stream<Path> s = Files.walk(base)) {
            manifests = s.filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .toList();
        }
        assertThat(manifests).hasSize(1);

        CheckCommandTest.Run back = repair("--unquarantine", manifests.get(0).toString());

        assertThat(back.exit()).isEqualTo(ExitCode.OK);
        assertThat(back.stdout()).contains("moved back 1 files");
        assertThat(orphan).hasContent("left by a clean-up script");
    }

    @Test
    void repairsFromAnySnapshotOfARepository() throws Exception {
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("secret.key");
        assertThat(Main.run(
                        "repo",
                        "init",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--writer-key",
                        tmp.resolve("writer.key").toString()))
                .isEqualTo(ExitCode.OK);
        assertThat(Main.run(
                        "backup",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--db-host",
                        db.cluster().host(),
                        "--db-port",
                        Integer.toString(db.cluster().port()),
                        "--db-user",
                        db.owner(),
                        "--data-dir",
                        dataDir.toString(),
                        "-d",
                        db.name(),
                        "--no-progress",
                        "--quiet"))
                .isEqualTo(ExitCode.OK);
        String lost = CheckCommandTest.loseOneFile(db, filestore());

        CheckCommandTest.Run r = repair("--repo", repo.toString(), "--key", key.toString(), "--apply");

        assertThat(r.exit()).isEqualTo(ExitCode.OK);
        assertThat(r.stdout()).contains("repository ").contains("restored 1 files");
        assertThat(filestore().resolve(lost)).hasSameBinaryContentAs(backup.resolve(lost));
    }

    @Test
    void aSourceThatDoesNotExistIsAUsageError() {
        CheckCommandTest.Run r = repair("--from", tmp.resolve("nope").toString());

        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errors())
                .singleElement()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("does not exist");
    }
}
