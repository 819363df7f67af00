package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.PitrInstance;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code lifeboat drill --pitr} end to end against a cluster archiving its WAL into a repository. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PitrDrillCommandTest {
    PitrInstance prod;

    @BeforeAll
    void setUp() throws Exception {
        prod = PitrInstance.start();
    }

    @AfterAll
    void tearDown() {
        if (prod != null) prod.close();
    }

    @Test
    void aPointInTimeDrillPassesWithExitZeroAndADrillReport() throws Exception {
        Path dir = prod.work.resolve("cli-drill");
        JsonNode r = run(args(
                        List.of(
                                "drill",
                                "--pitr",
                                "-d",
                                PitrInstance.DATABASE,
                                "--directory",
                                dir.toString(),
                                "--json"),
                        prod.cliArgs()))
                .expect(ExitCode.OK)
                .json();
        assertThat(r.path("passed").asBoolean()).isTrue();
        assertThat(r.path("removed").asBoolean()).isTrue();
        assertThat(r.path("scratchDatabase").asText()).isEqualTo(PitrInstance.DATABASE);
        assertThat(r.path("rpoMillis").isIntegralNumber()).isTrue();
        assertThat(r.path("pointTime").asText()).endsWith("Z");
        assertThat(r.path("steps").findValuesAsText("name"))
                .containsExactly("recover", "verify_base", "verify_files", "remove");
        assertThat(r.path("counts").path("users").asLong()).isPositive();
        assertThat(dir).doesNotExist();

        // the human summary, a time before the base backup: a failed drill
        var failed = run(args(List.of("drill", "--pitr", "--at", "2001-01-01T00:00:00Z"), prod.cliArgs()))
                .expect(ExitCode.PROBLEMS_FOUND);
        assertThat(failed.err()).contains("FAILED", "recover", "the recovery failed");
    }

    @Test
    void pitrExcludesABackupAndTheOtherWay() {
        Path zip = prod.work.resolve("some.zip");
        assertThat(run(args(List.of("drill", "--pitr", zip.toString()), prod.cliArgs()))
                        .expect(ExitCode.USAGE)
                        .err())
                .contains("--pitr excludes BACKUP");
        run(args(List.of("drill", "--pitr", "--snapshot", "latest"), prod.cliArgs()))
                .expect(ExitCode.USAGE);
        assertThat(run(args(List.of("drill", zip.toString(), "--at", "2026-12-01T10:00:00Z"), prod.cliArgs()))
                        .expect(ExitCode.USAGE)
                        .err())
                .contains("go with --pitr");
        assertThat(run(args(List.of("drill", "--pitr", "--at", "2026-12-01 10:00:00"), prod.cliArgs()))
                        .expect(ExitCode.USAGE)
                        .err())
                .contains("time zone");
    }
}
