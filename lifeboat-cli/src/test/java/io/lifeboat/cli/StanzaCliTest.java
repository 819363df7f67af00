package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --stanza NAME}: backup, snapshots, restore and forget take an instance of the configuration
 * file, with nothing else on the command line; options given still win.
 */
@ExtendWith(PostgresExtension.class)
class StanzaCliTest {

    @TempDir
    Path tmp;

    PgCluster cluster;
    TestDatabase db;
    Path dataDir;
    Path configFile;

    @BeforeEach
    void setUp(PgCluster cluster, TestDatabase db) throws Exception {
        this.cluster = cluster;
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, dataDir.resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
        }
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("local.key");
        Path writer = tmp.resolve("local.writer-key");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
        configFile = tmp.resolve("lifeboat.yaml");
        Files.writeString(configFile, """
                defaults:
                  retention:
                    keep_daily: 30
                repositories:
                  local:
                    location: %s
                    key_file: %s
                    writer_key_file: %s
                instances:
                  x:
                    connection:
                      host: %s
                      port: %d
                      user: %s
                    data_dir: %s
                    database: %s
                    repository: local
                    jobs: 2
                    retention:
                      keep_last: 1
                """.formatted(
                repo, key, writer, cluster.host(), cluster.port(), PostgresExtension.ODOO_ROLE, dataDir, db.name()));
    }

    /** {@code lifeboat --config-file FILE args…}. */
    RepoCli.Run lifeboat(String... args) {
        List<String> all = new ArrayList<>(List.of("--config-file", configFile.toString()));
        all.addAll(List.of(args));
        return run(all);
    }

    @Test
    void commandsTakeTheirSettingsFromTheStanza() throws Exception {
        // to a zip: connection, database and data_dir come from the file
        Path zip = tmp.resolve("x.zip");
        JsonNode zipped = lifeboat("backup", "--stanza", "x", "-o", zip.toString(), "--json")
                .expect(ExitCode.OK)
                .json();
        assertThat(zipped.path("target").asText()).isEqualTo(zip.toString());
        assertThat(zipped.path("files").asLong()).isPositive();
        assertThat(zip).isRegularFile();

        // to the repository, twice, labelled with the stanza's name; a third labelled explicitly
        lifeboat("backup", "--stanza", "x").expect(ExitCode.OK);
        lifeboat("backup", "--stanza", "x").expect(ExitCode.OK);
        lifeboat("backup", "--stanza", "x", "--instance", "other").expect(ExitCode.OK);

        // snapshots: the stanza's repository and, unless --instance says otherwise, its snapshots
        JsonNode mine = lifeboat("snapshots", "--stanza", "x", "--json")
                .expect(ExitCode.OK)
                .json();
        assertThat(mine).hasSize(2);
        assertThat(mine.findValuesAsText("instance")).containsOnly("x");
        assertThat(mine.findValuesAsText("database")).containsOnly(db.name());
        assertThat(lifeboat("snapshots", "--stanza", "x", "--instance", "other", "--json")
                        .expect(ExitCode.OK)
                        .json())
                .hasSize(1);

        // restore a snapshot of the stanza's repository into a new database of the stanza's cluster
        String copy = "stanza_" + Long.toHexString(System.nanoTime());
        JsonNode restored = lifeboat("restore", "--stanza", "x", "latest:x/" + db.name(), "-d", copy, "--json")
                .expect(ExitCode.OK)
                .json();
        assertThat(restored.path("verification").path("missingFiles").asLong()).isZero();
        assertThat(cluster.databases()).contains(copy);
        assertThat(dataDir.resolve("filestore").resolve(copy)).isDirectory();

        // forget: the file's retention (keep_last 1), for the stanza's snapshots only
        JsonNode plan = lifeboat("forget", "--stanza", "x", "--dry-run", "--json")
                .expect(ExitCode.OK)
                .json();
        assertThat(plan.path("policy").path("keepLast").asInt()).isEqualTo(1);
        assertThat(plan.path("removed")).hasSize(1);
        assertThat(plan.path("kept")).hasSize(1);
        assertThat(plan.findValuesAsText("instance")).containsOnly("x");
        // a --keep-* option replaces the file's retention
        JsonNode explicit = lifeboat("forget", "--stanza", "x", "--dry-run", "--keep-last", "5", "--json")
                .expect(ExitCode.OK)
                .json();
        assertThat(explicit.path("removed")).isEmpty();
        assertThat(explicit.path("kept")).hasSize(2);
        // nothing was removed by the dry runs
        assertThat(lifeboat("snapshots", "--stanza", "x", "--json")
                        .expect(ExitCode.OK)
                        .json())
                .hasSize(2);
    }

    @Test
    void theOtherInstanceAndRepositoryCommandsTakeItToo() throws Exception {
        // databases and check: the stanza's cluster, data_dir and database
        assertThat(lifeboat("databases", "--stanza", "x", "--json")
                        .expect(ExitCode.OK)
                        .out())
                .contains(db.name());
        JsonNode checked = lifeboat("check", "--stanza", "x", "--format", "json")
                .expect(ExitCode.OK)
                .json();
        assertThat(checked.toString()).contains(db.name());
        // import labels with the stanza's name; stats, verify and prune use its repository and keys
        Path zip = tmp.resolve("x.zip");
        lifeboat("backup", "--stanza", "x", "-o", zip.toString()).expect(ExitCode.OK);
        lifeboat("import", "--stanza", "x", zip.toString()).expect(ExitCode.OK);
        assertThat(lifeboat("snapshots", "--stanza", "x", "--json")
                        .expect(ExitCode.OK)
                        .json()
                        .findValuesAsText("instance"))
                .containsExactly("x");
        assertThat(lifeboat("stats", "--stanza", "x", "--json")
                        .expect(ExitCode.OK)
                        .json()
                        .isObject())
                .isTrue();
        lifeboat("verify", "--stanza", "x").expect(ExitCode.OK);
        lifeboat("prune", "--stanza", "x", "--dry-run").expect(ExitCode.OK);
    }

    @Test
    void optionsOnTheCommandLineWin() throws Exception {
        // another data_dir: the filestore is looked for there, and the error names the flag
        Path empty = Files.createDirectories(tmp.resolve("elsewhere"));
        var wrong = lifeboat(
                "backup",
                "--stanza",
                "x",
                "--data-dir",
                empty.toString(),
                "-o",
                tmp.resolve("w.zip").toString());
        assertThat(wrong.exit()).isNotEqualTo(ExitCode.OK);
        assertThat(wrong.err()).contains(empty.toString()).contains("--data-dir");
        // the stanza's own data_dir, named as such when it is wrong
        Files.writeString(configFile, Files.readString(configFile).replace(dataDir.toString(), empty.toString()));
        var fromFile =
                lifeboat("backup", "--stanza", "x", "-o", tmp.resolve("f.zip").toString());
        assertThat(fromFile.exit()).isNotEqualTo(ExitCode.OK);
        assertThat(fromFile.err()).contains("data_dir of instance \"x\" in " + configFile);
        // --data-dir puts it right
        lifeboat(
                        "backup",
                        "--stanza",
                        "x",
                        "--data-dir",
                        dataDir.toString(),
                        "-o",
                        tmp.resolve("r.zip").toString())
                .expect(ExitCode.OK);
        // --repo: another repository, none of the stanza's repository settings apply
        var otherRepo = lifeboat(
                "snapshots", "--stanza", "x", "--repo", tmp.resolve("nowhere").toString());
        assertThat(otherRepo.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(otherRepo.err()).contains("no key given");
        // -o with the stanza's repository configured: a zip, not a snapshot
        assertThat(lifeboat("snapshots", "--stanza", "x", "--json")
                        .expect(ExitCode.OK)
                        .json())
                .isEmpty();
    }

    @Test
    void anUnknownStanzaIsAUsageErrorNamingTheKnownOnes() throws Exception {
        var unknown = lifeboat(
                "backup", "--stanza", "nope", "-o", tmp.resolve("n.zip").toString());
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err())
                .contains("no instance \"nope\" in " + configFile)
                .contains("Instances: x.");
        assertThat(tmp.resolve("n.zip")).doesNotExist();
        lifeboat("snapshots", "--stanza", "nope").expect(ExitCode.USAGE);

        // an invalid file: the configuration's own list of problems
        Files.writeString(configFile, Files.readString(configFile).replace("keep_last", "keep_lats"));
        var invalid = lifeboat("forget", "--stanza", "x", "--dry-run");
        assertThat(invalid.exit()).isNotIn(ExitCode.OK, ExitCode.USAGE);
        assertThat(invalid.err()).contains(configFile + " is not valid").contains("unknown key \"keep_lats\"");
    }
}
