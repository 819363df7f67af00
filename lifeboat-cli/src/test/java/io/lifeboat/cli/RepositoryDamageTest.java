package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One data object of a repository is corrupted or deleted: verify names it, the snapshot that
 * depends on it and that snapshot's files; that snapshot refuses to restore; another still restores.
 */
@ExtendWith(PostgresExtension.class)
class RepositoryDamageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"corrupt", "delete"})
    void damageIsNamedAndUnaffectedSnapshotsStillRestore(String damage, TestDatabase db) throws Exception {
        Path dataDir = tmp.resolve("data");
        String other = "other_" + damage;
        db.cluster().createDatabase(other, db.owner());
        try {
            try (Connection c = db.connect()) {
                SyntheticInstance.create(
                        c, dataDir.resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
            }
            try (Connection c = db.cluster().connect(other, db.owner())) {
                SyntheticInstance.create(
                        c,
                        dataDir.resolve("filestore").resolve(other),
                        SyntheticInstance.Spec.small().withSeed(2));
            }
            Path repo = tmp.resolve("repo");
            Path key = tmp.resolve("r.key");
            run(
                            "repo",
                            "init",
                            "--repo",
                            repo.toString(),
                            "--key",
                            key.toString(),
                            "--writer-key",
                            tmp.resolve("w").toString())
                    .expect(ExitCode.OK);
            List<String> withKey = List.of("--repo", repo.toString(), "--key", key.toString());
            List<String> inst = RepoCli.instance(db, dataDir);
            String a = run(args(List.of("backup", "-d", db.name(), "--json"), inst, withKey))
                    .expect(ExitCode.OK)
                    .json()
                    .path("snapshot")
                    .asText();
            List<Path> packsOfA = RepoCli.packs(repo);
            String b = run(args(List.of("backup", "-d", other, "--json"), inst, withKey))
                    .expect(ExitCode.OK)
                    .json()
                    .path("snapshot")
                    .asText();
            // the largest pack written by the second backup holds its data, used by no other snapshot
            List<Path> newPacks = new ArrayList<>(RepoCli.packs(repo));
            newPacks.removeAll(packsOfA);
            Path pack = newPacks.stream()
                    .max(Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
            String object = repo.relativize(pack).toString();
            if (damage.equals("corrupt")) {
                byte[] bytes = Files.readAllBytes(pack);
                bytes[bytes.length / 2] ^= 0x40;
                Files.write(pack, bytes);
            } else {
                Files.delete(pack);
            }

            var verify = run(args(List.of("verify", "--read-data", "--json"), withKey))
                    .expect(ExitCode.PROBLEMS_FOUND);
            JsonNode result = verify.json();
            assertThat(result.path("problems").findValuesAsText("object")).contains(object);
            JsonNode affected = result.path("affected");
            assertThat(affected).hasSize(1);
            assertThat(affected.get(0).path("snapshotId").asText()).isEqualTo(b);
            assertThat(affected.get(0).path("database").asText()).isEqualTo(other);
            List<String> files = new ArrayList<>();
            affected.get(0).path("files").forEach(f -> files.add(f.asText()));
            assertThat(files)
                    .isNotEmpty()
                    .allMatch(f -> f.equals("database dump") || f.matches("[0-9a-f]{2}/[0-9a-f]{40}"));
            var human = run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.PROBLEMS_FOUND);
            assertThat(human.out())
                    .contains(object)
                    .contains("1 snapshot affected")
                    .contains(b.substring(0, 8))
                    .contains(files.get(0))
                    .doesNotContain(a.substring(0, 8));
            if (damage.equals("delete")) {
                // a missing object shows without reading data
                assertThat(run(args(List.of("verify", "--json"), withKey))
                                .expect(ExitCode.PROBLEMS_FOUND)
                                .json()
                                .path("affected")
                                .findValuesAsText("snapshotId"))
                        .containsExactly(b);
            }

            // the damaged snapshot refuses to restore and leaves nothing behind
            String broken = "broken_" + damage;
            var failed = run(args(List.of("restore", b, "-d", broken), inst, withKey));
            assertThat(failed.exit()).isEqualTo(ExitCode.FAILED);
            assertThat(failed.err()).contains("lifeboat: ").contains("hint: ");
            assertThat(RepoCli.databaseExists(db, broken)).isFalse();
            assertThat(dataDir.resolve("filestore").resolve(broken)).doesNotExist();

            // the other snapshot restores in full
            String good = "intact_" + damage;
            run(args(List.of("restore", a.substring(0, 6), "-d", good, "--no-copy", "--strict"), inst, withKey))
                    .expect(ExitCode.OK);
            try (Connection c = db.connect();
                    Connection r = db.cluster().connect(good, db.owner())) {
                assertThat(RepoCli.tables(r)).isEqualTo(RepoCli.tables(c));
                assertThat(RepoCli.files(dataDir.resolve("filestore").resolve(good)))
                        .isEqualTo(RepoCli.referencedFiles(
                                c, dataDir.resolve("filestore").resolve(db.name())));
            }
        } finally {
            db.cluster().dropDatabase(other);
        }
    }
}
