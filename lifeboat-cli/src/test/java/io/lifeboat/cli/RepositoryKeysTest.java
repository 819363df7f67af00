package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys through the command line: wrong, missing or protected keys and tampered objects fail clearly. */
class RepositoryKeysTest {
    @TempDir
    Path tmp;

    Path repo;
    Path key;
    Path writer;

    @BeforeEach
    void init() {
        repo = tmp.resolve("repo");
        key = tmp.resolve("a.key");
        writer = tmp.resolve("a.writer-key");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
    }

    @AfterEach
    void resetEnvironment() {
        RepositoryOptions.environment = System::getenv;
    }

    private List<String> repoArgs(String... more) {
        return args(List.of("--repo", repo.toString()), List.of(more));
    }

    private String importFixture() {
        return run(args(
                        List.of(
                                "import",
                                RepoCli.fixtures()
                                        .resolve("odoo16_base_only.zip")
                                        .toString(),
                                "--json"),
                        repoArgs("--writer-key", writer.toString())))
                .expect(ExitCode.OK)
                .json()
                .get(0)
                .path("snapshotId")
                .asText();
    }

    @Test
    void initWritesPrivateKeyFilesAndNeverPrintsOrOverwritesThem() throws Exception {
        String keyBefore = Files.readString(key);
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(writer)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Path other = tmp.resolve("other");
        var r = run(
                        "repo",
                        "init",
                        "--repo",
                        other.toString(),
                        "--key",
                        tmp.resolve("b.key").toString(),
                        "--writer-key",
                        tmp.resolve("b.writer-key").toString())
                .expect(ExitCode.OK);
        JsonNode k = RepoCli.JSON.readTree(Files.readString(tmp.resolve("b.key")));
        JsonNode w = RepoCli.JSON.readTree(Files.readString(tmp.resolve("b.writer-key")));
        assertThat(r.out())
                .contains(k.path("recipient").asText())
                .contains(tmp.resolve("b.key").toString())
                .contains("cannot be read by anyone")
                .doesNotContain(k.path("key").asText())
                .doesNotContain(w.path("writeSecret").asText());

        // an existing repository or key file is refused before anything is written
        var again = run(
                "repo",
                "init",
                "--repo",
                repo.toString(),
                "--key",
                tmp.resolve("c.key").toString(),
                "--writer-key",
                tmp.resolve("c.writer-key").toString());
        assertThat(again.exit()).isEqualTo(ExitCode.CONFLICT);
        assertThat(again.err()).contains("a repository already exists at");
        assertThat(tmp.resolve("c.key")).doesNotExist();
        var existingKey = run("repo", "init", "--repo", tmp.resolve("third").toString(), "--key", key.toString());
        assertThat(existingKey.exit()).isEqualTo(ExitCode.CONFLICT);
        assertThat(existingKey.err()).contains("key file " + key + " already exists");
        assertThat(tmp.resolve("third/config")).doesNotExist();
        assertThat(Files.readString(key)).isEqualTo(keyBefore);
    }

    @Test
    void wrongAndMissingKeysAreRefusedClearly() {
        importFixture();
        Path otherKey = tmp.resolve("o.key");
        Path otherWriter = tmp.resolve("o.writer-key");
        run(
                        "repo",
                        "init",
                        "--repo",
                        tmp.resolve("other").toString(),
                        "--key",
                        otherKey.toString(),
                        "--writer-key",
                        otherWriter.toString())
                .expect(ExitCode.OK);

        var wrongSecret = run(args(List.of("snapshots"), repoArgs("--key", otherKey.toString())));
        assertThat(wrongSecret.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(wrongSecret.err())
                .contains("the secret key does not open this repository")
                .contains("hint: ")
                .doesNotContain("rotation");
        var wrongWriter = run(args(List.of("snapshots"), repoArgs("--writer-key", otherWriter.toString())));
        assertThat(wrongWriter.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(wrongWriter.err()).contains("the writer key belongs to repository");
        var swapped = run(args(List.of("snapshots"), repoArgs("--key", writer.toString())));
        assertThat(swapped.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(swapped.err()).contains("is not a lifeboat-secret-key");

        var none = run(args(List.of("snapshots"), repoArgs()));
        assertThat(none.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("no key given");
        var writerOnly = run(args(List.of("verify"), repoArgs("--writer-key", writer.toString())));
        assertThat(writerOnly.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(writerOnly.err()).contains("needs the repository's secret key");
        var restore = run(args(
                List.of("export", "latest", "-o", tmp.resolve("x.zip").toString()),
                repoArgs("--writer-key", writer.toString())));
        assertThat(restore.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(tmp.resolve("x.zip")).doesNotExist();
        var missingFile = run(args(
                List.of("snapshots"), repoArgs("--key", tmp.resolve("nope.key").toString())));
        assertThat(missingFile.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missingFile.err()).contains("nope.key does not exist");
        var noRepo = run("snapshots", "--key", key.toString());
        assertThat(noRepo.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(noRepo.err()).contains("no repository given");
        var notARepo = run("snapshots", "--repo", tmp.resolve("empty").toString(), "--key", key.toString());
        assertThat(notARepo.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(notARepo.err()).contains("no repository at");
    }

    @Test
    void aPassphraseProtectsTheSecretKeyAndEnvironmentVariablesNameTheRepository() {
        Map<String, String> env = new java.util.HashMap<>(Map.of(RepositoryOptions.PASSPHRASE_ENV, "correct horse"));
        RepositoryOptions.environment = env::get;
        Path protectedKey = tmp.resolve("p.key");
        run(
                        "repo",
                        "init",
                        "--repo",
                        tmp.resolve("p").toString(),
                        "--key",
                        protectedKey.toString(),
                        "--writer-key",
                        tmp.resolve("p.writer-key").toString())
                .expect(ExitCode.OK);
        env.put(RepositoryOptions.REPO_ENV, tmp.resolve("p").toString());
        env.put(RepositoryOptions.KEY_ENV, protectedKey.toString());
        run("snapshots").expect(ExitCode.OK);

        env.put(RepositoryOptions.PASSPHRASE_ENV, "wrong horse");
        var wrong = run("snapshots");
        assertThat(wrong.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(wrong.err()).contains("wrong passphrase for secret key file");
        env.remove(RepositoryOptions.PASSPHRASE_ENV);
        var missing = run("snapshots");
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err())
                .contains("is protected by a passphrase")
                .contains("hint: Set LIFEBOAT_KEY_PASSPHRASE to the passphrase, or run on a terminal");
        assertThat(wrong.err() + missing.err()).doesNotContain("horse");

        // on a terminal, the passphrase is asked for
        List<String> asked = new java.util.ArrayList<>();
        RepositoryOptions.prompt = message -> {
            asked.add(message);
            return "correct horse".toCharArray();
        };
        try {
            run("snapshots").expect(ExitCode.OK);
        } finally {
            RepositoryOptions.prompt = RepositoryOptions.PROMPT;
        }
        assertThat(asked).containsExactly("Passphrase for " + protectedKey + ": ");
    }

    @Test
    void aTamperedSnapshotRecordIsRefused() throws Exception {
        importFixture();
        Path record;
        try (Stream<Path> s = Files.list(repo.resolve("snapshots"))) {
            record = s.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(record);
        bytes[bytes.length - 20] ^= 1;
        // stored under the hash of its new content, as someone covering their tracks would
        String name =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(record.resolveSibling(name), bytes);
        Files.delete(record);

        var list = run(args(List.of("snapshots"), repoArgs("--writer-key", writer.toString())));
        assertThat(list.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(list.err()).contains("snapshots/" + name + " fails authentication");
        var verify = run(args(List.of("verify"), repoArgs("--key", key.toString())));
        assertThat(verify.exit()).isNotEqualTo(ExitCode.OK);
        assertThat(verify.out() + verify.err()).contains(name);
    }

    @Test
    void tamperedDataIsNeverExported() throws Exception {
        String id = importFixture();
        Path pack = RepoCli.packs(repo).stream()
                .max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 3] ^= 1;
        Files.write(pack, bytes);

        Path out = tmp.resolve("out").resolve("tampered.zip");
        var export = run(args(List.of("export", id, "-o", out.toString()), repoArgs("--key", key.toString())));
        assertThat(export.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(export.err()).containsAnyOf("fails authentication", "does not match");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s).isEmpty();
        }
        var toStdout = run(args(List.of("export", id, "-o", "-"), repoArgs("--key", key.toString())));
        assertThat(toStdout.exit()).isEqualTo(ExitCode.FAILED);
    }
}
