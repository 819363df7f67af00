package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the lifeboat command line in-process, as a user would, and inspects what it leaves behind. */
final class RepoCli {
    static final ObjectMapper JSON = new ObjectMapper();

    private RepoCli() {}

    /** What a run printed and returned. */
    record Run(int exit, String out, String err, byte[] outBytes) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        /** Fails unless the exit code is {@code expected}, showing the output. */
        Run expect(int expected) {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(expected);
            return this;
        }
    }

    /** Runs {@code lifeboat args…} through {@link Main#run}, capturing standard output and error. */
    static synchronized Run run(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args.toArray(String[]::new));
            return new Run(
                    exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), o.toByteArray());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static Run run(String... args) {
        return run(List.of(args));
    }

    /** {@code a} followed by {@code b}. */
    @SafeVarargs
    static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) all.addAll(p);
        return all;
    }

    /** Flags naming the test cluster (as the database owner) and a data_dir. */
    static List<String> instance(TestDatabase db, Path dataDir) {
        return List.of(
                "--db-host",
                db.cluster().host(),
                "--db-port",
                Integer.toString(db.cluster().port()),
                "--db-user",
                db.owner(),
                "--data-dir",
                dataDir.toString(),
                "--no-progress");
    }

    /** The directory of real Odoo backups, found by walking up from the working directory. */
    static Path fixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/odoo-real");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException(
                "shared/fixtures/odoo-real not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * Every table of the public schema: row count and a digest of its rows independent of their
     * physical order. Two databases with equal fingerprints hold the same rows.
     */
    static Map<String, String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                        + " c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")) {
            while (rs.next()) names.add(rs.getString(1));
        }
        Map<String, String> out = new TreeMap<>();
        for (String t : names) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(md5(x::text), ','"
                            + " ORDER BY md5(x::text)), '')) FROM public.\"" + t + "\" x")) {
                rs.next();
                out.put(t, rs.getLong(1) + ":" + rs.getString(2));
            }
        }
        return out;
    }

    /** Relative path → SHA-1 of the content, for every file under {@code dir} except checklist markers. */
    static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith("checklist/")) out.put(rel, sha1(p));
            }
        }
        return out;
    }

    static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest("SHA-1", in);
        }
    }

    static String digest(String algorithm, InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Referenced store_fname → SHA-1 of its file as it is now in {@code filestore}. */
    static Map<String, String> referencedFiles(Connection c, Path filestore) throws SQLException, IOException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
            while (rs.next()) {
                String f = rs.getString(1);
                out.put(f, sha1(filestore.resolve(f)));
            }
        }
        return out;
    }

    /** Pack objects ({@code data/xx/<64 hex>}) in a repository on local disk. */
    static List<Path> packs(Path repo) throws IOException {
        return objects(repo.resolve("data"));
    }

    /** Objects named by 64 hex digits under {@code dir} (temporary files of writers excluded). */
    static List<Path> objects(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Starts {@code lifeboat args…} in a separate JVM with this test's class path, its output going to
     * {@code log} (standard output) and {@code log}.err.
     */
    static Process spawn(List<String> args, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectOutput(log.toFile())
                .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile())
                .start();
    }

    /** Whether the cluster has a database of that name. */
    static boolean databaseExists(TestDatabase db, String name) throws SQLException {
        return db.cluster().databases().contains(name);
    }
}
