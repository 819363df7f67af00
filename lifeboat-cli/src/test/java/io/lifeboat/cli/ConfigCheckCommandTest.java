package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat --config-file FILE config check}, as a user runs it. */
class ConfigCheckCommandTest {

    @TempDir
    Path dir;

    Path config;

    @BeforeEach
    void write() throws IOException {
        Files.writeString(dir.resolve("odoo.conf"), "[options]\n");
        Path secret = Files.writeString(dir.resolve("s3-secret"), "the-s3-secret-value\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path key = Files.writeString(dir.resolve("writer.key"), "key\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                defaults:
                  retention: {keep_daily: 7}
                repositories:
                  offsite:
                    location: s3:https://s3.example.net/bucket/odoo
                    options:
                      s3.region: eu-west-1
                      s3.access-key: {env: PATH}
                      s3.secret-key: {file: $DIR/s3-secret}
                    writer_key_file: $DIR/writer.key
                instances:
                  prod:
                    odoo_conf: $DIR/odoo.conf
                    repository: offsite
                    jobs: 3
                  other:
                    data_dir: $DIR
                """.replace("$DIR", dir.toString()));
    }

    private HelpTest.Run run(String... args) {
        return HelpTest.run(List.of(args));
    }

    @Test
    void printsTheResolvedConfigurationWithSecretsAsReferences() {
        HelpTest.Run r = run("--config-file", config.toString(), "config", "check");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out())
                .startsWith(config + " is valid: 1 repository, 2 instances")
                .contains("repository offsite", "instance prod", "instance other")
                .contains("s3.access-key=env:PATH", "s3.secret-key=file:" + dir.resolve("s3-secret"))
                .containsPattern("retention +\\{?keep_daily=7")
                .containsPattern("jobs +3");
        assertThat(r.out() + r.err()).doesNotContain("the-s3-secret-value", System.getenv("PATH"));
        assertThat(r.err()).contains("warning: line 10: ", "writer.key can be read by every user");
    }

    @Test
    void jsonAndOneInstance() throws IOException {
        HelpTest.Run r = run("--config-file", config.toString(), "config", "check", "--instance", "prod", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("valid").asBoolean()).isTrue();
        assertThat(doc.get("instances").properties())
                .extracting(e -> e.getKey())
                .containsExactly("prod");
        assertThat(doc.at("/instances/prod/jobs").asInt()).isEqualTo(3);
        assertThat(doc.at("/repositories/offsite/options/s3.secret-key").asText())
                .isEqualTo("file:" + dir.resolve("s3-secret"));
    }

    @Test
    void anUnknownInstanceIsAUsageError() {
        HelpTest.Run r = run("--config-file", config.toString(), "config", "check", "-i", "nope");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("no instance \"nope\"", "hint: Instances: prod, other.");
    }

    @Test
    void anInvalidFileFailsWithEveryProblemAndItsLine() throws IOException {
        Files.writeString(config, Files.readString(config).replace("jobs: 3", "jobs: 3\n    colour: red"));
        HelpTest.Run r = run("--config-file", config.toString(), "config", "check");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(r.err())
                .contains("lifeboat: " + config + " is not valid (1 problem)")
                .contains("line 16: unknown key \"colour\" in instance \"prod\"");
        assertThat(r.out()).isEmpty();
    }
}
