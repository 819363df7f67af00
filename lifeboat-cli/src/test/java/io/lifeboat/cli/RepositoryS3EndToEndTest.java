package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.storage.testing.S3ProxyServer;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cycle through the command line on S3 (S3Proxy): init, snapshot, change 1% of the
 * instance, snapshot again, restore both and compare them with the instance as it was.
 */
@ExtendWith(PostgresExtension.class)
class RepositoryS3EndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void secondSnapshotWritesLittleAndBothRestoreExactly(TestDatabase db) throws Exception {
        Path dataDir = tmp.resolve("data");
        Path filestore = dataDir.resolve("filestore").resolve(db.name());
        var spec = SyntheticInstance.Spec.small()
                .withAttachments(1500)
                .withFilestoreBytes(200L << 20)
                .withBulkRows(20_000)
                .withSeed(5);
        try (Connection c = db.connect()) {
            SyntheticInstance.create(c, filestore, spec);
        }
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            List<String> repo = List.of(
                    "--repo",
                    "s3:" + s3.endpoint() + "/" + s3.bucket() + "/lifeboat/prod",
                    "--repo-option",
                    "s3.region=" + S3ProxyServer.REGION,
                    "--repo-option",
                    "s3.access-key=" + s3.accessKey(),
                    "--repo-option",
                    "s3.secret-key=" + s3.secretKey());
            Path key = tmp.resolve("prod.key");
            Path writer = tmp.resolve("prod.writer-key");
            var init = run(args(
                            List.of("repo", "init", "--key", key.toString(), "--writer-key", writer.toString()), repo))
                    .expect(ExitCode.OK);
            assertThat(init.out()).contains("lbpub1").contains("cannot be read by anyone");
            List<String> withWriter = args(repo, List.of("--writer-key", writer.toString()));
            List<String> withKey = args(repo, List.of("--key", key.toString()));
            List<String> inst = RepoCli.instance(db, dataDir);

            // snapshot 1
            Map<String, String> tables1;
            Map<String, String> files1;
            try (Connection c = db.connect()) {
                tables1 = RepoCli.tables(c);
                files1 = RepoCli.referencedFiles(c, filestore);
            }
            JsonNode first = run(args(
                            List.of("backup", "-d", db.name(), "--json", "--tag", "nightly"), inst, withWriter))
                    .expect(ExitCode.OK)
                    .json();
            // 1% of attachments and rows change
            try (Connection c = db.connect()) {
                SyntheticInstance.mutate(c, filestore, 0.01, 99);
            }
            Map<String, String> tables2;
            Map<String, String> files2;
            try (Connection c = db.connect()) {
                tables2 = RepoCli.tables(c);
                files2 = RepoCli.referencedFiles(c, filestore);
            }
            assertThat(tables2).isNotEqualTo(tables1);
            assertThat(files2).isNotEqualTo(files1);
            JsonNode second = run(args(List.of("backup", "-d", db.name(), "--json"), inst, withWriter))
                    .expect(ExitCode.OK)
                    .json();

            long firstStored = first.at("/written/storedBytes").asLong();
            long secondStored = second.at("/written/storedBytes").asLong();
            assertThat(first.at("/written/bytesNew").asLong())
                    .isGreaterThan(first.path("fileBytes").asLong());
            System.err.printf(
                    "first snapshot wrote %,d bytes, the second %,d (%.1f%%)%n",
                    firstStored, secondStored, 100.0 * secondStored / firstStored);
            assertThat(secondStored)
                    .as("bytes written by the second snapshot (%d) vs the first (%d)", secondStored, firstStored)
                    .isLessThanOrEqualTo(firstStored / 20);

            String id1 = first.path("snapshot").asText();
            String id2 = second.path("snapshot").asText();
            JsonNode list = run(args(List.of("snapshots", "--json"), withWriter))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(list.findValuesAsText("id")).containsExactly(id1, id2);
            assertThat(run(args(List.of("snapshots", "--json", "--tag", "nightly"), withWriter))
                            .json()
                            .findValuesAsText("id"))
                    .containsExactly(id1);

            // both restore exactly as they were
            restoreAndCompare(db, dataDir, withKey, inst, id1.substring(0, 8), "restored_first", tables1, files1);
            restoreAndCompare(db, dataDir, withKey, inst, id2, "restored_second", tables2, files2);

            var verify = run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.OK);
            assertThat(verify.out()).contains("checked 2 snapshots").contains("no problems found");
            JsonNode stats = run(args(List.of("stats", "--json"), withWriter))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(stats.path("dedupRatio").asDouble()).isGreaterThan(1.8);
            // no secret reaches the output
            for (var r : List.of(init, verify)) {
                assertThat(r.out() + r.err()).doesNotContain(s3.secretKey());
            }
            String secretKeyField =
                    RepoCli.JSON.readTree(Files.readString(key)).path("key").asText();
            assertThat(init.out() + init.err()).doesNotContain(secretKeyField);
        }
    }

    private static void restoreAndCompare(
            TestDatabase db,
            Path dataDir,
            List<String> withKey,
            List<String> inst,
            String snapshot,
            String target,
            Map<String, String> tables,
            Map<String, String> files)
            throws Exception {
        run(args(List.of("restore", snapshot, "-d", target, "--no-copy", "--jobs", "2", "--strict"), inst, withKey))
                .expect(ExitCode.OK);
        try (Connection c = db.cluster().connect(target, db.owner())) {
            assertThat(RepoCli.tables(c)).isEqualTo(tables);
        }
        assertThat(RepoCli.files(dataDir.resolve("filestore").resolve(target))).isEqualTo(files);
    }
}
