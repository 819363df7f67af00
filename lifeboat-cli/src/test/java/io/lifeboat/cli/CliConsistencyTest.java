package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command does alike: exit codes of missing files, JSON errors. No server needed. */
class CliConsistencyTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingBackupAndAMissingOdooConfAreTheSameKindOfError() {
        Path conf = tmp.resolve("odoo.conf");
        var noConf = RepoCli.run("databases", "-c", conf.toString()).expect(ExitCode.USAGE);
        assertThat(noConf.err()).contains("lifeboat: no such file or directory: " + conf);
        Path zip = tmp.resolve("gone.zip");
        var noBackup = RepoCli.run("restore", zip.toString(), "-d", "abc", "--data-dir", tmp.toString())
                .expect(ExitCode.USAGE);
        assertThat(noBackup.err()).contains("lifeboat: no such file or directory: " + zip);
    }

    @Test
    void jsonFailuresPrintAnErrorObjectOnStandardOutput() {
        Path zip = tmp.resolve("gone.zip");
        JsonNode e = RepoCli.run("restore", zip.toString(), "-d", "abc", "--data-dir", tmp.toString(), "--json")
                .expect(ExitCode.USAGE)
                .json()
                .path("error");
        assertThat(e.path("message").asText()).isEqualTo("no such file or directory: " + zip);
        assertThat(e.path("hint").asText()).isEqualTo("Check the path of the backup to restore.");
        assertThat(e.path("exit_code").asInt()).isEqualTo(ExitCode.USAGE);

        // a command line picocli refuses, too
        JsonNode usage = RepoCli.run("backup", "--json", "--no-such-option")
                .expect(ExitCode.USAGE)
                .json()
                .path("error");
        assertThat(usage.path("message").asText()).contains("--no-such-option");
        assertThat(usage.path("exit_code").asInt()).isEqualTo(ExitCode.USAGE);

        // a repository command
        JsonNode repo = RepoCli.run("snapshots", "--repo", tmp.resolve("none").toString(), "--json")
                .expect(ExitCode.USAGE)
                .json()
                .path("error");
        assertThat(repo.path("message").asText()).isEqualTo("no key given for repository " + tmp.resolve("none"));
        assertThat(repo.path("exit_code").asInt()).isEqualTo(ExitCode.USAGE);
    }
}
