package io.lifeboat.config;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.config.YamlTree.Entry;
import io.lifeboat.config.YamlTree.ListNode;
import io.lifeboat.config.YamlTree.MapNode;
import io.lifeboat.config.YamlTree.Node;
import io.lifeboat.config.YamlTree.Scalar;
import io.lifeboat.repository.RetentionPolicy;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lifeboat's configuration file, read and validated ({@code docs/configuration.md}). Every problem is
 * collected with its line and reported at once; secrets are kept as references.
 *
 * @param file where it was read from
 * @param repositories by name, in file order
 * @param instances by name, in file order, defaults applied
 * @param warnings things that work but should not be so (e.g. a key file other users can read)
 *
 * <p>It is long because it validates every key of the file with a message naming the key and its line; the
 * sections are separate methods.
 */
public record LifeboatConfig(
        Path file,
        Map<String, RepositoryConfig> repositories,
        Map<String, InstanceConfig> instances,
        List<String> warnings) {

    /** Where the file is read from when neither an option nor {@value #ENV} names one. */
    public static final Path DEFAULT_PATH = Path.of("/etc/lifeboat/lifeboat.yaml");

    /** The environment variable naming the file. */
    public static final String ENV = "LIFEBOAT_CONFIG";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([yYmwdh])");
    private static final Set<String> SSLMODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final List<String> PLAIN_OPTIONS = List.of(
            "s3.region",
            "s3.path-style",
            "s3.checksums",
            "s3.part-size",
            "s3.multipart-threshold",
            "s3.attempt-timeout",
            "sftp.known-hosts",
            "sftp.host-key",
            "sftp.accept-new-host-key",
            "sftp.key",
            "sftp.connections",
            "sftp.timeout");
    private static final List<String> SECRET_OPTIONS =
            List.of("s3.access-key", "s3.secret-key", "sftp.password", "sftp.key-passphrase");
    private static final List<String> TOP = List.of("defaults", "repositories", "instances");
    private static final List<String> DEFAULTS = List.of("repository", "retention", "jobs");
    private static final List<String> REPOSITORY =
            List.of("location", "options", "key_file", "writer_key_file", "key_passphrase");
    private static final List<String> INSTANCE = List.of(
            "odoo_conf", "connection", "data_dir", "database", "repository", "retention", "jobs", "pg_bin", "odoo_bin");
    private static final List<String> CONNECTION = List.of("host", "port", "user", "password", "sslmode");
    private static final List<String> RETENTION = List.of(
            "keep_last",
            "keep_hourly",
            "keep_daily",
            "keep_weekly",
            "keep_monthly",
            "keep_yearly",
            "keep_within",
            "keep_tags");

    public LifeboatConfig {
        repositories = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(repositories));
        instances = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(instances));
        warnings = List.copyOf(warnings);
    }

    /**
     * Which file to read: {@code option} if given, else {@code $LIFEBOAT_CONFIG}, else {@link
     * #DEFAULT_PATH}.
     */
    public static Path locate(Path option, Map<String, String> env) {
        if (option != null) return option;
        String v = env.get(ENV);
        return v == null || v.isBlank() ? DEFAULT_PATH : Path.of(v);
    }

    /**
     * Reads and validates {@code file}; {@code env} is the environment secrets are looked up in.
     *
     * @throws LifeboatException {@code BAD_INPUT} listing every problem with its line, or when the
     *     file cannot be read
     */
    public static LifeboatConfig read(Path file, Map<String, String> env) {
        try (Reader in = new InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT))) {
            return parse(file, in, env);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "configuration file " + file + " does not exist",
                    "Write one (docs/configuration.md) or name another with --config-file or " + ENV + ".");
        } catch (IOException e) {
            throw new LifeboatException(Kind.BAD_INPUT, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    /** Reads and validates a configuration from {@code in}; {@code file} names it in messages. */
    public static LifeboatConfig parse(Path file, Reader in, Map<String, String> env) throws IOException {
        Node root;
        try {
            root = YamlTree.parse(in);
        } catch (YamlTree.SyntaxError e) {
            throw invalid(file, List.of("line " + e.line + ": " + e.getMessage()));
        }
        Reading r = new Reading(env);
        LifeboatConfig config = r.config(file, root);
        if (!r.problems.isEmpty()) throw invalid(file, r.problems);
        return config;
    }

    /**
     * The instance called {@code name}; when null, the only one.
     *
     * @throws LifeboatException {@code USAGE} when there is no such instance, or several and none named
     */
    public InstanceConfig instance(String name) {
        if (name == null) {
            if (instances.size() == 1) return instances.values().iterator().next();
            throw new LifeboatException(
                    Kind.USAGE,
                    instances.isEmpty()
                            ? file + " defines no instance"
                            : "several instances in " + file + ": " + String.join(", ", instances.keySet()),
                    instances.isEmpty()
                            ? "Add one under instances: (docs/configuration.md)."
                            : "Name one with --instance.");
        }
        InstanceConfig i = instances.get(name);
        if (i == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no instance \"" + name + "\" in " + file,
                    instances.isEmpty()
                            ? "The file defines no instance."
                            : "Instances: " + String.join(", ", instances.keySet()) + ".");
        }
        return i;
    }

    private static LifeboatException invalid(Path file, List<String> problems) {
        StringBuilder m = new StringBuilder(
                file + " is not valid (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)"));
        for (String p : problems) m.append("\n  ").append(p);
        return new LifeboatException(Kind.BAD_INPUT, m.toString(), "See docs/configuration.md for the format.");
    }

    /** One reading: the problems and warnings found so far. */
    private static final class Reading {
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Reading(Map<String, String> env) {
            this.env = env;
        }

        void problem(int line, String message) {
            problems.add("line " + line + ": " + message);
        }

        LifeboatConfig config(Path file, Node root) {
            Map<String, RepositoryConfig> repositories = new LinkedHashMap<>();
            Map<String, InstanceConfig> instances = new LinkedHashMap<>();
            if (root == null) return new LifeboatConfig(file, repositories, instances, warnings);
            MapNode top = map(root, "the file");
            if (top == null) return new LifeboatConfig(file, repositories, instances, warnings);
            knownKeys(top, TOP, "the file");

            String defaultRepo = null;
            RetentionPolicy defaultRetention = RetentionPolicy.DEFAULT;
            Integer defaultJobs = null;
            Entry defaults = top.entries().get("defaults");
            MapNode d = defaults == null ? null : map(defaults.value(), "defaults");
            if (d != null) {
                knownKeys(d, DEFAULTS, "defaults");
                defaultRepo = name(d.entries().get("repository"), "defaults: repository");
                RetentionPolicy rp = retention(d.entries().get("retention"), "defaults");
                if (rp != null) defaultRetention = rp;
                defaultJobs = jobs(d.entries().get("jobs"), "defaults");
            }
            Entry repos = top.entries().get("repositories");
            MapNode rs = repos == null ? null : map(repos.value(), "repositories");
            if (rs != null) {
                for (Entry e : rs.entries().values()) {
                    if (checkName(e, "repository")) {
                        RepositoryConfig rc = repository(e);
                        if (rc != null) repositories.put(e.key(), rc);
                    }
                }
            }
            if (defaultRepo != null && (rs == null || !rs.entries().containsKey(defaultRepo))) {
                problem(
                        d.entries().get("repository").line(),
                        "defaults: repository \"" + defaultRepo + "\" is not defined under repositories");
            }
            Entry insts = top.entries().get("instances");
            MapNode is = insts == null ? null : map(insts.value(), "instances");
            if (is != null) {
                for (Entry e : is.entries().values()) {
                    if (!checkName(e, "instance")) continue;
                    InstanceConfig ic = instance(
                            e,
                            defaultRepo,
                            defaultRetention,
                            defaultJobs,
                            rs == null ? Set.of() : rs.entries().keySet());
                    if (ic != null) instances.put(e.key(), ic);
                }
            }
            return new LifeboatConfig(file, repositories, instances, warnings);
        }

        private boolean checkName(Entry e, String what) {
            if (NAME.matcher(e.key()).matches()) return true;
            problem(
                    e.line(),
                    what + " name \"" + e.key()
                            + "\" is not valid: 1-64 lowercase letters, digits, - and _, starting with a letter or digit");
            return false;
        }

        private RepositoryConfig repository(Entry e) {
            String where = "repository \"" + e.key() + "\"";
            MapNode m = map(e.value(), where);
            if (m == null) return null;
            knownKeys(m, REPOSITORY, where);
            Entry loc = m.entries().get("location");
            String location = loc == null ? null : text(loc, where);
            if (loc == null) problem(m.line(), where + ": location is required");
            else if (location != null) checkLocation(loc, location, where);
            Map<String, String> options = new LinkedHashMap<>();
            Map<String, Secret> secretOptions = new LinkedHashMap<>();
            Entry opts = m.entries().get("options");
            MapNode om = opts == null ? null : map(opts.value(), where + ": options");
            if (om != null) {
                for (Entry o : om.entries().values()) {
                    if (SECRET_OPTIONS.contains(o.key())) {
                        Secret s = secret(o, where + ": options");
                        if (s != null) secretOptions.put(o.key(), s);
                    } else if (PLAIN_OPTIONS.contains(o.key())) {
                        String v = text(o, where + ": options");
                        if (v == null) continue;
                        options.put(o.key(), v);
                        if (o.key().equals("sftp.known-hosts") || o.key().equals("sftp.key")) {
                            file(o, v, where + ": options", o.key().equals("sftp.key"));
                        }
                    } else {
                        problem(
                                o.line(),
                                "unknown storage option \"" + o.key() + "\" in " + where + "; known: "
                                        + String.join(", ", PLAIN_OPTIONS) + ", " + String.join(", ", SECRET_OPTIONS));
                    }
                }
            }
            Path key = filePath(m.entries().get("key_file"), where, true);
            Path writer = filePath(m.entries().get("writer_key_file"), where, true);
            Entry pass = m.entries().get("key_passphrase");
            Secret passphrase = pass == null ? null : secret(pass, where);
            if (!m.entries().containsKey("key_file") && !m.entries().containsKey("writer_key_file")) {
                problem(m.line(), where + ": key_file or writer_key_file is required");
            }
            if (pass != null && !m.entries().containsKey("key_file")) {
                problem(pass.line(), where + ": key_passphrase without key_file");
            }
            return new RepositoryConfig(e.key(), location, options, secretOptions, key, passphrase, writer);
        }

        private void checkLocation(Entry at, String location, String where) {
            if (location.startsWith("s3:") || location.startsWith("sftp://")) {
                String uri = location.startsWith("s3:") ? location.substring(3) : location;
                if (uri.contains("://")) {
                    try {
                        String userInfo = new URI(uri).getRawUserInfo();
                        if (userInfo != null && (location.startsWith("s3:") || userInfo.contains(":"))) {
                            problem(
                                    at.line(),
                                    where
                                            + ": credentials in the location are refused; put them in options as secrets");
                        }
                    } catch (URISyntaxException ex) {
                        problem(at.line(), where + ": location is not a valid URL: " + ex.getMessage());
                    }
                }
                return;
            }
            String path = location.startsWith("local:") ? location.substring("local:".length()) : location;
            if (!path.startsWith("/")) {
                problem(
                        at.line(),
                        where + ": location \"" + location
                                + "\" must be an absolute path, local:/path, s3:… or sftp://…");
            } else if (!Files.isDirectory(Path.of(path))) {
                warnings.add("line " + at.line() + ": " + where + ": " + path
                        + " does not exist yet (lifeboat repo init creates it)");
            }
        }

        private InstanceConfig instance(
                Entry e, String defaultRepo, RetentionPolicy defaultRetention, Integer defaultJobs, Set<String> repos) {
            String where = "instance \"" + e.key() + "\"";
            MapNode m = map(e.value(), where);
            if (m == null) return null;
            knownKeys(m, INSTANCE, where);
            Path odooConf = filePath(m.entries().get("odoo_conf"), where, false);
            Path dataDir = dirPath(m.entries().get("data_dir"), where);
            if (!m.entries().containsKey("odoo_conf") && !m.entries().containsKey("data_dir")) {
                problem(m.line(), where + ": odoo_conf or data_dir is required");
            }
            InstanceConfig.Connection connection = connection(m.entries().get("connection"), where);
            Entry db = m.entries().get("database");
            String database = db == null ? null : text(db, where);
            Entry repoEntry = m.entries().get("repository");
            String repository = repoEntry == null ? defaultRepo : name(repoEntry, where + ": repository");
            if (repoEntry != null && repository != null && !repos.contains(repository)) {
                problem(
                        repoEntry.line(),
                        where + ": repository \"" + repository + "\" is not defined under repositories");
            }
            RetentionPolicy retention = retention(m.entries().get("retention"), where);
            Integer jobs = jobs(m.entries().get("jobs"), where);
            Path pgBin = dirPath(m.entries().get("pg_bin"), where);
            Path odooBin = filePath(m.entries().get("odoo_bin"), where, false);
            return new InstanceConfig(
                    e.key(),
                    odooConf,
                    connection,
                    dataDir,
                    database,
                    repository,
                    retention == null ? defaultRetention : retention,
                    jobs == null ? defaultJobs : jobs,
                    pgBin,
                    odooBin);
        }

        private InstanceConfig.Connection connection(Entry e, String where) {
            if (e == null) return InstanceConfig.Connection.NONE;
            String w = where + ": connection";
            MapNode m = map(e.value(), w);
            if (m == null) return InstanceConfig.Connection.NONE;
            knownKeys(m, CONNECTION, w);
            Entry h = m.entries().get("host");
            Entry u = m.entries().get("user");
            Entry pw = m.entries().get("password");
            Entry ssl = m.entries().get("sslmode");
            String sslmode = ssl == null ? null : text(ssl, w);
            if (sslmode != null && !SSLMODES.contains(sslmode)) {
                problem(
                        ssl.line(),
                        w + ": sslmode \"" + sslmode + "\" is not one of "
                                + String.join(", ", new java.util.TreeSet<>(SSLMODES)));
            }
            return new InstanceConfig.Connection(
                    h == null ? null : text(h, w),
                    integer(m.entries().get("port"), w, 1, 65535),
                    u == null ? null : text(u, w),
                    pw == null ? null : secret(pw, w),
                    sslmode);
        }

        private RetentionPolicy retention(Entry e, String where) {
            if (e == null) return null;
            String w = where + ": retention";
            MapNode m = map(e.value(), w);
            if (m == null) return null;
            knownKeys(m, RETENTION, w);
            int[] counts = new int[6];
            for (int i = 0; i < 6; i++) {
                Integer n = integer(m.entries().get(RETENTION.get(i)), w, 0, 1_000_000);
                counts[i] = n == null ? 0 : n;
            }
            Entry within = m.entries().get("keep_within");
            Duration keepWithin = null;
            if (within != null) {
                String t = text(within, w);
                if (t != null) {
                    keepWithin = duration(t);
                    if (keepWithin == null) {
                        problem(
                                within.line(),
                                w + ": keep_within \"" + t
                                        + "\" is not a duration (7d, 2w, 1y6m, 36h or ISO-8601 P10D)");
                    }
                }
            }
            Set<String> tags = new LinkedHashSet<>();
            Entry te = m.entries().get("keep_tags");
            if (te != null) {
                if (te.value() instanceof ListNode l) {
                    for (Node n : l.items()) {
                        if (n instanceof Scalar s
                                && s.text() != null
                                && !s.text().isBlank()) tags.add(s.text());
                        else problem(n.line(), w + ": keep_tags must be a list of tags");
                    }
                } else {
                    problem(te.line(), w + ": keep_tags must be a list, e.g. [monthly, release]");
                }
            }
            return new RetentionPolicy(
                    counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], keepWithin, tags);
        }

        private Integer jobs(Entry e, String where) {
            return integer(e, where, 1, 64);
        }

        private Integer integer(Entry e, String where, int min, int max) {
            if (e == null) return null;
            String t = text(e, where);
            if (t == null) return null;
            try {
                int n = Integer.parseInt(t.strip());
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException ex) {
                // reported below
            }
            problem(
                    e.line(),
                    where + ": " + e.key() + " must be a whole number from " + min + " to " + max + ", not \"" + t
                            + "\"");
            return null;
        }

        private String name(Entry e, String where) {
            if (e == null) return null;
            String t = text(e, where);
            if (t != null && !NAME.matcher(t).matches()) {
                problem(e.line(), where + ": \"" + t + "\" is not a valid repository name");
                return null;
            }
            return t;
        }

        private Secret secret(Entry e, String where) {
            String w = where + ": " + e.key();
            if (!(e.value() instanceof MapNode m) || m.entries().size() != 1) {
                problem(e.line(), w + " is a secret: write {env: VARIABLE} or {file: /path}, never the value itself");
                return null;
            }
            Entry ref = m.entries().values().iterator().next();
            String t = ref.value() instanceof Scalar s ? s.text() : null;
            if (t == null || t.isBlank()) {
                problem(ref.line(), w + ": " + ref.key() + " needs a value");
                return null;
            }
            switch (ref.key()) {
                case "env" -> {
                    Secret s = new Secret(Secret.Source.ENV, t);
                    if (!s.available(env)) problem(ref.line(), w + ": environment variable " + t + " is not set");
                    return s;
                }
                case "file" -> {
                    Path p = file(ref, t, w, true);
                    return p == null ? null : new Secret(Secret.Source.FILE, t);
                }
                default -> {
                    problem(ref.line(), w + ": unknown secret source \"" + ref.key() + "\"; known: env, file");
                    return null;
                }
            }
        }

        private Path filePath(Entry e, String where, boolean secret) {
            if (e == null) return null;
            String t = text(e, where);
            return t == null ? null : file(e, t, where, secret);
        }

        /** An absolute path to a readable regular file; warns when a secret one is readable by others. */
        private Path file(Entry at, String t, String where, boolean secret) {
            Path p = absolute(at, t, where);
            if (p == null) return null;
            if (!Files.exists(p)) problem(at.line(), where + ": " + at.key() + " " + p + " does not exist");
            else if (!Files.isRegularFile(p)) problem(at.line(), where + ": " + at.key() + " " + p + " is not a file");
            else if (!Files.isReadable(p)) problem(at.line(), where + ": " + at.key() + " " + p + " cannot be read");
            else if (secret) {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                        warnings.add("line " + at.line() + ": " + where + ": " + p
                                + " can be read by every user (chmod 600 it)");
                    }
                } catch (IOException | UnsupportedOperationException ex) {
                    // no POSIX permissions to judge
                }
            }
            return p;
        }

        private Path dirPath(Entry e, String where) {
            if (e == null) return null;
            String t = text(e, where);
            if (t == null) return null;
            Path p = absolute(e, t, where);
            if (p == null) return null;
            if (!Files.exists(p)) problem(e.line(), where + ": " + e.key() + " " + p + " does not exist");
            else if (!Files.isDirectory(p)) problem(e.line(), where + ": " + e.key() + " " + p + " is not a directory");
            return p;
        }

        private Path absolute(Entry at, String t, String where) {
            if (!t.startsWith("/")) {
                problem(at.line(), where + ": " + at.key() + " \"" + t + "\" must be an absolute path");
                return null;
            }
            return Path.of(t).normalize();
        }

        private String text(Entry e, String where) {
            if (e.value() instanceof Scalar s) {
                if (s.text() != null && !s.text().isEmpty()) return s.text();
                problem(e.line(), where + ": " + e.key() + " needs a value");
            } else {
                problem(
                        e.line(),
                        where + ": " + e.key() + " must be a single value, not a "
                                + (e.value() instanceof MapNode ? "mapping" : "list"));
            }
            return null;
        }

        private MapNode map(Node n, String what) {
            if (n instanceof MapNode m) return m;
            problem(n.line(), what + " must be a mapping of keys to values");
            return null;
        }

        private void knownKeys(MapNode m, List<String> known, String where) {
            for (Entry e : m.entries().values()) {
                if (!known.contains(e.key())) {
                    problem(
                            e.line(),
                            "unknown key \"" + e.key() + "\" in " + where + "; known: " + String.join(", ", known));
                }
            }
        }
    }

    /** {@code 7d}, {@code 1y6m}, {@code 36h} (y = 365 days, m = 30 days) or ISO-8601; null if invalid. */
    static Duration duration(String s) {
        String t = s.strip();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(t);
        long hours = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            hours += n
                    * switch (m.group(2)) {
                        case "y", "Y" -> 365 * 24;
                        case "m" -> 30 * 24;
                        case "w" -> 7 * 24;
                        case "d" -> 24;
                        default -> 1;
                    };
            end = m.end();
        }
        return end == 0 || end != t.length() ? null : Duration.ofHours(hours);
    }
}
