package io.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PlainDumpFilter;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Restores of real Odoo backups into a real PostgreSQL, and every way a restore must refuse or fail cleanly. */
@ExtendWith(PostgresExtension.class)
class RestoreEngineTest {

    @TempDir
    Path dataDir;

    Env env;
    String prefix;

    @BeforeEach
    void setUp(PgCluster cluster) {
        env = Env.of(cluster, dataDir);
        prefix = "r" + Long.toHexString(System.nanoTime()).substring(6);
    }

    @Test
    void restoresRealOdoo17ZipAsCopyAndVerifiesEveryFile() throws Exception {
        String db = prefix + "_fx17";
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            r = env.restore(src, Env.options(db));
        }
        assertThat(r.copy).as("target name differs from the manifest's fx17").isTrue();
        assertThat(r.verification.baseInstalled).isTrue();
        assertThat(r.verification.users).isPositive();
        assertThat(r.verification.referencedFiles).isEqualTo(59);
        assertThat(r.verification.presentFiles).isEqualTo(59);
        assertThat(r.warnings).isEmpty();
        assertThat(env.count(db, "SELECT count(*) FROM ir_attachment")).isEqualTo(70);
        assertThat(env.text(db, "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"))
                .isEqualTo(r.newDatabaseUuid);
        // every referenced file has the SHA-1 its name promises
        for (String f :
                env.column(db, "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            assertThat(RestoreEngineTestSupport.sha1(env.filestore(db).resolve(f)))
                    .isEqualTo(f.substring(3));
        }
        // no temporary database or directory is left
        assertThat(env.databases()).noneMatch(d -> d.contains("_lbnew_"));
        try (Stream<Path> s = Files.list(dataDir.resolve("filestore"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(db);
        }
    }

    @Test
    void copyGetsANewIdentityAndMoveKeepsIt() throws Exception {
        String moved = prefix + "_moved";
        String copied = prefix + "_copied";
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            env.restore(
                    src,
                    new RestoreEngine.Options(moved, RestoreEngine.Mode.FULL, false, false, 1, false, false, false));
        }
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            env.restore(src, Env.options(copied));
        }
        String q = "SELECT value FROM ir_config_parameter WHERE key = '%s'";
        for (String key : List.of("database.uuid", "database.secret", "database.create_date")) {
            assertThat(env.text(copied, q.formatted(key))).as(key).isNotEqualTo(env.text(moved, q.formatted(key)));
        }
    }

    @Test
    void restoresOdoo16AndCustomFormatDumpWithParallelJobs() throws Exception {
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            RestoreReport r = env.restore(src, Env.options(prefix + "_fx16"));
            assertThat(r.verification.presentFiles).isEqualTo(11);
            assertThat(r.verification.referencedFiles).isEqualTo(11);
        }
        try (var src = DumpRestoreSource.open(OdooFixtures.path(OdooFixtures.ODOO17_DUMP))) {
            RestoreReport r = env.restore(
                    src,
                    new RestoreEngine.Options(
                            prefix + "_dump", RestoreEngine.Mode.DB_ONLY, null, false, 2, false, false, false));
            assertThat(r.dumpFormat).isEqualTo("custom");
            assertThat(r.verification.baseInstalled).isTrue();
            assertThat(env.count(prefix + "_dump", "SELECT count(*) FROM ir_attachment"))
                    .isEqualTo(70);
        }
    }

    @Test
    void restoresDirectoryFormatDump() throws Exception {
        String db = prefix + "_src";
        try (var src = DumpRestoreSource.open(OdooFixtures.path(OdooFixtures.ODOO17_DUMP))) {
            env.restore(
                    src,
                    new RestoreEngine.Options(db, RestoreEngine.Mode.DB_ONLY, false, false, 1, false, false, false));
        }
        Path dir = dataDir.resolve("dirdump");
        io.lifeboat.postgres.ProcessRunner.command(
                        env.tools().pgDump().path().toString(), "-Fd", "-j2", "-f", dir.toString(), db)
                .env(env.odoo().env(db))
                .run();
        try (var src = DumpRestoreSource.open(dir)) {
            RestoreReport r = env.restore(
                    src,
                    new RestoreEngine.Options(
                            prefix + "_dir", RestoreEngine.Mode.DB_ONLY, null, false, 2, false, false, false));
            assertThat(r.dumpFormat).isEqualTo("directory");
        }
        assertThat(env.count(prefix + "_dir", "SELECT count(*) FROM ir_attachment"))
                .isEqualTo(70);
    }

    @Test
    void divergentBackupRestoresWithWarningsNamingTheAttachments() throws Exception {
        String db = prefix + "_div";
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_DIVERGENT_ZIP))) {
            r = env.restore(src, Env.options(db));
        }
        assertThat(r.verification.missingFiles).isEqualTo(3);
        assertThat(r.verification.missing)
                .containsExactlyInAnyOrder(
                        "79/79bafe8bc926a262b4dfce02c6e93ef1a22ac141",
                        "42/425072a25f6bee201f83f16edd4ce3203a8b91ee",
                        "f5/f5f702a98c927998e609028ab0b7b555c40fd7a5");
        assertThat(r.verification.missingAttachmentIds).containsExactly(19L, 32L, 57L, 58L, 61L);
        assertThat(r.warnings).hasSize(1);
    }

    @Test
    void strictRefusesDivergentBackupAndLeavesNothing() throws Exception {
        String db = prefix + "_strict";
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_DIVERGENT_ZIP))) {
            assertThatThrownBy(() -> env.restore(
                            src,
                            new RestoreEngine.Options(db, RestoreEngine.Mode.FULL, null, false, 2, false, true, false)))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("3 referenced files missing");
        }
        assertThat(env.databases()).noneMatch(d -> d.startsWith(db));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void replaceRestoresAsideKeepsRollbackPointAndRollbackSwapsBack() throws Exception {
        String db = prefix + "_prod";
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            env.restore(src, Env.options(db));
        }
        Files.writeString(env.filestore(db).resolve("marker.txt"), "production");
        // without --replace: refused, nothing touched
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            assertThatThrownBy(() -> env.restore(src, Env.options(db)))
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(
                            e -> assertThat(((LifeboatException) e).kind()).isEqualTo(LifeboatException.Kind.CONFLICT));
        }
        assertThat(env.count(db, "SELECT count(*) FROM ir_attachment")).isEqualTo(70);
        // with --replace
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            r = env.restore(
                    src, new RestoreEngine.Options(db, RestoreEngine.Mode.FULL, null, false, 2, true, false, false));
        }
        assertThat(env.count(db, "SELECT count(*) FROM ir_attachment")).isEqualTo(14);
        assertThat(env.filestore(db).resolve("marker.txt")).doesNotExist();
        assertThat(r.rollbackDatabase).startsWith(db + "_lbold_");
        assertThat(env.count(r.rollbackDatabase, "SELECT count(*) FROM ir_attachment"))
                .isEqualTo(70);
        assertThat(Path.of(r.rollbackFilestore).resolve("marker.txt")).hasContent("production");

        Rollbacks rollbacks = Rollbacks.of(dataDir);
        rollbacks.rollback(env.odoo(), db);
        assertThat(env.count(db, "SELECT count(*) FROM ir_attachment")).isEqualTo(70);
        assertThat(env.filestore(db).resolve("marker.txt")).hasContent("production");
        // the replaced copy is now the rollback point; discarding removes it for good
        Rollbacks.Point undo = rollbacks.list(db).get(0);
        assertThat(env.count(undo.database(), "SELECT count(*) FROM ir_attachment"))
                .isEqualTo(14);
        rollbacks.discard(env.odoo(), db);
        assertThat(env.databases()).doesNotContain(undo.database());
        assertThat(Path.of(undo.filestore())).doesNotExist();
        assertThat(rollbacks.list(db)).isEmpty();
    }

    @Test
    void firstSqlErrorStopsTheRestoreAndNothingIsLeft() throws Exception {
        Path zip = zipWithDump(HostileDumps.pgDump(
                HostileDumps.entry("a", "TABLE", "CREATE TABLE public.a (id int);\nINSERT INTO public.a VALUES (1);"),
                HostileDumps.entry("x", "TABLE", "SELECT * FROM no_such_table;"),
                HostileDumps.entry("b", "TABLE", "CREATE TABLE public.b (id int);")));
        for (int jobs : List.of(1, 2)) {
            String db = prefix + "_sqlerr" + jobs;
            try (var src = new ZipRestoreSource(zip)) {
                assertThatThrownBy(() -> env.restore(src, Env.options(db).withJobs(jobs)))
                        .isInstanceOf(LifeboatException.class)
                        .hasMessageContaining("no_such_table");
            }
            assertThat(env.databases()).noneMatch(d -> d.startsWith(db));
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void psqlMetaCommandsNeverRunWhateverTheirForm() throws Exception {
        Path witness = dataDir.resolve("witness");
        String touch = "touch " + witness;
        List<String> attacks = List.of(
                "\\! " + touch,
                "   \\! " + touch,
                "\t\\! " + touch,
                "SELECT 1; \\! " + touch,
                "CREATE TABLE public.a (id int); \\! " + touch,
                "SELECT '" + touch + "' \\gexec",
                "\\set x `" + touch + "`",
                "\\o |" + touch,
                "\\restrict abc \\! " + touch,
                "\\unrestrict abc\n\\! " + touch,
                "\\copy (select 1) to program '" + touch + "'");
        for (String attack : attacks) {
            // inside an entry, and before the first entry; loaded with one and with two connections
            for (String dump : List.of(
                    HostileDumps.pgDump(HostileDumps.entry("a", "TABLE", attack)),
                    HostileDumps.PG_DUMP_HEADER + attack + "\n")) {
                for (int jobs : List.of(1, 2)) {
                    String db = prefix + "_meta" + jobs;
                    try (var src = new ZipRestoreSource(zipWithDump(dump))) {
                        assertThatThrownBy(
                                        () -> env.restore(src, Env.options(db).withJobs(jobs)))
                                .as(attack)
                                .isInstanceOf(LifeboatException.class);
                    }
                    assertThat(witness).as(attack).doesNotExist();
                    assertThat(env.databases()).noneMatch(d -> d.startsWith(db));
                }
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void sqlScriptsNotWrittenByPgDumpAreRefused() throws Exception {
        Path witness = dataDir.resolve("witness");
        Path zip = zipWithDump("CREATE TABLE a (id int);\n\\! touch " + witness + "\n");
        for (int jobs : List.of(1, 2)) {
            try (var src = new ZipRestoreSource(zip)) {
                assertThatThrownBy(() ->
                                env.restore(src, Env.options(prefix + "_script").withJobs(jobs)))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
                            assertThat(e.getMessage()).contains("not written by pg_dump");
                        });
            }
        }
        assertThat(witness).doesNotExist();
        assertThat(env.databases()).noneMatch(d -> d.startsWith(prefix + "_script"));
    }

    @Test
    void partialRestoresSayWhatTheyDidNotDo() throws Exception {
        String db = prefix + "_part";
        var dbOnly = new RestoreEngine.Options(db, RestoreEngine.Mode.DB_ONLY, null, false, 2, false, false, false);
        var filesOnly =
                new RestoreEngine.Options(db, RestoreEngine.Mode.FILESTORE_ONLY, null, false, 2, false, false, false);
        // a filestore without its database would be an orphan
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            assertThatThrownBy(() -> env.restore(src, filesOnly)).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE);
                assertThat(e.getMessage()).contains("does not exist");
            });
        }
        assertThat(env.filestore(db)).doesNotExist();
        // database only, no filestore yet: nothing missing is claimed, the check is said to be skipped
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            r = env.restore(src, dbOnly);
        }
        assertThat(r.warnings).isEmpty();
        assertThat(r.verification.filesChecked).isFalse();
        assertThat(r.verification.missingFiles).isZero();
        assertThat(r.notes).singleElement().asString().contains("not checked");
        // then the filestore, over the existing database: verified against it
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            r = env.restore(src, filesOnly);
        }
        assertThat(r.verification.filesChecked).isTrue();
        assertThat(r.verification.presentFiles).isEqualTo(59);
        assertThat(r.warnings).isEmpty();
        // replacing only the filestore names no rollback database
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO17_ZIP))) {
            r = env.restore(
                    src,
                    new RestoreEngine.Options(
                            db, RestoreEngine.Mode.FILESTORE_ONLY, null, false, 2, true, false, false));
        }
        assertThat(r.rollbackDatabase).isNull();
        assertThat(r.rollbackFilestore).isNotNull();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void invalidTargetNamesAreRefusedBeforeAnythingHappens() throws Exception {
        for (String bad : List.of("a", "-x", "x y", "x;drop", "../etc", "é", "x".repeat(64))) {
            try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
                assertThatThrownBy(() -> env.restore(src, Env.options(bad)))
                        .as(bad)
                        .isInstanceOf(LifeboatException.class)
                        .hasMessageContaining("invalid database name");
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void superuserRoleIsRefusedUnlessAllowed(PgCluster cluster) throws Exception {
        Env su = new Env(
                cluster,
                dataDir,
                new io.lifeboat.postgres.PgConnection(cluster.host(), cluster.port(), cluster.superuser(), null, null),
                env.tools());
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            assertThatThrownBy(() -> su.restore(src, Env.options(prefix + "_su")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("superuser");
        }
    }

    @Test
    void ownerStatementsAreDroppedAndRestrictLinesHandled() throws Exception {
        String dump = "\\restrict abc\nCREATE TABLE t (id int);\nALTER TABLE public.t OWNER TO someone_else;\n"
                + "COPY public.t (id) FROM stdin;\n1\n\\.\n\\unrestrict abc\n";
        var filter = new PlainDumpFilter(new java.io.ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
        String out = new String(filter.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("OWNER TO").contains("COPY public.t (id) FROM stdin;\n1\n\\.\n");
        assertThat(out).doesNotContain("restrict");
    }

    @Test
    void dumpsFromANewerPostgresqlAreRefusedBeforeAnythingIsCreated() throws Exception {
        Path plain = zipWithDump(
                "--\n-- Dumped from database version 99.1\n-- Dumped by pg_dump version 99.1\n\nCREATE TABLE a (id int);\n");
        try (var src = new ZipRestoreSource(plain)) {
            assertThatThrownBy(() -> env.restore(src, Env.options(prefix + "_new1")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("pg_dump 99");
        }
        // a custom-format header with an archive version no pg_restore of this machine knows
        Path custom = dataDir.resolve("future.dump");
        byte[] real = Files.readAllBytes(OdooFixtures.path(OdooFixtures.ODOO17_DUMP));
        real[5] = 1;
        real[6] = 99;
        Files.write(custom, real);
        try (var src = DumpRestoreSource.open(custom)) {
            assertThatThrownBy(() -> env.restore(src, Env.options(prefix + "_new2")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("newer pg_dump");
        }
        assertThat(env.databases()).noneMatch(d -> d.startsWith(prefix));
    }

    @Test
    void truncatedCustomDumpIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path cut = dataDir.resolve("cut.dump");
        byte[] real = Files.readAllBytes(OdooFixtures.path(OdooFixtures.ODOO17_DUMP));
        Files.write(cut, java.util.Arrays.copyOf(real, 2000));
        try (var src = DumpRestoreSource.open(cut)) {
            assertThatThrownBy(() -> env.restore(src, Env.options(prefix + "_cut")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("pg_restore cannot read the dump");
        }
        assertThat(env.databases()).noneMatch(d -> d.startsWith(prefix));
    }

    @Test
    void neutralizationCanBeDelegatedToOdooBin() throws Exception {
        // a stand-in for odoo-bin: records its arguments and marks the database the way Odoo's neutralize does
        Path args = dataDir.resolve("odoo-bin.args");
        Path odooBin = dataDir.resolve("odoo-bin");
        Files.writeString(
                odooBin,
                "#!/bin/sh\necho \"$@\" > " + args + "\nshift 2\n"
                        + env.tools().psql().path()
                        + " -X -q -v ON_ERROR_STOP=1 -d \"$1\" -c \"INSERT INTO ir_config_parameter"
                        + " (key, value) VALUES ('database.is_neutralized', 'true')"
                        + " ON CONFLICT (key) DO UPDATE SET value = 'true'\"\n");
        odooBin.toFile().setExecutable(true);
        String db = prefix + "_odoobin";
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            r = new RestoreEngine(
                            env.target(),
                            new RestoreEngine.Options(db, RestoreEngine.Mode.FULL, null, true, 2, false, false, false),
                            io.lifeboat.progress.Progress.NONE)
                    .neutralizeWith(odooBin, null)
                    .run(src);
        }
        assertThat(r.neutralization).singleElement().asString().startsWith("odoo-bin neutralize");
        assertThat(Files.readString(args))
                .startsWith("neutralize -d " + db + "_lbnew_")
                .contains("--db_user " + RestoreRole.PREFIX);
        assertThat(env.text(db, "SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'"))
                .isEqualTo("true");
    }

    @Test
    void parallelLoadAlsoStopsAtTheFirstErrorAndLeavesNothing() throws Exception {
        String header = "--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n";
        Path zip = zipWithDump(header
                + "--\n-- Name: a; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE public.a (id integer);\n\n"
                + "--\n-- Data for Name: a; Type: TABLE DATA; Schema: public; Owner: -\n--\n\n"
                + "COPY public.a (id) FROM stdin;\n1\nnot-a-number\n\\.\n\n");
        String db = prefix + "_perr";
        try (var src = new ZipRestoreSource(zip)) {
            assertThat(DatabaseLoad.writtenByPgDump(src)).isTrue();
            assertThatThrownBy(() -> env.restore(src, Env.options(db)))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("not-a-number");
        }
        assertThat(env.databases()).noneMatch(d -> d.startsWith(db));
        assertThat(leftovers()).isEmpty();
    }

    private List<Path> leftovers() throws IOException {
        Path fs = dataDir.resolve("filestore");
        if (!Files.exists(fs)) return List.of();
        try (Stream<Path> s = Files.list(fs)) {
            return s.filter(p -> p.getFileName().toString().contains("_lbnew_")).toList();
        }
    }

    private Path zipWithDump(String sql) throws IOException {
        return HostileDumps.zip(dataDir, sql);
    }
}
