package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs Lifeboat runs, each at least as new as the server (pg_dump refuses
 * to dump a newer server, and an older psql may not load what a newer pg_dump wrote).
 *
 * @param pgDump pg_dump
 * @param pgRestore pg_restore
 * @param psql psql
 */
public record PgTools(Tool pgDump, Tool pgRestore, Tool psql) {

    /** Debian and Ubuntu install each major version's programs in {@code <root>/<major>/bin}. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private static final List<String> NAMES = List.of("pg_dump", "pg_restore", "psql");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.(\\d+))?\\S*)");

    /**
     * One program.
     *
     * @param name program name, e.g. {@code pg_dump}
     * @param path absolute path of the executable
     * @param major major version (e.g. 15)
     * @param version version as the program prints it (e.g. {@code 15.18})
     */
    public record Tool(String name, Path path, int major, String version) {
        @Override
        public String toString() {
            return name + " " + version + " (" + path + ")";
        }
    }

    /**
     * Finds pg_dump, pg_restore and psql of major version {@code serverMajor} or newer. Each is
     * searched, in this order, in {@code configuredDir} (if not null), in the directories of
     * {@code pathVariable} (the caller's {@code PATH}), then in {@code <debianRoot>/<N>/bin} from the
     * highest {@code N} down; the first one new enough wins. Executables on {@code PATH} that are links to
     * a version dispatcher (Debian's {@code pg_wrapper}) are skipped: the version they run depends on the
     * environment, so the versioned directories are used instead.
     *
     * @throws LifeboatException {@code ENVIRONMENT} naming the versions found and the version
     *     needed, if a program is missing or too old
     */
    public static PgTools find(int serverMajor, Path configuredDir, String pathVariable, Path debianRoot) {
        List<Path> dirs = candidateDirs(configuredDir, pathVariable, debianRoot);
        List<Tool> chosen = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : NAMES) {
            List<String> seen = new ArrayList<>();
            Tool found = null;
            Set<Path> tried = new LinkedHashSet<>();
            for (Path dir : dirs) {
                Path exe = dir.resolve(name);
                if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
                    continue;
                }
                boolean fromPath = !dir.equals(configuredDir) && !dir.startsWith(debianRoot);
                Optional<Path> real = realPath(exe);
                if (real.isEmpty() || !tried.add(real.get()) || (fromPath && isDispatcher(real.get(), name))) {
                    continue;
                }
                Optional<Tool> tool = version(name, exe.toAbsolutePath());
                if (tool.isEmpty()) {
                    seen.add("unusable " + exe);
                    continue;
                }
                if (tool.get().major() >= serverMajor) {
                    found = tool.get();
                    break;
                }
                seen.add(tool.get().toString());
            }
            if (found == null) {
                problems.add(name + " " + serverMajor + " or newer is needed; found "
                        + (seen.isEmpty() ? "none" : String.join(", ", seen)));
            }
            chosen.add(found);
        }
        if (!problems.isEmpty()) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "no suitable postgresql client programs for a postgresql " + serverMajor + " server: "
                            + String.join("; ", problems),
                    "Install postgresql-client-" + serverMajor + " (or newer), or pass --pg-bin with the "
                            + "directory holding pg_dump, pg_restore and psql of version " + serverMajor
                            + " or newer.");
        }
        return new PgTools(chosen.get(0), chosen.get(1), chosen.get(2));
    }

    /** Runs {@code <executable> --version}; empty if it does not run or prints no PostgreSQL version. */
    public static Optional<Tool> version(String name, Path executable) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ProcessRunner.command(executable.toString(), "--version")
                    .stdout(out)
                    .timeout(Duration.ofSeconds(30))
                    .run();
        } catch (LifeboatException e) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(out.toString(StandardCharsets.UTF_8));
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Tool(name, executable, Integer.parseInt(m.group(2)), m.group(1)));
    }

    private static List<Path> candidateDirs(Path configuredDir, String pathVariable, Path debianRoot) {
        List<Path> dirs = new ArrayList<>();
        if (configuredDir != null) {
            dirs.add(configuredDir.toAbsolutePath());
        }
        if (pathVariable != null) {
            for (String p : pathVariable.split(":")) {
                if (!p.isEmpty()) {
                    dirs.add(Path.of(p).toAbsolutePath());
                }
            }
        }
        if (Files.isDirectory(debianRoot)) {
            try (Stream<Path> versions = Files.list(debianRoot)) {
                versions.filter(d -> d.getFileName().toString().matches("\\d{1,4}"))
                        .sorted(Comparator.comparingInt((Path d) ->
                                        Integer.parseInt(d.getFileName().toString()))
                                .reversed())
                        .forEach(d -> dirs.add(d.resolve("bin")));
            } catch (IOException e) {
                // an unreadable directory holds no candidates
            }
        }
        return dirs;
    }

    private static Optional<Path> realPath(Path exe) {
        try {
            return Optional.of(exe.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isDispatcher(Path real, String name) {
        return !real.getFileName().toString().equals(name);
    }
}
