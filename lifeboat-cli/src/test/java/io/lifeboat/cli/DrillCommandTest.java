package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat drill} end to end: exit codes, the JSON report, usage errors. */
@ExtendWith(PostgresExtension.class)
class DrillCommandTest {

    @TempDir
    Path tmp;

    PgCluster cluster;
    TestDatabase db;
    Path dataDir;
    String out;
    String err;

    @BeforeEach
    void setUp(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
        dataDir = tmp.resolve("data");
    }

    int run(String... args) {
        RepoCli.Run r = RepoCli.run(RepoCli.args(List.of(args), RepoCli.instance(db, dataDir)));
        out = r.out();
        err = r.err();
        return r.exit();
    }

    @Test
    void aGoodBackupPassesWithExitZeroAndAJsonReport() throws Exception {
        Path zip = OdooFixtures.path(OdooFixtures.ODOO16_ZIP);

        assertThat(run("drill", zip.toString(), "--json", "--sample-files", "5", "--tables", "3"))
                .as(err)
                .isEqualTo(ExitCode.OK);

        JsonNode r = new ObjectMapper().readTree(out);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) keys.add(it.next());
        assertThat(keys)
                .containsExactly(
                        "source",
                        "scratchDatabase",
                        "passed",
                        "startedAt",
                        "finishedAt",
                        "rtoMillis",
                        "rpoMillis",
                        "pointTime",
                        "steps",
                        "counts",
                        "failures",
                        "removed");
        assertThat(r.path("passed").asBoolean()).isTrue();
        assertThat(r.path("removed").asBoolean()).isTrue();
        assertThat(r.path("startedAt").asText()).endsWith("Z");
        assertThat(r.path("rpoMillis").isIntegralNumber()).isTrue();
        assertThat(r.path("counts").path("filesHashed").asLong()).isEqualTo(5);
        assertThat(r.path("counts").path("sampled").asBoolean()).isTrue();
        assertThat(r.path("counts").path("tables")).hasSize(3);
        assertThat(r.path("steps").get(0).path("name").asText()).isEqualTo("restore_database");
        assertThat(cluster.databases()).doesNotContain(r.path("scratchDatabase").asText());

        // the human summary
        assertThat(run("drill", zip.toString(), "--sample-files", "1")).isEqualTo(ExitCode.OK);
        assertThat(err).contains(": passed", "RTO", "RPO", "verify_files", "files          11/11 present");
    }

    @Test
    void aBackupMissingAFileFailsWithExitFour() throws Exception {
        Path zip = tmp.resolve("missing.zip");
        try (InputStream in = Files.newInputStream(OdooFixtures.path(OdooFixtures.ODOO16_ZIP));
                ZipInputStream zin = new ZipInputStream(in);
                OutputStream os = Files.newOutputStream(zip);
                ZipOutputStream zout = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                byte[] bytes = zin.readAllBytes();
                if (e.getName().equals("filestore/23/23fe89f51c8121f053a697a3dd79106f25aeeb52")) continue;
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(bytes);
                zout.closeEntry();
            }
        }

        assertThat(run("drill", zip.toString(), "--json")).isEqualTo(ExitCode.PROBLEMS_FOUND);
        JsonNode r = new ObjectMapper().readTree(out);
        assertThat(r.path("passed").asBoolean()).isFalse();
        assertThat(r.path("counts").path("missingFiles").asLong()).isEqualTo(1);
        assertThat(r.path("failures").get(0).asText()).contains("23fe89f51c8121f053a697a3dd79106f25aeeb52");

        assertThat(run("drill", zip.toString(), "--sample-files", "1")).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(err).contains("FAILED", "failure");
    }

    @Test
    void aSnapshotIsDrilledWithItsTimeAsThePointTime() throws Exception {
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("x.key");
        Path writer = tmp.resolve("x.writer-key");
        RepoCli.run(
                        "repo",
                        "init",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--writer-key",
                        writer.toString())
                .expect(ExitCode.OK);
        RepoCli.run(
                        "import",
                        OdooFixtures.path(OdooFixtures.ODOO16_ZIP).toString(),
                        "--time",
                        "2026-01-02T03:04:05Z",
                        "--repo",
                        repo.toString(),
                        "--writer-key",
                        writer.toString())
                .expect(ExitCode.OK);

        assertThat(run(
                        "drill",
                        "--snapshot",
                        "latest",
                        "--sample-files",
                        "2",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--json"))
                .as(err)
                .isEqualTo(ExitCode.OK);
        JsonNode r = new ObjectMapper().readTree(out);
        assertThat(r.path("source").asText()).startsWith("snapshot ");
        assertThat(r.path("pointTime").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(r.path("passed").asBoolean()).isTrue();
        assertThat(r.path("removed").asBoolean()).isTrue();
    }

    @Test
    void usageErrors() {
        assertThat(run("drill", tmp.resolve("gone.zip").toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err).contains("no such file or directory");
        assertThat(run("drill")).isEqualTo(ExitCode.USAGE);
        assertThat(run("drill", "x.zip", "--snapshot", "latest")).isEqualTo(ExitCode.USAGE);
        assertThat(run("drill", "--help")).isEqualTo(ExitCode.OK);
        assertThat(out).startsWith("Usage: lifeboat drill").contains("--sample-files", "--probe-command", "--keep");
    }

    @Test
    void aProbeCommandIsSplitLikeAShellCommandLine() {
        assertThat(DrillCommand.argv(List.of("odoo-bin -d {database} --http-port={port} -c '/etc/my odoo.conf'")))
                .containsExactly("odoo-bin", "-d", "{database}", "--http-port={port}", "-c", "/etc/my odoo.conf");
        assertThat(DrillCommand.argv(List.of("python3", "-c", "print(1)")))
                .containsExactly("python3", "-c", "print(1)");
        assertThat(DrillCommand.split("a \"b \\\"c\" d\\ e")).containsExactly("a", "b \"c", "d e");
        assertThatThrownBy(() -> DrillCommand.split("a 'b")).isInstanceOf(LifeboatException.class);
    }
}
