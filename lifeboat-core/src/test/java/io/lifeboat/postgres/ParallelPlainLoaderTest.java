package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lifeboat.LifeboatException;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.progress.Progress;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class ParallelPlainLoaderTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path tmp;

    @Test
    void loadsTheOdoo17FixtureLikePsql(PgCluster cluster, TestDatabase db) throws Exception {
        compareWithPsql(cluster, db, zipDump(OdooFixtures.ODOO17_ZIP));
    }

    @Test
    void loadsTheOdoo16FixtureLikePsql(PgCluster cluster, TestDatabase db) throws Exception {
        compareWithPsql(cluster, db, zipDump(OdooFixtures.ODOO16_ZIP));
    }

    @Test
    void loadsASyntheticInstanceLikePsql(PgCluster cluster, TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c, tmp.resolve("filestore"), SyntheticInstance.Spec.small().withBulkRows(10_000));
        }
        Path dump = tmp.resolve("synthetic.sql");
        ProcessRunner.command(tools(cluster).pgDump().path().toString(), "--no-owner", "-f", dump.toString())
                .env(db.env())
                .run();
        String source = data(db.cluster(), db.name());
        String loaded = compareWithPsql(cluster, db, dump);
        assertThat(loaded).isEqualTo(source);
    }

    @Test
    void runsFunctionsWithDollarQuotedBodiesAndCommentsOnConstraints(PgCluster cluster, TestDatabase db)
            throws Exception {
        Path dump = tmp.resolve("small.sql");
        Files.writeString(
                dump, smallDump("1\tone\n2\ttwo\n", "CREATE INDEX b_name_idx ON public.b USING btree (name);"));
        compareWithPsql(cluster, db, dump);
        try (InputStream in = new PlainDumpFilter(Files.newInputStream(dump))) {
            loader(cluster, db, 2).load(in);
        }
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT public.twice(21), obj_description("
                        + "(SELECT oid FROM pg_constraint WHERE conname = 'a_pkey'), 'pg_constraint')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getString(2)).isEqualTo("the key; with a semicolon");
        }
    }

    @Test
    void badCopyRowFailsNamingTheTableWithoutReadingTheRest(PgCluster cluster, TestDatabase db) {
        String head = smallDump("x\tnot a number\n", "").split("COPY public.a")[0]
                + "COPY public.a (id, name) FROM stdin;\nx\tnot a number\n";
        AtomicLong served = new AtomicLong();
        long rows = 50_000_000L;
        InputStream endless = new InputStream() {
            private long row;
            private byte[] line = new byte[0];
            private int pos;

            @Override
            public int read() {
                if (pos == line.length) {
                    if (row == rows) return -1;
                    line = (++row + "\trow\n").getBytes(StandardCharsets.US_ASCII);
                    pos = 0;
                }
                served.incrementAndGet();
                return line[pos++];
            }
        };
        InputStream dump = new SequenceInputStream(
                new SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), endless),
                new ByteArrayInputStream("\\.\n".getBytes(StandardCharsets.US_ASCII)));
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThatThrownBy(() -> loader(cluster, db, 2).load(dump))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
                            assertThat(e.getMessage())
                                    .contains("table data public.a")
                                    .contains("invalid input syntax for type integer");
                        }));
        assertThat(served.get()).isLessThan(100L << 20);
    }

    @Test
    void countsTheRowsOfEachTableWhileLoading(PgCluster cluster, TestDatabase db) throws Exception {
        // a newline inside a value is written as \n: still one row
        String dump = smallDump("1\tone\n2\ttwo\\nlines\n3\t\\N\n", "");
        ParallelPlainLoader loader = loader(cluster, db, 2);
        loader.load(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
        assertThat(loader.rows()).containsExactly(Map.entry("public.a", 3L), Map.entry("public.b", 1L));
    }

    @Test
    void aDumpCutInsideARowFails(PgCluster cluster, TestDatabase db) {
        String dump =
                smallDump("1\tone\n", "").split("COPY public.a")[0] + "COPY public.a (id, name) FROM stdin;\n1\ton";
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThatThrownBy(() -> loader(cluster, db, 2)
                                .load(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8))))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
                            assertThat(e.getMessage()).contains("ends inside the data of table data public.a");
                        }));
    }

    @Test
    void failingPostDataStatementCancelsTheOthersAndFails(PgCluster cluster, TestDatabase db) throws Exception {
        // a CHECK that sleeps 60 s per row runs on one worker while an index on a missing column fails
        String dump = smallDump(
                "1\tone\n",
                "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_slow CHECK (public.slow(id));",
                "CREATE INDEX a_missing_idx ON public.a USING btree (missing);");
        long start = System.nanoTime();
        assertTimeoutPreemptively(
                Duration.ofSeconds(40),
                () -> assertThatThrownBy(() -> loader(cluster, db, 2)
                                .load(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8))))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
                            assertThat(e.getMessage())
                                    .contains("index public.a_missing_idx")
                                    .contains("missing");
                        }));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Connection c = cluster.connect("postgres");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() + "'")) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        });
    }

    @Test
    void refusesMetaCommandsAndLoadsInsertDumps(PgCluster cluster, TestDatabase db) throws Exception {
        String shell = "SET client_encoding = 'UTF8';\n\\! touch /tmp/x\n";
        assertThatThrownBy(() ->
                        loader(cluster, db, 2).load(new ByteArrayInputStream(shell.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.getMessage()).contains("meta-command \\!"));
        String inserts = smallDump("", "")
                .replaceAll("COPY public.a [^\\n]*\\n\\\\.\\n", "INSERT INTO public.a VALUES (1, 'x');\n");
        // pg_dump --inserts output loads (in dump order)
        loader(cluster, db, 2).load(new ByteArrayInputStream(inserts.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = cluster.connect(db.name());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM public.a WHERE name = 'x'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        String latin = "SET client_encoding = 'LATIN1';\n";
        assertThatThrownBy(() ->
                        loader(cluster, db, 2).load(new ByteArrayInputStream(latin.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.getMessage()).contains("client encoding"));
    }

    @Test
    void parsesTableNames() {
        assertThat(SqlNames.tableOfAlter("\nALTER TABLE ONLY public.\"we.ird\"\"x\"\n    ADD CONSTRAINT"))
                .isEqualTo("public.\"we.ird\"\"x\"");
        assertThat(SqlNames.tableOfIndex("CREATE UNIQUE INDEX \"a b\" ON ONLY public.t USING btree (x);"))
                .isEqualTo("public.t");
        assertThat(SqlNames.referencedTable(
                        "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT f FOREIGN KEY (\"x) REFERENCES y\")"
                                + " REFERENCES public.res_users(id) ON DELETE SET NULL;"))
                .isEqualTo("public.res_users");
        assertThat(SqlNames.tableOfIndex("CREATE INDEX i ON")).isNull();
    }

    // ------------------------------------------------------------------ helpers

    /** A small dump in pg_dump's layout: tables a and b, a function, data, a key with a comment, extra post-data. */
    private static String smallDump(String rowsOfA, String... postData) {
        StringBuilder s = new StringBuilder();
        s.append("--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\n");
        s.append("SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n");
        s.append("SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n\n");
        s.append(entry(
                "twice(integer)",
                "FUNCTION",
                "CREATE FUNCTION public.twice(x integer) RETURNS integer\n"
                        + "    LANGUAGE plpgsql IMMUTABLE\n    AS $$\nDECLARE y integer;\nBEGIN\n-- a comment; with ;\n"
                        + "  y := x * 2;\n  RETURN y;\nEND\n$$;"));
        s.append(
                entry(
                        "slow(integer)",
                        "FUNCTION",
                        "CREATE FUNCTION public.slow(x integer) RETURNS boolean\n"
                                + "    LANGUAGE plpgsql IMMUTABLE\n    AS $_$\nBEGIN\n  PERFORM pg_sleep(60);\n  RETURN true;\nEND\n$_$;"));
        s.append("SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n");
        s.append(entry("a", "TABLE", "CREATE TABLE public.a (\n    id integer NOT NULL,\n    name text\n);"));
        s.append(entry("b", "TABLE", "CREATE TABLE public.b (\n    id integer NOT NULL,\n    name text\n);"));
        s.append("--\n-- Data for Name: a; Type: TABLE DATA; Schema: public; Owner: -\n--\n\n");
        s.append("COPY public.a (id, name) FROM stdin;\n").append(rowsOfA).append("\\.\n\n\n");
        s.append("--\n-- Data for Name: b; Type: TABLE DATA; Schema: public; Owner: -\n--\n\n");
        s.append("COPY public.b (id, name) FROM stdin;\n1\t\\\\.\n\\.\n\n\n");
        s.append(entry(
                "a a_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_pkey PRIMARY KEY (id);"));
        s.append(entry(
                "CONSTRAINT a_pkey ON a",
                "COMMENT",
                "COMMENT ON CONSTRAINT a_pkey ON public.a IS 'the key; with a semicolon';"));
        for (String p : postData) {
            if (!p.isEmpty()) {
                s.append(entry(
                        p.startsWith("CREATE INDEX ") ? p.split(" ")[2] : "b post",
                        p.startsWith("CREATE INDEX ") ? "INDEX" : "CONSTRAINT",
                        p));
            }
        }
        s.append(entry(
                "b b_a_fkey",
                "FK CONSTRAINT",
                "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_a_fkey FOREIGN KEY (id) REFERENCES public.a(id);"));
        s.append("--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc\n\n");
        return s.toString();
    }

    private static String entry(String name, String type, String sql) {
        return "--\n-- Name: " + name + "; Type: " + type + "; Schema: public; Owner: -\n--\n\n" + sql + "\n\n\n";
    }

    private static Path zipDump(String fixture) {
        return OdooFixtures.path(fixture);
    }

    private static InputStream open(Path dump) throws Exception {
        if (!dump.toString().endsWith(".zip")) return Files.newInputStream(dump);
        ZipFile zip = new ZipFile(dump.toFile());
        InputStream in = zip.getInputStream(zip.getEntry("dump.sql"));
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws java.io.IOException {
                super.close();
                zip.close();
            }
        };
    }

    private static ParallelPlainLoader loader(PgCluster cluster, TestDatabase db, int jobs) {
        return loader(cluster, db.name(), jobs);
    }

    private static ParallelPlainLoader loader(PgCluster cluster, String db, int jobs) {
        return new ParallelPlainLoader(
                new PgConnection(cluster.host(), cluster.port(), PostgresExtension.ODOO_ROLE, null, null),
                db,
                jobs,
                Progress.NONE);
    }

    private static PgTools tools(PgCluster cluster) {
        return PgTools.find(cluster.majorVersion(), cluster.binDir(), System.getenv("PATH"), PgTools.DEBIAN_ROOT);
    }

    /**
     * Loads the dump with the parallel loader and with psql into two new databases, asserts equal
     * schema and data, and returns the data digest.
     */
    private static String compareWithPsql(PgCluster cluster, TestDatabase db, Path dump) throws Exception {
        int n = DATABASES.incrementAndGet();
        String parallel = "lp_" + n + "_parallel";
        String serial = "lp_" + n + "_psql";
        cluster.createDatabase(parallel, PostgresExtension.ODOO_ROLE);
        cluster.createDatabase(serial, PostgresExtension.ODOO_ROLE);
        try {
            AtomicLong progressed = new AtomicLong();
            try (InputStream in = new PlainDumpFilter(open(dump))) {
                new ParallelPlainLoader(
                                new PgConnection(
                                        cluster.host(), cluster.port(), PostgresExtension.ODOO_ROLE, null, null),
                                parallel,
                                2,
                                new Progress() {
                                    @Override
                                    public void advance(long amount) {
                                        progressed.addAndGet(amount);
                                    }
                                })
                        .load(in);
            }
            assertThat(progressed.get()).isPositive();
            try (InputStream in = new PlainDumpFilter(open(dump))) {
                ProcessRunner.command(
                                tools(cluster).psql().path().toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-")
                        .env(cluster.env(serial, PostgresExtension.ODOO_ROLE))
                        .stdin(in)
                        .run();
            }
            assertThat(schema(cluster, parallel)).isEqualTo(schema(cluster, serial));
            String data = data(cluster, parallel);
            assertThat(data).isEqualTo(data(cluster, serial));
            return data;
        } finally {
            cluster.dropDatabase(parallel);
            cluster.dropDatabase(serial);
        }
    }

    private static String schema(PgCluster cluster, String db) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.command(tools(cluster).pgDump().path().toString(), "--schema-only")
                .env(cluster.env(db, PostgresExtension.ODOO_ROLE))
                .stdout(out)
                .run();
        return out.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .collect(Collectors.joining("\n"));
    }

    /** One line per table and sequence of schema public: name and a digest of its rows. */
    private static String data(PgCluster cluster, String db) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        try (Connection c = cluster.connect(db);
                Statement s = c.createStatement()) {
            Map<String, String> names = new TreeMap<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(relname), relkind FROM pg_class"
                    + " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')")) {
                while (rs.next()) names.put(rs.getString(1), rs.getString(2));
            }
            for (Map.Entry<String, String> n : names.entrySet()) {
                String sql = n.getValue().equals("S")
                        ? "SELECT last_value || ' ' || is_called FROM public." + n.getKey()
                        : "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-')"
                                + " FROM public." + n.getKey() + " t";
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    digests.put(n.getKey(), rs.getString(1));
                }
            }
        }
        assertThat(digests).isNotEmpty();
        return digests.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
