package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --stanza}: a protected secret key's passphrase comes from the configuration file's secret. */
class StanzaPassphraseTest {
    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        RepositoryOptions.environment = System::getenv;
        RepositoryOptions.prompt = RepositoryOptions.PROMPT;
    }

    @Test
    void thePassphraseIsReadFromItsSecretAndNeverShown() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(RepositoryOptions.PASSPHRASE_ENV, "correct horse"));
        RepositoryOptions.environment = env::get;
        Path repo = tmp.resolve("p");
        Path key = tmp.resolve("p.key");
        run(
                        "repo",
                        "init",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--writer-key",
                        tmp.resolve("p.writer-key").toString())
                .expect(ExitCode.OK);
        env.clear();
        RepositoryOptions.prompt = message -> null;

        Path secret = tmp.resolve("passphrase");
        Files.writeString(secret, "correct horse\n");
        Path config = tmp.resolve("lifeboat.yaml");
        Files.writeString(config, """
                repositories:
                  p:
                    location: %s
                    key_file: %s
                    key_passphrase: {file: %s}
                instances:
                  x:
                    data_dir: %s
                    repository: p
                """.formatted(repo, key, secret, tmp));
        run("--config-file", config.toString(), "snapshots", "--stanza", "x").expect(ExitCode.OK);
        // without the stanza, the key is protected and nothing gives its passphrase
        var without = run("snapshots", "--repo", repo.toString(), "--key", key.toString());
        assertThat(without.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(without.err()).contains("is protected by a passphrase");

        Files.writeString(secret, "wrong horse\n");
        var wrong = run("--config-file", config.toString(), "snapshots", "--stanza", "x");
        assertThat(wrong.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(wrong.err()).contains("wrong passphrase for secret key file").doesNotContain("horse");
        assertThat(wrong.out()).doesNotContain("horse");
    }
}
