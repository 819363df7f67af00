package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --json} output of every command, pinned by golden files: each case runs the command line
 * in-process against one synthetic Odoo instance on a PostgreSQL cluster of its own, checks the exit code
 * and that standard output is one JSON value laid out as the CLI lays it out, replaces the values that
 * differ from run to run with placeholders and compares the result, as indented text, with {@code
 * src/test/resources/golden/<case>.json}. Key names, key order, types and every stable value (counts,
 * statuses, names, uncompressed sizes) are compared.
 *
 * <p>The cases run in order and build on each other (a backup, then a repository, then restores from
 * both, then a damaged filestore). {@code -Dlifeboat.golden.update=true} makes them write the golden
 * files instead of comparing, and deletes golden files no case writes; without it a missing golden file
 * fails. Dump sizes follow the pg_dump of the installed PostgreSQL: a new PostgreSQL version may change
 * them, and the golden files are then regenerated. The shapes are documented in docs/json.md.
 */
class GoldenJsonTest {

    /** System property that makes the cases (re)write the golden files. */
    static final String UPDATE = "lifeboat.golden.update";

    static final String DB = "golden";
    static final String COPY = "golden_copy";
    static final String ROLE = "odoo";
    static final String IMPORT_TIME = "2024-07-01T02:00:00Z";

    /** The CLI's own layout: Jackson's default pretty printer. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Keys whose values differ from run to run, and the placeholder that replaces them (a number keeps
     * its type after a colon: {@code "<millis:int>"}). Null stays null.
     */
    static final Map<String, String> VOLATILE = Map.ofEntries(
            // points in time: now, when the command ran
            Map.entry("time", "<time>"),
            Map.entry("startedAt", "<time>"),
            Map.entry("createdAt", "<time>"),
            Map.entry("created", "<time>"),
            Map.entry("refreshed", "<time>"),
            // durations
            Map.entry("dumpMillis", "<millis>"),
            Map.entry("filestoreMillis", "<millis>"),
            Map.entry("loadMillis", "<millis>"),
            Map.entry("totalMillis", "<millis>"),
            Map.entry("millis", "<millis>"),
            Map.entry("seconds", "<seconds>"),
            Map.entry("filestoreSeconds", "<seconds>"),
            Map.entry("databaseSeconds", "<seconds>"),
            // random identity a restore gives a copy
            Map.entry("newDatabaseUuid", "<uuid>"),
            // the PostgreSQL the test runs on, not the code under test
            Map.entry("postgresVersion", "<postgres-version>"));

    /**
     * Sizes that differ by a few bytes from run to run. After compression: the instance holds a few values
     * of the moment (dates, uuids), so its compressed dump and packs vary. With the snapshot's tree: the
     * tree of a backup holds its report, timings included, so the plaintext a backup adds to a repository
     * (and the repository's unique bytes) varies with the number of digits of those timings.
     */
    static final Map<String, String> VARYING_SIZES = Map.of(
            "storedBytes", "<compressed-bytes>",
            "storedNew", "<compressed-bytes>",
            "packBytes", "<compressed-bytes>",
            "bytesFreed", "<compressed-bytes>",
            "compressionRatio", "<ratio>",
            "bytesNew", "<bytes-with-tree>",
            "uniqueBytes", "<bytes-with-tree>",
            "dedupRatio", "<ratio>");

    /**
     * Keys volatile in one case only: the size of a compressed custom-format dump, of the demo's dump (its
     * generated rows differ from run to run), and the number of blobs a custom-format dump is cut into.
     */
    static final Map<String, Map<String, String>> VOLATILE_IN_CASE = Map.of(
            "backup-dump",
            Map.of("dumpBytes", "<compressed-bytes>"),
            "demo",
            Map.of("dumpBytes", "<generated-bytes>"),
            // the number of blobs of the backup's custom-format dump: its header holds the time pg_dump ran,
            // and a content-defined chunk boundary near it can move, so the count varies by one between runs
            "backup-repo",
            Map.of("blobs", "<dump-blobs>", "blobsNew", "<dump-blobs>"),
            "snapshots",
            Map.of("blobsNew", "<dump-blobs>"),
            "stats",
            Map.of("blobs", "<dump-blobs>"),
            "verify",
            Map.of("blobsChecked", "<dump-blobs>"),
            // a drill: when it ended, the backup file's time, and the durations measured from them
            "drill",
            Map.of(
                    "finishedAt", "<time>",
                    "pointTime", "<time>",
                    "rtoMillis", "<millis>",
                    "rpoMillis", "<millis>"));

    @TempDir
    static Path tmp;

    static PgCluster cluster;
    static Path dataDir;
    static String hostName;

    /** Snapshot and repository ids seen so far → their placeholder, in the order they appeared. */
    static final Map<String, String> ids = new LinkedHashMap<>();

    /** Golden files written or compared by this run. */
    static final Set<String> cases = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = PgCluster.start();
        cluster.createRole(ROLE, "LOGIN", "CREATEDB", "CREATEROLE");
        cluster.createDatabase(DB, ROLE);
        dataDir = tmp.resolve("data");
        try (Connection c = cluster.connect(DB, ROLE)) {
            SyntheticInstance.create(c, filestore(), SyntheticInstance.Spec.small());
            // Timestamps default to now(), whose text is shorter when it ends in zeros: one fixed moment makes
            // the dump's size the same in every run.
            try (var s = c.createStatement()) {
                s.execute("""
                        DO $$ DECLARE r record; BEGIN
                          FOR r IN SELECT table_name, column_name FROM information_schema.columns
                                    WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' LOOP
                            EXECUTE format('UPDATE %I SET %I = %L', r.table_name, r.column_name, '2024-07-09 12:01:17');
                          END LOOP;
                        END $$""");
            }
        }
        hostName = InetAddress.getLocalHost().getHostName();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static Path filestore() {
        return dataDir.resolve("filestore").resolve(DB);
    }

    static boolean updating() {
        return Boolean.getBoolean(UPDATE);
    }

    // ---------------------------------------------------------------- the cases, in order

    @TestFactory
    Stream<DynamicTest> jsonOutput() {
        Path zip = tmp.resolve("golden.zip");
        Path dump = tmp.resolve("golden.dump");
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("golden.key");
        Path writerKey = tmp.resolve("golden.writer-key");
        List<String> withWriter = List.of("--repo", repo.toString(), "--writer-key", writerKey.toString());
        List<String> withKey = List.of("--repo", repo.toString(), "--key", key.toString());
        String[] manifest = new String[1];
        List<DynamicTest> t = new ArrayList<>();

        // what the instance looks like
        t.add(golden("databases", ExitCode.OK, () -> cli(instance("databases", "--json"))));
        t.add(golden("check", ExitCode.OK, () -> cli(instance("check", "-d", DB, "--json"))));
        t.add(golden("check-deep", ExitCode.OK, () -> cli(instance("check", "-d", DB, "--deep", "--json"))));

        // backups to files
        t.add(golden(
                "backup-zip", ExitCode.OK, () -> cli(instance("backup", "-d", DB, "-o", zip.toString(), "--json"))));
        t.add(golden(
                "backup-dump",
                ExitCode.OK,
                () -> cli(instance("backup", "-d", DB, "--format", "dump", "-o", dump.toString(), "--json"))));
        t.add(golden("backup-all", ExitCode.OK, () -> {
            Path all = mkdirs(tmp.resolve("all"));
            return cli(instance("backup", "--all", "-o", all.toString(), "--json"));
        }));

        // a repository: create, back up, import, list, check, export, retention
        t.add(golden(
                "repo-init",
                ExitCode.OK,
                () -> cli(List.of(
                        "repo",
                        "init",
                        "--repo",
                        repo.toString(),
                        "--key",
                        key.toString(),
                        "--writer-key",
                        writerKey.toString(),
                        "--json")),
                out -> register(out.path("repository").asText(), "<repository>")));
        t.add(golden(
                "backup-repo",
                ExitCode.OK,
                () -> cli(join(
                        instance("backup", "-d", DB, "--instance", "prod", "--tag", "nightly", "--json"), withWriter)),
                out -> register(out.path("snapshot").asText(), "<snapshot-1>")));
        t.add(golden(
                "import",
                ExitCode.OK,
                () -> cli(join(
                        List.of(
                                "import",
                                zip.toString(),
                                "--instance",
                                "prod",
                                "--time",
                                IMPORT_TIME,
                                "--tag",
                                "imported",
                                "--json"),
                        withWriter)),
                out -> register(out.path(0).path("snapshotId").asText(), "<snapshot-2>")));
        t.add(golden("snapshots", ExitCode.OK, () -> cli(join(List.of("snapshots", "--json"), withWriter))));
        t.add(golden("stats", ExitCode.OK, () -> cli(join(List.of("stats", "--json"), withWriter))));
        t.add(golden("verify", ExitCode.OK, () -> cli(join(List.of("verify", "--read-data", "--json"), withKey))));
        t.add(golden(
                "export",
                ExitCode.OK,
                () -> cli(join(
                        List.of(
                                "export",
                                "latest:" + DB,
                                "-o",
                                tmp.resolve("export.zip").toString(),
                                "--json"),
                        withKey))));
        t.add(golden(
                "repo-writer-key",
                ExitCode.OK,
                () -> cli(join(
                        List.of(
                                "repo",
                                "writer-key",
                                "-o",
                                tmp.resolve("second.writer-key").toString(),
                                "--json"),
                        withKey))));
        t.add(golden("repo-unlock", ExitCode.OK, () -> cli(join(List.of("repo", "unlock", "--json"), withWriter))));
        t.add(golden(
                "forget-dry-run",
                ExitCode.OK,
                () -> cli(join(List.of("forget", "--keep-last", "1", "--dry-run", "--json"), withWriter))));
        t.add(golden("forget", ExitCode.OK, () -> cli(join(List.of("forget", "--keep-last", "1", "--json"), withKey))));
        t.add(golden("prune-dry-run", ExitCode.OK, () -> cli(join(List.of("prune", "--dry-run", "--json"), withKey))));
        t.add(golden("prune", ExitCode.OK, () -> cli(join(List.of("prune", "--json"), withKey))));

        // restores and rollback points
        t.add(golden(
                "restore-dry-run",
                ExitCode.OK,
                () -> cli(instance("restore", zip.toString(), "-d", COPY, "--dry-run", "--json"))));
        t.add(golden(
                "restore-dry-run-conflict",
                ExitCode.CONFLICT,
                () -> cli(instance("restore", zip.toString(), "-d", DB, "--dry-run", "--json"))));
        t.add(golden("restore", ExitCode.OK, () -> cli(instance("restore", zip.toString(), "-d", COPY, "--json"))));
        t.add(golden(
                "restore-replace-from-repo",
                ExitCode.OK,
                () -> cli(join(instance("restore", "latest:" + DB, "-d", COPY, "--replace", "--json"), withKey))));
        t.add(golden(
                "drill",
                ExitCode.OK,
                () -> cli(instance("drill", zip.toString(), "--scratch", "golden_drill", "--tables", "3", "--json"))));
        t.add(golden("rollback-list", ExitCode.OK, () -> cli(instance("rollback", COPY, "--list", "--json"))));
        t.add(golden("rollback-dry-run", ExitCode.OK, () -> cli(instance("rollback", COPY, "--dry-run", "--json"))));
        t.add(golden("rollback", ExitCode.OK, () -> cli(instance("rollback", COPY, "--json"))));
        t.add(golden("rollback-discard", ExitCode.OK, () -> cli(instance("rollback", COPY, "--discard", "--json"))));

        // point-in-time repair, with the restored copy as the side copy: blast radius, diff, dry-run repair
        Path pitrPlan = tmp.resolve("pitr-plan.json");
        List<String> sides = List.of("-d", DB, "--side-db", COPY, "--json");
        t.add(golden(
                "pitr-counts",
                ExitCode.OK,
                () -> cli(join(
                        instance("pitr", "counts", "--table", "res_partner", "--table", "ir_attachment"), sides))));
        t.add(golden(
                "pitr-window",
                ExitCode.OK,
                () -> cli(instance(
                        "pitr",
                        "window",
                        "-d",
                        DB,
                        "--table",
                        "res_partner",
                        "--from",
                        "2000-01-01T00:00",
                        "--to",
                        "2100-01-01T00:00",
                        "--bucket",
                        "3155760000",
                        "--json"))));
        List<String> tables = List.of("--table", "res_partner", "--table", "ir_config_parameter");
        t.add(golden(
                "pitr-diff",
                ExitCode.PROBLEMS_FOUND,
                () -> cli(join(join(instance("pitr", "diff", "-o", pitrPlan.toString()), sides), tables))));
        t.add(golden(
                "pitr-repair-dry-run",
                ExitCode.OK,
                () -> cli(instance("pitr", "repair", pitrPlan.toString(), "-d", DB, "--dry-run", "--json"))));

        // a damaged filestore: a missing file and an orphan; check, repair, quarantine and back
        t.add(golden("check-problems", ExitCode.PROBLEMS_FOUND, () -> {
            damage();
            return cli(instance("check", "-d", DB, "--json"));
        }));
        t.add(golden(
                "repair-plan",
                ExitCode.PROBLEMS_FOUND,
                () -> cli(instance("repair", "-d", DB, "--from", zip.toString(), "--quarantine-orphans", "--json"))));
        t.add(golden(
                "repair-dry-run",
                ExitCode.PROBLEMS_FOUND,
                () -> cli(instance(
                        "repair", "-d", DB, "--from", zip.toString(), "--quarantine-orphans", "--dry-run", "--json"))));
        t.add(golden(
                "repair-apply",
                ExitCode.OK,
                () -> cli(instance(
                        "repair", "-d", DB, "--from", zip.toString(), "--quarantine-orphans", "--apply", "--json")),
                out -> manifest[0] = out.path("quarantine").path("manifest").asText()));
        t.add(golden(
                "repair-unquarantine",
                ExitCode.OK,
                () -> cli(instance("repair", "-d", DB, "--unquarantine", manifest[0], "--json"))));

        // leftovers of unknown origin: listed and kept, then removed with --force
        t.add(golden("cleanup-dry-run", ExitCode.WARNINGS, () -> {
            leaveLeftovers();
            return cli(instance("cleanup", "--dry-run", "--json"));
        }));
        t.add(golden("cleanup-force", ExitCode.OK, () -> cli(instance("cleanup", "--force", "--json"))));

        // Lifeboat's configuration file
        t.add(golden("config-check", ExitCode.OK, () -> {
            Path config = writeConfig(repo, key);
            return cli(List.of("--config-file", config.toString(), "config", "check", "--json"));
        }));

        // failures: the error object
        t.add(golden(
                "error-missing-backup",
                ExitCode.USAGE,
                () -> cli(instance("restore", tmp.resolve("missing.zip").toString(), "-d", COPY, "--json"))));
        t.add(golden("error-usage", ExitCode.USAGE, () -> cli(List.of("restore", "--json"))));

        // the whole cycle on a throwaway server of its own
        t.add(golden(
                "demo",
                ExitCode.OK,
                () -> cli(List.of(
                        "demo",
                        "--dir",
                        tmp.resolve("demo").toString(),
                        "--attachments",
                        "8",
                        "--filestore-mb",
                        "1",
                        "--bulk-rows",
                        "10",
                        "--json"))));

        t.add(DynamicTest.dynamicTest("every golden file has a case", GoldenJsonTest::noStrayGoldenFiles));
        return t.stream();
    }

    // ---------------------------------------------------------------- running a case

    /** What a run printed and returned. */
    record Run(int exit, String out, String err) {}

    /** Runs {@code lifeboat args…} through {@link Main#run}, capturing standard output and error. */
    static Run cli(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args.toArray(String[]::new));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** {@code command…} with the flags naming the test instance. */
    static List<String> instance(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(
                "--db-host",
                cluster.host(),
                "--db-port",
                Integer.toString(cluster.port()),
                "--db-user",
                ROLE,
                "--data-dir",
                dataDir.toString()));
        return all;
    }

    static List<String> join(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static DynamicTest golden(String name, int exit, Supplier<Run> run) {
        return golden(name, exit, run, out -> {});
    }

    /**
     * A case: runs the command, checks its exit code and that standard output is exactly one JSON value as
     * the CLI prints it, hands the raw value to {@code seen} (to learn ids), then compares or writes the
     * normalized golden file.
     */
    static DynamicTest golden(String name, int exit, Supplier<Run> run, Consumer<JsonNode> seen) {
        cases.add(name + ".json");
        return DynamicTest.dynamicTest(name, () -> {
            Run r = run.get();
            String context = String.format("%s: exit %d%nstdout:%n%s%nstderr:%n%s", name, r.exit(), r.out(), r.err());
            assertThat(r.exit()).as("exit code of %s", context).isEqualTo(exit);
            JsonNode raw;
            try {
                raw = JSON.readTree(r.out());
            } catch (JsonProcessingException e) {
                throw new AssertionError("standard output is not JSON; " + context, e);
            }
            // one JSON value, laid out as the CLI lays it out, and nothing else on standard output
            assertThat(r.out()).as("layout of standard output").isEqualTo(print(raw));
            seen.accept(raw);
            String actual = print(normalize(name, raw));
            Path file = goldenDir().resolve(name + ".json");
            if (updating()) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                fail("no golden file " + file + "; run with -D" + UPDATE + "=true to write it. Output:\n" + actual);
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (!expected.equals(actual)) {
                fail("--json output of " + name + " differs from " + file + " (run with -D" + UPDATE
                        + "=true to accept it):\n" + diff(expected, actual));
            }
        });
    }

    /** Golden files no case compares (deleted when updating). */
    static void noStrayGoldenFiles() throws IOException {
        Path dir = goldenDir();
        List<Path> stray = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> !cases.contains(p.getFileName().toString()))
                        .sorted()
                        .forEach(stray::add);
            }
        }
        if (updating()) {
            for (Path p : stray) Files.delete(p);
        } else {
            assertThat(stray).as("golden files without a case").isEmpty();
        }
    }

    /** {@code src/test/resources/golden} of this module, in the source tree (not the copy on the class path). */
    static Path goldenDir() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        if (!Files.isDirectory(base.resolve("src/test/java/io/lifeboat/cli"))) {
            base = base.resolve("lifeboat-cli");
        }
        return base.resolve("src/test/resources/golden");
    }

    static String print(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- normalization

    /** Makes {@code id} (and its first 8 digits, the short id) print as {@code label}. */
    static void register(String id, String label) {
        assertThat(id).as("id for %s", label).matches("[0-9a-f]{64}");
        ids.putIfAbsent(id, label);
    }

    /** Patterns in text values that differ from run to run, and their replacement. */
    static List<Map.Entry<Pattern, String>> patterns() {
        List<Map.Entry<Pattern, String>> p = new ArrayList<>();
        // the test's temporary directory, wherever it is
        p.add(Map.entry(Pattern.compile(Pattern.quote(tmp.toAbsolutePath().toString())), "<tmp>"));
        // snapshot and repository ids: full, then short
        ids.forEach((id, label) -> p.add(Map.entry(Pattern.compile(id), label)));
        ids.forEach((id, label) -> p.add(Map.entry(Pattern.compile(id.substring(0, 8)), label)));
        // the test server's port
        p.add(Map.entry(
                Pattern.compile(Pattern.quote(cluster.host() + ":" + cluster.port()) + "\\b"),
                Matcher.quoteReplacement(cluster.host() + ":<port>")));
        // points in time inside text: ISO-8601 instants (snapshot descriptions), the UTC stamps of rollback
        // names and quarantine directories, the local time of default backup file names, the demo's zip
        p.add(Map.entry(Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z"), "<time>"));
        p.add(Map.entry(Pattern.compile("_lbold_\\d{14}_[0-9a-f]{4}\\b"), "_lbold_<time>_<random>"));
        p.add(Map.entry(Pattern.compile("\\b\\d{8}T\\d{6}Z\\b"), "<time>"));
        p.add(Map.entry(Pattern.compile("_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}\\."), "_<local-time>."));
        p.add(Map.entry(Pattern.compile("/demo_\\d+\\.zip"), "/demo_<millis>.zip"));
        // public keys of a new repository
        p.add(Map.entry(Pattern.compile("lbpub1[A-Za-z0-9_-]{43}"), "<public-key>"));
        return p;
    }

    /** A copy of {@code raw} with volatile values replaced by placeholders. */
    static JsonNode normalize(String name, JsonNode raw) {
        Map<String, String> keys = new HashMap<>(VOLATILE);
        keys.putAll(VARYING_SIZES);
        keys.putAll(VOLATILE_IN_CASE.getOrDefault(name, Map.of()));
        return normalize(null, raw, keys, patterns());
    }

    private static Map<String, JsonNode> toMap(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        o.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private static JsonNode normalize(
            String key, JsonNode node, Map<String, String> keys, List<Map.Entry<Pattern, String>> patterns) {
        if (node.isNull()) return node;
        if (key != null && !node.isContainerNode()) {
            String placeholder = keys.get(key);
            // the machine's name, recorded in snapshots
            if (placeholder == null && key.equals("host") && node.asText().equals(hostName)) placeholder = "<host>";
            if (placeholder != null) return placeholder(placeholder, node);
        }
        if (node instanceof ObjectNode o) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            toMap(o).forEach((k, v) -> copy.set(k, normalize(k, v, keys, patterns)));
            return copy;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            a.forEach(v -> copy.add(normalize(null, v, keys, patterns)));
            return copy;
        }
        if (node.isTextual()) {
            String s = node.asText();
            for (var p : patterns) s = p.getKey().matcher(s).replaceAll(p.getValue());
            return TextNode.valueOf(s);
        }
        return node;
    }

    /** {@code "<name>"} for text, {@code "<name:int>"}, {@code "<name:float>"} or {@code "<name:boolean>"} else. */
    private static JsonNode placeholder(String placeholder, JsonNode value) {
        if (value.isTextual()) return TextNode.valueOf(placeholder);
        String type = value.isIntegralNumber()
                ? "int"
                : value.isNumber() ? "float" : value.getNodeType().name().toLowerCase(Locale.ROOT);
        return TextNode.valueOf(placeholder.substring(0, placeholder.length() - 1) + ":" + type + ">");
    }

    /** The lines that differ, in the style of {@code diff -u} without context counts. */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder("--- golden\n+++ actual\n");
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.append(String.format("-%4d %s%n", i + 1, a.get(i++)));
            } else {
                out.append(String.format("+%4d %s%n", j + 1, b.get(j++)));
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- preparing the instance

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the first filestore file (by name) and adds an orphan: a file no row references, named by
     * the SHA-1 of its content.
     */
    static void damage() {
        try (Stream<Path> walk = Files.walk(filestore())) {
            Path first = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches("[0-9a-f]{40}"))
                    .filter(p -> !filestore().relativize(p).startsWith("checklist"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
            Files.delete(first);
            byte[] content = "an orphan no attachment references\n".getBytes(StandardCharsets.UTF_8);
            String sha1 =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
            Path orphan = filestore().resolve(sha1.substring(0, 2)).resolve(sha1);
            Files.createDirectories(orphan.getParent());
            Files.write(orphan, content);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A temporary filestore directory and a restore role no ledger names: leftovers of unknown origin. */
    static void leaveLeftovers() {
        try {
            Files.createDirectories(dataDir.resolve("filestore").resolve(DB + "_lbnew_leftover"));
            try (Connection c = cluster.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE lifeboat_restore_leftover");
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A configuration file with one repository (the test's) and two instances. */
    static Path writeConfig(Path repo, Path key) {
        String yaml = """
                defaults:
                  retention: {keep_daily: 7, keep_weekly: 4}
                repositories:
                  local:
                    location: $REPO
                    key_file: $KEY
                    key_passphrase: {env: PATH}
                instances:
                  prod:
                    connection:
                      host: db.internal
                      port: 5432
                      user: odoo
                      sslmode: require
                    data_dir: $DATA
                    database: golden
                    repository: local
                    jobs: 3
                    retention:
                      keep_last: 3
                      keep_within: 2w
                      keep_tags: [release]
                  staging:
                    data_dir: $DATA
                """.replace("$REPO", repo.toString())
                .replace("$KEY", key.toString())
                .replace("$DATA", dataDir.toString());
        try {
            return Files.writeString(tmp.resolve("lifeboat.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
