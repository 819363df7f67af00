import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.postgres.PgCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The filestore check benchmark (run by bench/check-bench.sh): starts a throwaway PostgreSQL, creates
 * a synthetic instance, then in one run times {@code cat} of every filestore file to /dev/null, a fast
 * {@code lifeboat check} and a deep one, each check in its own JVM with a capped heap. Prints a
 * Markdown section with the figures.
 *
 * <p>{@code java -cp lifeboat.jar bench/CheckBench.java JAR DIR ATTACHMENTS FILESTORE_BYTES HEAP}
 */
public final class CheckBench {
    private CheckBench() {}

    record Timed(double seconds, long maxRssKb, int exit, String stdout) {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path dir = Files.createDirectories(Path.of(args[1])).toAbsolutePath();
        int attachments = Integer.parseInt(args[2]);
        long bytes = Long.parseLong(args[3]);
        String heap = args[4];
        Path dataDir = dir.resolve("data");
        Path filestore = dataDir.resolve("filestore/bench");
        try (PgCluster cluster = PgCluster.start()) {
            cluster.createRole("odoo", "LOGIN", "CREATEDB", "CREATEROLE");
            cluster.createDatabase("bench", "odoo");
            long t0 = System.nanoTime();
            SyntheticInstance.Result r;
            try (Connection c = cluster.connect("bench", "odoo")) {
                r = SyntheticInstance.create(
                        c,
                        filestore,
                        SyntheticInstance.Spec.small()
                                .withAttachments(attachments)
                                .withFilestoreBytes(bytes)
                                .withDuplicateFraction(0)
                                .withBulkRows(0));
            }
            log("generated %d rows, %d files, %d MiB in %.0f s",
                    r.attachments(), r.distinctFiles(), r.filestoreBytes() >> 20, (System.nanoTime() - t0) / 1e9);

            List<String> base = List.of(
                    "check", "--db-host", cluster.host(), "--db-port", Integer.toString(cluster.port()),
                    "--db-user", "odoo", "--data-dir", dataDir.toString(), "-d", "bench", "--json", "--no-progress");
            String cat = "cd " + filestore + " && find . -type f -not -path './checklist/*' -print0"
                    + " | xargs -0 cat > /dev/null";
            // Warm the page cache once, so cat and the checks all read from memory.
            run(List.of("bash", "-c", cat));
            Timed catRun = run(List.of("bash", "-c", cat));
            Timed fast = run(java(jar, heap, base, false));
            Timed deep = run(java(jar, heap, base, true));
            Timed catAgain = run(List.of("bash", "-c", cat));
            for (Timed t : List.of(fast, deep)) {
                if (t.exit != 0) throw new IllegalStateException("check exited with " + t.exit + ":\n" + t.stdout);
            }

            long files = number(deep.stdout, "\"files\"");
            long fileBytes = number(deep.stdout, "\"bytes\"");
            double hashSeconds = decimal(deep.stdout, "\"filestoreSeconds\"");
            double catSeconds = Math.min(catRun.seconds, catAgain.seconds);
            double mib = fileBytes / 1048576.0;
            double catRate = mib / catSeconds;
            double deepRate = mib / deep.seconds;
            double hashRate = mib / hashSeconds;
            StringBuilder md = new StringBuilder();
            md.append("| measure | value |\n|---|---|\n");
            row(md, "attachment rows / files / filestore", String.format(Locale.ROOT, "%,d / %,d / %.0f MiB",
                    r.attachments(), files, mib));
            row(md, "fast check, wall time (JVM start included)", secs(fast.seconds) + " (target < 60 s)");
            row(md, "fast check, phases (list and stat files / read database)", secs(decimal(fast.stdout, "\"filestoreSeconds\""))
                    + " / " + secs(decimal(fast.stdout, "\"databaseSeconds\"")));
            row(md, "heap cap (-Xmx) / peak RSS, fast", heap + " / " + fast.maxRssKb / 1024 + " MiB");
            row(md, "heap cap (-Xmx) / peak RSS, deep", heap + " / " + deep.maxRssKb / 1024 + " MiB");
            row(md, "cat of every file to /dev/null", secs(catSeconds) + ", " + rate(catRate));
            row(md, "deep check, wall time", secs(deep.seconds) + ", " + rate(deepRate)
                    + String.format(Locale.ROOT, " = %.0f%% of cat (target >= 70%%)", 100 * deepRate / catRate));
            row(md, "deep check, filestore phase alone (list, read, hash)", secs(hashSeconds) + ", " + rate(hashRate)
                    + String.format(Locale.ROOT, " = %.0f%% of cat", 100 * hashRate / catRate));
            System.out.print(md);
        } finally {
            if (!"1".equals(System.getenv("KEEP"))) deleteTree(dir.resolve("data"));
        }
    }

    private static List<String> java(Path jar, String heap, List<String> base, boolean deep) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString()));
        cmd.addAll(base);
        if (deep) cmd.add("--deep");
        return cmd;
    }

    private static Timed run(List<String> cmd) throws IOException, InterruptedException {
        Path times = Files.createTempFile("time", ".txt");
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %M"));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String[] t = Files.readString(times).trim().split("\\s+");
        String[] last = t.length >= 2 ? new String[] {t[t.length - 2], t[t.length - 1]} : new String[] {"0", "0"};
        Files.delete(times);
        Timed timed = new Timed(Double.parseDouble(last[0]), Long.parseLong(last[1]), exit, out);
        log("%s: %.1f s, max RSS %d MiB, exit %d", cmd.get(cmd.size() - 1).length() > 40 ? "cat" : String.join(" ",
                cmd.subList(Math.max(0, cmd.size() - 2), cmd.size())), timed.seconds, timed.maxRssKb / 1024, exit);
        return timed;
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + key + " in the report");
        return Long.parseLong(m.group(1));
    }

    private static double decimal(String json, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "\\s*:\\s*([0-9.Ee+-]+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + key + " in the report");
        return Double.parseDouble(m.group(1));
    }

    private static void row(StringBuilder md, String k, String v) {
        md.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String secs(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String rate(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.0f MiB/s", mibPerSecond);
    }

    private static void log(String format, Object... args) {
        System.err.printf("[check-bench] " + format + "%n", args);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
