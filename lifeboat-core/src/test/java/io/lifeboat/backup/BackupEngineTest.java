package io.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoozip.DumpFileSink;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.odoozip.FilestoreEntry;
import io.lifeboat.odoozip.OdooArchive;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import io.lifeboat.restore.Env;
import io.lifeboat.restore.RestoreEngine;
import io.lifeboat.restore.RestoreReport;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Backups of a synthetic Odoo instance on a real PostgreSQL, read back the way Odoo reads them. */
@ExtendWith(PostgresExtension.class)
class BackupEngineTest {

    @TempDir
    Path tmp;

    Env env;
    TestDatabase db;
    SyntheticInstance.Result created;
    Path filestore;

    @BeforeEach
    void setUp(PgCluster cluster, TestDatabase database) throws Exception {
        env = Env.of(cluster, tmp.resolve("data"));
        db = database;
        filestore = env.filestore(db.name());
        try (Connection c = db.connect()) {
            created = SyntheticInstance.create(c, filestore, SyntheticInstance.Spec.small());
        }
    }

    BackupReport backup(CaptureSink sink, BackupEngine.Options options) {
        return backup(sink, options, Progress.NONE);
    }

    BackupReport backup(CaptureSink sink, BackupEngine.Options options, Progress progress) {
        return new BackupEngine(
                        new BackupEngine.Instance(
                                env.odoo(),
                                db.name(),
                                filestore,
                                env.tools().pgDump().path()),
                        options,
                        progress)
                .run(
                        sink,
                        (c, name) -> new ObjectMapper()
                                .valueToTree(OdooDatabaseInfo.read(c).toManifest()));
    }

    Path zipBackup(BackupEngine.Options options) throws IOException {
        Path zip = tmp.resolve("out-" + System.nanoTime() + ".zip");
        backup(ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true), options);
        return zip;
    }

    /** Progress events as a terminal counts them: an advance counts for the phase its thread began or inherited. */
    static final class RecordingProgress implements Progress {
        /** One phase: its name, total and unit, and how much was done in it. */
        static final class Phase {
            final String name;
            final long total;
            final String unit;
            long done;

            Phase(String name, long total, String unit) {
                this.name = name;
                this.total = total;
                this.unit = unit;
            }
        }

        final List<Phase> phases = new java.util.ArrayList<>();
        private final InheritableThreadLocal<Phase> current = new InheritableThreadLocal<>();

        @Override
        public synchronized void phase(String name, long total, String unit) {
            Phase p = new Phase(name, total, unit);
            phases.add(p);
            current.set(p);
        }

        @Override
        public synchronized void advance(long amount) {
            Phase p = current.get();
            if (p == null) p = phases.isEmpty() ? null : phases.get(phases.size() - 1);
            if (p != null) p.done += amount;
        }

        synchronized Phase named(String name) {
            return phases.stream()
                    .filter(p -> p.name.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no phase " + name + " in "
                            + phases.stream().map(p -> p.name).toList()));
        }
    }

    @Test
    void aRepositoryBackupReportsTheFilestoreAndTheDumpAsAZipBackupDoes() throws Exception {
        long referenced = env.count(
                db.name(), "SELECT count(DISTINCT store_fname) FROM ir_attachment WHERE store_fname IS NOT NULL");
        List<RecordingProgress> runs = new java.util.ArrayList<>();
        // a zip, then a repository snapshot, as the command line wires them
        RecordingProgress zipProgress = new RecordingProgress();
        backup(
                ZipCaptureSink.toFile(tmp.resolve("p.zip"), ZipOptions.defaults(), true),
                BackupEngine.Options.defaults(),
                zipProgress);
        runs.add(zipProgress);
        RecordingProgress repoProgress = new RecordingProgress();
        try (var repo = io.lifeboat.repository.Repository.init(
                new io.lifeboat.storage.local.LocalBackend(tmp.resolve("repo")),
                io.lifeboat.repository.SecretKey.generate(),
                io.lifeboat.repository.Repository.Options.defaults())) {
            var writer = repo.newSnapshot(
                    io.lifeboat.repository.SnapshotMeta.of(
                            "prod", db.name(), io.lifeboat.repository.SnapshotKind.MANUAL),
                    repoProgress);
            backup(
                    writer,
                    new BackupEngine.Options(DumpFormat.CUSTOM, 0, FilestoreMode.REFERENCED, false),
                    repoProgress);
        }
        runs.add(repoProgress);
        for (RecordingProgress r : runs) {
            RecordingProgress.Phase files = r.named("filestore");
            assertThat(files.total).isEqualTo(referenced);
            assertThat(files.unit).isEqualTo("files");
            assertThat(files.done).isEqualTo(referenced);
            RecordingProgress.Phase dump = r.named("dump database");
            assertThat(dump.unit).isEqualTo("bytes");
            assertThat(dump.done).isPositive();
            for (var p : r.phases) {
                if (p.total >= 0) assertThat(p.done).as(p.name).isLessThanOrEqualTo(p.total);
            }
        }
    }

    @Test
    void zipHoldsExactlyTheReferencedFilesAndOdooCanRestoreIt() throws Exception {
        Path zip = zipBackup(BackupEngine.Options.defaults());
        Set<String> referenced = Set.copyOf(
                env.column(db.name(), "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL"));
        try (OdooArchive a = OdooArchive.open(zip)) {
            assertThat(a.filestoreEntries().stream()
                            .map(FilestoreEntry::relativeName)
                            .collect(Collectors.toSet()))
                    .isEqualTo(referenced);
            JsonNode m = a.manifest().orElseThrow();
            assertThat(m.path("db_name").asText()).isEqualTo(db.name());
            assertThat(m.path("major_version").asText()).isEqualTo("17.0");
            assertThat(m.path("modules").has("base")).isTrue();
        }
        // Odoo's restore: python zipfile extracts dump.sql and filestore/, psql -f without ON_ERROR_STOP
        Path out = tmp.resolve("odoo-extract");
        ProcessRunner.command("python3", "-c", """
                import sys, zipfile
                with zipfile.ZipFile(sys.argv[1]) as z:
                    assert z.testzip() is None
                    names = [n for n in z.namelist() if n.startswith('filestore/')]
                    z.extractall(sys.argv[2], ['dump.sql'] + names)
                """, zip.toString(), out.toString())
                .run();
        String target = "odoo_" + Long.toHexString(System.nanoTime());
        try (Connection c = env.cluster().connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + target + "\" OWNER odoo TEMPLATE template0");
        }
        var result = ProcessRunner.command(
                        env.tools().psql().path().toString(),
                        "-q",
                        "-f",
                        out.resolve("dump.sql").toString())
                .env(env.odoo().env(target))
                .run();
        assertThat(result.stderrTail()).doesNotContain("ERROR");
        assertThat(env.count(target, "SELECT count(*) FROM ir_attachment")).isEqualTo(created.attachments());
        for (String f : referenced) {
            assertThat(io.lifeboat.restore.RestoreEngineTestSupport.sha1(
                            out.resolve("filestore").resolve(f)))
                    .isEqualTo(f.substring(3));
        }
    }

    @Test
    void missingAndCorruptFilesAreReportedWithTheirAttachmentIds() throws Exception {
        List<String> names = env.column(
                db.name(),
                "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL GROUP BY store_fname"
                        + " HAVING count(*) = 1 ORDER BY store_fname LIMIT 2");
        Files.delete(filestore.resolve(names.get(0)));
        Files.writeString(filestore.resolve(names.get(1)), "not the original content");
        long missingId =
                env.count(db.name(), "SELECT id FROM ir_attachment WHERE store_fname = '" + names.get(0) + "'");
        long corruptId =
                env.count(db.name(), "SELECT id FROM ir_attachment WHERE store_fname = '" + names.get(1) + "'");

        Path zip = tmp.resolve("warn.zip");
        BackupReport r =
                backup(ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true), BackupEngine.Options.defaults());
        assertThat(r.missingFiles).isEqualTo(1);
        assertThat(r.corruptFiles).isEqualTo(1);
        assertThat(r.affectedFiles).containsExactly(names.get(0), names.get(1));
        assertThat(r.affectedAttachmentIds).containsExactlyInAnyOrder(missingId, corruptId);
        assertThat(r.hasWarnings()).isTrue();
        assertThat(zip).exists();

        Path strictZip = tmp.resolve("strict.zip");
        assertThatThrownBy(() -> backup(
                        ZipCaptureSink.toFile(strictZip, ZipOptions.defaults(), true),
                        new BackupEngine.Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, true)))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("1 missing, 1 corrupt");
        assertThat(strictZip).doesNotExist();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void captureIsOneSnapshotEvenWhenTheDatabaseChangesDuringTheBackup() throws Exception {
        String deleted = env.text(
                db.name(),
                "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL GROUP BY store_fname"
                        + " HAVING count(*) = 1 ORDER BY store_fname LIMIT 1");
        Path zip = tmp.resolve("snap.zip");
        ZipCaptureSink zipSink = ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true);
        // a sink that lets Odoo "work" after the snapshot was taken, before anything is read
        CaptureSink sink = new CaptureSink() {
            @Override
            public void dump(DumpFormat format, InputStream dump) throws IOException {
                try (Connection c = db.connect();
                        Statement st = c.createStatement()) {
                    Path f = filestore.resolve("ab").resolve("ab" + "0".repeat(38));
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, "new");
                    st.execute("INSERT INTO ir_attachment (name, type, store_fname, res_model, create_date)"
                            + " VALUES ('late.txt', 'binary', 'ab/ab" + "0".repeat(38) + "', 'res.partner', now())");
                    st.execute("DELETE FROM ir_attachment WHERE store_fname = '" + deleted + "'");
                } catch (SQLException e) {
                    throw new IOException(e);
                }
                zipSink.dump(format, dump);
            }

            @Override
            public void file(String relative, long size, InputStream content) throws IOException {
                zipSink.file(relative, size, content);
            }

            @Override
            public String container() {
                return zipSink.container();
            }

            @Override
            public String commit(JsonNode manifest, JsonNode report) throws IOException {
                return zipSink.commit(manifest, report);
            }

            @Override
            public void abort() {
                zipSink.abort();
            }
        };
        backup(sink, BackupEngine.Options.defaults());
        try (OdooArchive a = OdooArchive.open(zip)) {
            Set<String> names = a.filestoreEntries().stream()
                    .map(FilestoreEntry::relativeName)
                    .collect(Collectors.toSet());
            assertThat(names).contains(deleted).doesNotContain("ab/ab" + "0".repeat(38));
            String dump;
            try (InputStream in = a.openDump()) {
                dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(dump).contains(deleted).doesNotContain("late.txt");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoInTheFilestoreIsNeverOpened() throws Exception {
        String name = env.column(
                        db.name(),
                        "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL GROUP BY store_fname"
                                + " HAVING count(*) = 1 ORDER BY store_fname LIMIT 1")
                .get(0);
        Files.delete(filestore.resolve(name));
        Process mkfifo = new ProcessBuilder("mkfifo", filestore.resolve(name).toString())
                .inheritIO()
                .start();
        assertThat(mkfifo.waitFor()).isZero();

        for (FilestoreMode mode : List.of(FilestoreMode.REFERENCED, FilestoreMode.ALL)) {
            Path zip = tmp.resolve("fifo-" + mode + ".zip");
            BackupReport r = backup(
                    ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true),
                    new BackupEngine.Options(DumpFormat.PLAIN, -1, mode, false));
            assertThat(r.warnings)
                    .anyMatch(w -> w.contains("special file (FIFO, socket or device)") && w.contains(name));
            try (OdooArchive a = OdooArchive.open(zip)) {
                assertThat(a.filestoreEntries()).noneMatch(e -> e.relativeName().equals(name));
            }
        }
    }

    @Test
    void verbatimModeCopiesTheWholeDirectoryLikeOdoo() throws Exception {
        Path orphan = filestore.resolve("ff").resolve("ff" + "1".repeat(38));
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "orphan");
        Path zip = zipBackup(new BackupEngine.Options(DumpFormat.PLAIN, -1, FilestoreMode.ALL, false));
        try (OdooArchive a = OdooArchive.open(zip)) {
            var entries = a.filestoreEntries();
            assertThat(entries).anyMatch(e -> e.relativeName().equals("ff/ff" + "1".repeat(38)));
            assertThat(entries.stream().filter(FilestoreEntry::checklist).count())
                    .isEqualTo(created.checklistMarkers());
        }
    }

    @Test
    void customFormatDumpRestoresWithPgRestore() throws Exception {
        Path dump = tmp.resolve("db.dump");
        backup(DumpFileSink.toFile(dump), new BackupEngine.Options(DumpFormat.CUSTOM, -1, FilestoreMode.NONE, false));
        try (InputStream in = Files.newInputStream(dump)) {
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
        }
        String restored = "c_" + Long.toHexString(System.nanoTime());
        try (var src = DumpRestoreSource.open(dump)) {
            RestoreReport r = env.restore(
                    src,
                    new RestoreEngine.Options(
                            restored, RestoreEngine.Mode.DB_ONLY, null, false, 2, false, false, false));
            assertThat(r.verification.baseInstalled).isTrue();
        }
        assertThat(env.count(restored, "SELECT count(*) FROM ir_attachment")).isEqualTo(created.attachments());
    }

    @Test
    void zipToAStreamRestoresAsANeutralizedCopy() throws Exception {
        var bytes = new ByteArrayOutputStream();
        backup(ZipCaptureSink.toStream(bytes, ZipOptions.defaults()), BackupEngine.Options.defaults());
        Path zip = tmp.resolve("stream.zip");
        Files.write(zip, bytes.toByteArray());
        String copy = "n_" + Long.toHexString(System.nanoTime());
        try (var src = new ZipRestoreSource(zip)) {
            RestoreReport r = env.restore(
                    src, new RestoreEngine.Options(copy, RestoreEngine.Mode.FULL, null, true, 2, false, true, false));
            assertThat(r.neutralized).isTrue();
            assertThat(r.verification.missingFiles).isZero();
        }
        assertThat(env.count(copy, "SELECT count(*) FROM ir_cron WHERE active"))
                .isEqualTo(
                        env.count(
                                copy,
                                "SELECT count(*) FROM ir_cron c JOIN ir_model_data d ON d.res_id = c.id"
                                        + " AND d.model = 'ir.cron' AND d.module = 'base' AND d.name = 'autovacuum_job' WHERE c.active"));
        assertThat(env.count(db.name(), "SELECT count(*) FROM ir_cron WHERE active"))
                .isGreaterThan(1);
        assertThat(env.count(copy, "SELECT count(*) FROM ir_mail_server WHERE active AND smtp_host <> 'invalid'"))
                .isZero();
        assertThat(env.text(copy, "SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'"))
                .isEqualTo("true");
    }

    @Test
    void aFullDiskFailsCleanlyAndLeavesNoPartialFile() throws Exception {
        Path small = tmp.resolve("small");
        Files.createDirectories(small);
        ProcessRunner.command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .run();
        try {
            Path zip = small.resolve("full.zip");
            assertThatThrownBy(() -> backup(
                            ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true), BackupEngine.Options.defaults()))
                    .hasStackTraceContaining("No space left on device");
            try (Stream<Path> s = Files.list(small)) {
                assertThat(s.toList()).isEmpty();
            }
        } finally {
            ProcessRunner.command("umount", small.toString()).run();
        }
    }
}
