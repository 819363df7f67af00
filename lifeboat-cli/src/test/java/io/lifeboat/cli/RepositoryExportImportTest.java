package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.odoozip.FilestoreEntry;
import io.lifeboat.odoozip.OdooArchive;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshots exported as Odoo zips restore; real Odoo backups imported export back unchanged. */
@ExtendWith(PostgresExtension.class)
class RepositoryExportImportTest {
    @TempDir
    Path tmp;

    Path repo;
    List<String> withKey;
    List<String> withWriter;

    @BeforeEach
    void init() {
        repo = tmp.resolve("repo");
        Path key = tmp.resolve("x.key");
        Path writer = tmp.resolve("x.writer-key");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
        withKey = List.of("--repo", repo.toString(), "--key", key.toString());
        withWriter = List.of("--repo", repo.toString(), "--writer-key", writer.toString());
    }

    @Test
    void aRepositoryBackupWithAWrongDataDirIsOneErrorAndNoSnapshot(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, tmp.resolve("data").resolve("filestore").resolve(db.name()), SyntheticInstance.Spec.small());
        }
        Path wrong = tmp.resolve("wrong");
        var r = run(args(List.of("backup", "-d", db.name()), RepoCli.instance(db, wrong), withWriter))
                .expect(ExitCode.FAILED);
        assertThat(r.err())
                .startsWith("lifeboat: filestore directory "
                        + wrong.resolve("filestore").resolve(db.name()) + " does not exist")
                .contains("from --data-dir")
                .doesNotContain("missing");
        assertThat(run(args(List.of("snapshots", "--json"), withWriter))
                        .expect(ExitCode.OK)
                        .json())
                .isEmpty();
    }

    @Test
    void anExportedSnapshotRestoresWithTheArchiveRestore(TestDatabase db) throws Exception {
        Path dataDir = tmp.resolve("data");
        Path filestore = dataDir.resolve("filestore").resolve(db.name());
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, filestore, SyntheticInstance.Spec.small().withAttachments(120));
        }
        List<String> inst = RepoCli.instance(db, dataDir);
        String id = run(args(List.of("backup", "-d", db.name(), "--json"), inst, withWriter))
                .expect(ExitCode.OK)
                .json()
                .path("snapshot")
                .asText();

        Path zip = tmp.resolve("export.zip");
        JsonNode exported = run(args(List.of("export", id.substring(0, 8), "-o", zip.toString(), "--json"), withKey))
                .expect(ExitCode.OK)
                .json();
        assertThat(exported.path("sourceFormat").asText()).isEqualTo("CUSTOM");
        ProcessRunner.command("python3", "-m", "zipfile", "-t", zip.toString()).run();
        // streamed to standard output: the same archive content
        var streamed = run(args(List.of("export", "latest", "-o", "-", "--no-progress"), withKey))
                .expect(ExitCode.OK);
        Path fromStdout = tmp.resolve("stdout.zip");
        Files.write(fromStdout, streamed.outBytes());
        // pg_restore writes a random \restrict key into each conversion; everything else is equal
        assertThat(entries(fromStdout, true)).isEqualTo(entries(zip, true));
        try (OdooArchive a = OdooArchive.open(zip)) {
            assertThat(a.manifest().orElseThrow().path("db_name").asText()).isEqualTo(db.name());
            try (InputStream in = a.openDump()) {
                assertThat(new String(in.readNBytes(64), StandardCharsets.UTF_8))
                        .startsWith("--\n-- PostgreSQL database dump");
            }
        }

        // Odoo's own restore: extract dump.sql and filestore/ with Python's zipfile, psql -q -f (no ON_ERROR_STOP)
        Path extracted = tmp.resolve("odoo-restore");
        ProcessRunner.command("python3", "-c", """
                        import sys, zipfile
                        with zipfile.ZipFile(sys.argv[1]) as z:
                            assert z.testzip() is None
                            names = [n for n in z.namelist() if n.startswith('filestore/')]
                            z.extractall(sys.argv[2], ['dump.sql'] + names)
                        """, zip.toString(), extracted.toString())
                .run();
        db.cluster().createDatabase("odoo_style", db.owner());
        Path psql = io.lifeboat.postgres.PgTools.find(
                        db.cluster().majorVersion(),
                        db.cluster().binDir(),
                        System.getenv("PATH"),
                        io.lifeboat.postgres.PgTools.DEBIAN_ROOT)
                .psql()
                .path();
        var loaded = ProcessRunner.command(
                        psql.toString(),
                        "-q",
                        "-f",
                        extracted.resolve("dump.sql").toString())
                .env(db.cluster().env("odoo_style", db.owner()))
                .run();
        assertThat(loaded.stderrTail()).doesNotContain("ERROR");
        try (Connection c = db.connect();
                Connection r = db.cluster().connect("odoo_style", db.owner())) {
            assertThat(RepoCli.tables(r)).isEqualTo(RepoCli.tables(c));
            assertThat(RepoCli.files(extracted.resolve("filestore"))).isEqualTo(RepoCli.referencedFiles(c, filestore));
        }

        // the archive restore (as for any Odoo zip) gives back the instance exactly
        run(args(List.of("restore", zip.toString(), "-d", "from_export", "--no-copy", "--strict"), inst))
                .expect(ExitCode.OK);
        try (Connection c = db.connect();
                Connection r = db.cluster().connect("from_export", db.owner())) {
            assertThat(RepoCli.tables(r)).isEqualTo(RepoCli.tables(c));
            assertThat(RepoCli.files(dataDir.resolve("filestore").resolve("from_export")))
                    .isEqualTo(RepoCli.referencedFiles(c, filestore));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "odoo17_base_mail_attachments.zip",
                "odoo16_base_only.zip",
                "odoo17_divergent_missing3.zip",
                "odoo17_base_mail_attachments.dump"
            })
    void aRealOdooBackupImportsAndExportsAgain(String fixture) throws Exception {
        Path original = RepoCli.fixtures().resolve(fixture);
        JsonNode imported = run(args(List.of("import", original.toString(), "--json", "--no-progress"), withWriter))
                .expect(ExitCode.OK)
                .json()
                .get(0);
        String id = imported.path("snapshotId").asText();
        Path zip = tmp.resolve("again.zip");
        run(args(List.of("export", id, "-o", zip.toString()), withKey)).expect(ExitCode.OK);
        if (fixture.endsWith(".zip")) {
            // byte for byte: dump.sql and manifest.json; the filestore without checklist markers
            assertThat(entries(zip, false)).isEqualTo(entries(original, false));
        } else {
            // pg_restore's SQL of the same dump, apart from the random \restrict key
            assertThat(imported.path("dumpFormat").asText()).isEqualTo("CUSTOM");
            String expected = pgRestoreSql(original);
            String got;
            try (OdooArchive a = OdooArchive.open(zip);
                    InputStream in = a.openDump()) {
                got = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(a.filestoreEntries()).isEmpty();
                assertThat(a.manifest().orElseThrow().path("db_name").asText())
                        .isEqualTo("odoo17_base_mail_attachments");
            }
            assertThat(withoutRestrictKeys(got)).isEqualTo(withoutRestrictKeys(expected));
        }
        // the same backup again adds nothing but its record's tree
        JsonNode again = run(args(List.of("import", original.toString(), "--json"), withWriter))
                .expect(ExitCode.OK)
                .json()
                .get(0);
        assertThat(again.at("/stats/blobsNew").asLong()).isLessThanOrEqualTo(1);
    }

    @Test
    void aCopyOfADatabaseImportsItsFilestoreDeduplicated() {
        Path fixtures = RepoCli.fixtures();
        JsonNode both = run(args(
                        List.of(
                                "import",
                                fixtures.resolve("odoo17_base_mail_attachments.zip")
                                        .toString(),
                                fixtures.resolve("odoo17_divergent_missing3.zip")
                                        .toString(),
                                "--json"),
                        withWriter))
                .expect(ExitCode.OK)
                .json();
        // the filestore is entirely stored already; only dump chunks that differ are new (how many
        // depends on the repository's chunk boundaries, which are keyed by its secret)
        JsonNode second = both.get(1);
        assertThat(second.path("fileBytes").asLong()).isGreaterThan(6_000_000);
        assertThat(second.at("/stats/bytesNew").asLong())
                .isLessThan(second.path("dumpBytes").asLong() + 256 * 1024);
        JsonNode list = run(args(List.of("snapshots", "--json", "-d", "fx17_div"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("kind").asText()).isEqualTo("import");
    }

    /** Name → digest of the content for dump.sql, manifest.json and filestore files (no checklist). */
    private static Map<String, String> entries(Path zip, boolean anyRestrictKey) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (OdooArchive a = OdooArchive.open(zip)) {
            try (InputStream in = a.openDump()) {
                out.put(
                        "dump.sql",
                        anyRestrictKey
                                ? RepoCli.digest(
                                        "SHA-256",
                                        new java.io.ByteArrayInputStream(withoutRestrictKeys(
                                                        new String(in.readAllBytes(), StandardCharsets.UTF_8))
                                                .getBytes(StandardCharsets.UTF_8)))
                                : RepoCli.digest("SHA-256", in));
            }
            out.put("manifest.json", a.manifest().map(JsonNode::toString).orElse(""));
            for (FilestoreEntry e : a.filestoreEntries()) {
                if (e.checklist()) continue;
                try (InputStream in = a.open(e)) {
                    out.put(e.entryName(), RepoCli.digest("SHA-256", in));
                }
            }
        }
        return out;
    }

    private static String pgRestoreSql(Path dump) throws IOException {
        Path pgRestore = io.lifeboat.postgres.PgTools.find(
                        0, null, System.getenv("PATH"), io.lifeboat.postgres.PgTools.DEBIAN_ROOT)
                .pgRestore()
                .path();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.command(pgRestore.toString(), "--no-owner", "-f", "-", dump.toString())
                .stdout(out)
                .run();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withoutRestrictKeys(String sql) {
        return sql.replaceAll("(?m)^\\\\(un)?restrict \\S+$", "\\\\$1restrict KEY");
    }
}
