package io.lifeboat.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster run from the installed server binaries: data directory, Unix
 * socket and server log live in one fresh temporary directory, authentication is {@code trust},
 * durability is off (fsync, synchronous commit and full page writes) for speed.
 *
 * <p>When the JVM runs as root the server runs as the operating system user {@code postgres}
 * (initdb refuses root). {@link #close()} always stops the server and deletes the directory; a
 * shutdown hook does the same if the JVM exits without closing. Instances are thread-safe.
 *
 * <p>It is long because it is the whole life of a cluster (initdb, configuration, start, base backup,
 * recovery, stop and removal, running as the server's OS user).
 */
public final class PgCluster implements AutoCloseable {

    /** The database superuser created by initdb. */
    public static final String SUPERUSER = "postgres";

    private static final String HOST = "127.0.0.1";
    private static final String OS_USER = "postgres";

    /**
     * How to start a cluster.
     *
     * @param binDir directory holding initdb, pg_ctl and postgres; null to find it (see {@link
     *     #defaultBinDir()})
     * @param settings extra server settings ({@code postgresql.conf} names and values), applied
     *     after and over the defaults
     */
    public record Options(Path binDir, Map<String, String> settings) {
        public Options {
            settings = Map.copyOf(settings);
        }

        public static Options defaults() {
            return new Options(null, Map.of());
        }

        public Options withBinDir(Path dir) {
            return new Options(dir, settings);
        }

        public Options withSetting(String name, String value) {
            Map<String, String> s = new LinkedHashMap<>(settings);
            s.put(name, value);
            return new Options(binDir, s);
        }
    }

    private final Path baseDir;
    private final Path binDir;
    private final int port;
    private final int majorVersion;
    private final boolean asRoot;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private PgCluster(Path baseDir, Path binDir, int port, int majorVersion, boolean asRoot) {
        this.baseDir = baseDir;
        this.binDir = binDir;
        this.port = port;
        this.majorVersion = majorVersion;
        this.asRoot = asRoot;
        this.shutdownHook = new Thread(this::stopAndDelete, "lifeboat-temp-cluster-stop");
    }

    /** Starts a cluster with the default options. */
    public static PgCluster start() {
        return start(Options.defaults());
    }

    /**
     * Creates and starts a cluster; returns once it accepts connections.
     *
     * @throws IllegalStateException if the binaries are missing or the server does not start (the
     *     message includes the end of the server log)
     */
    public static PgCluster start(Options options) {
        Path bin = options.binDir() != null ? options.binDir() : defaultBinDir();
        boolean asRoot = isRoot();
        Path base = newBase(asRoot);
        try {
            Path data = base.resolve("data");
            run(
                    serverCommand(
                            asRoot,
                            bin.resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-A",
                            "trust",
                            "-U",
                            SUPERUSER,
                            "--no-sync",
                            "-E",
                            "UTF8",
                            "--locale=C"),
                    null);
            return configureAndStart(base, bin, asRoot, options.settings());
        } catch (RuntimeException e) {
            deleteTree(base);
            throw e;
        }
    }

    /**
     * Where a point-in-time recovery stops (PostgreSQL 12+ recovery settings).
     *
     * @param restoreCommand the shell command that copies archived WAL segment {@code %f} to {@code %p}
     * @param targetTime the moment to recover to ({@code recovery_target_time}), or null for the end of
     *     the archive
     * @param targetAction {@code promote} (the recovered server accepts writes), {@code pause} or {@code
     *     shutdown}
     */
    public record Recovery(String restoreCommand, String targetTime, String targetAction) {}

    /**
     * Takes a base backup of this running cluster ({@code pg_basebackup}, WAL needed for consistency
     * included) into a new directory and returns it; {@link #recover} starts a cluster from it.
     */
    public Path baseBackup() {
        Path base = newBase(asRoot);
        Path target = base.resolve("data");
        run(
                serverCommand(
                        asRoot,
                        binDir.resolve("pg_basebackup").toString(),
                        "-h",
                        HOST,
                        "-p",
                        Integer.toString(port),
                        "-U",
                        SUPERUSER,
                        "-D",
                        target.toString(),
                        "-X",
                        "fetch",
                        "--no-sync"),
                null);
        return target;
    }

    /**
     * Starts a cluster from {@code baseBackup} (a directory {@link #baseBackup} made; it is moved, not
     * copied) that recovers as {@code recovery} says, and returns once recovery reached its target and
     * the server was promoted (for {@code promote}) or accepts connections (otherwise).
     */
    public static PgCluster recover(Path baseBackup, Recovery recovery, Options options) {
        Path bin = options.binDir() != null ? options.binDir() : defaultBinDir();
        boolean asRoot = isRoot();
        Path base = newBase(asRoot);
        try {
            Path data = base.resolve("data");
            Files.move(baseBackup, data);
            Path left = baseBackup.getParent();
            if (left != null && left.getFileName().toString().startsWith("lifeboat-pg-")) Files.deleteIfExists(left);
            Files.deleteIfExists(data.resolve("postmaster.pid"));
            Files.writeString(data.resolve("recovery.signal"), "");
            if (asRoot) run(List.of("chown", "-R", OS_USER + ":", base.toString()), null);
            Map<String, String> settings = new LinkedHashMap<>(options.settings());
            settings.put("archive_mode", "off");
            settings.put("restore_command", recovery.restoreCommand());
            if (recovery.targetTime() != null) settings.put("recovery_target_time", recovery.targetTime());
            settings.put("recovery_target_action", recovery.targetAction());
            PgCluster c = configureAndStart(base, bin, asRoot, settings);
            if ("promote".equals(recovery.targetAction())) c.awaitPromotion();
            return c;
        } catch (IOException e) {
            deleteTree(base);
            throw new UncheckedIOException("cannot set up the recovered cluster in " + base, e);
        } catch (RuntimeException e) {
            deleteTree(base);
            throw e;
        }
    }

    /**
     * Starts a server in recovery on the data directory {@code base/data} (restored from a base
     * backup by the caller) and returns as soon as pg_ctl has launched it, without waiting for it to
     * accept connections; the caller watches the recovery (and may give up: {@link #close()} stops
     * and removes it). Unlike
     * a throwaway cluster it keeps PostgreSQL's durability settings. {@code overrides} are appended to
     * {@code postgresql.auto.conf}, the last configuration file PostgreSQL reads, so they win over
     * whatever the production configuration copied with the base backup says (archive_command
     * included); {@code listen_addresses} and the socket directory are set here. A missing
     * {@code postgresql.conf} (kept outside the data directory, as Debian does) is created empty and a
     * missing {@code pg_hba.conf} allows local peer and password logins only.
     *
     * @throws IllegalStateException if the server does not start (the message includes its log)
     */
    public static PgCluster startRecovery(Path base, Map<String, String> overrides, Options options) {
        Path bin = options.binDir() != null ? options.binDir() : defaultBinDir();
        boolean asRoot = isRoot();
        Path data = base.resolve("data");
        try {
            Files.deleteIfExists(data.resolve("postmaster.pid"));
            Files.deleteIfExists(data.resolve("postmaster.opts"));
            if (!Files.exists(data.resolve("postgresql.conf"))) Files.writeString(data.resolve("postgresql.conf"), "");
            if (!Files.exists(data.resolve("pg_hba.conf"))) {
                Files.writeString(
                        data.resolve("pg_hba.conf"), "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n");
            }
            Files.writeString(data.resolve("recovery.signal"), "");
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("listen_addresses", HOST);
            conf.put("unix_socket_directories", base.toString());
            conf.putAll(overrides);
            StringBuilder text = new StringBuilder("\n# lifeboat recovery (these lines win over the ones above)\n");
            conf.forEach((k, v) ->
                    text.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
            Files.writeString(
                    data.resolve("postgresql.auto.conf"),
                    text,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (asRoot) run(List.of("chown", "-R", OS_USER + ":", base.toString()), null);
            int major = Integer.parseInt(
                    Files.readString(data.resolve("PG_VERSION")).trim());
            int port = freePort();
            PgCluster c = new PgCluster(base, bin, port, major, asRoot);
            // no waiting here: reaching consistency may take long, and the caller's wait can be cancelled
            Runtime.getRuntime().addShutdownHook(c.shutdownHook);
            try {
                c.pgCtl("-W", "start", "-l", c.logFile().toString(), "-o", "-p " + port);
            } catch (IllegalStateException e) {
                c.close();
                throw new IllegalStateException(
                        "postgresql did not start on port " + port + ": " + e.getMessage() + "\nserver log:\n"
                                + c.logTail(),
                        e);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the recovered cluster in " + base, e);
        }
    }

    /**
     * Leaves the server running and its directory in place when this object is closed or the JVM
     * exits (a side copy the user goes on working with). Idempotent.
     */
    public void detach() {
        if (closed.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook is disarmed by the closed flag
            }
        }
    }

    /** Stops the server (fast shutdown) without deleting anything. */
    public void stop() {
        pgCtl("-w", "-t", "60", "-m", "fast", "stop");
    }

    /**
     * Stops the server of {@code dataDir} (fast shutdown, as the server's operating system user), a cluster
     * this process does not hold, such as a side copy left running; returns whether no server runs there any
     * more. Nothing is deleted.
     */
    public static boolean stop(Path binDir, Path dataDir) {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) return true;
        try {
            run(
                    serverCommand(
                            isRoot(),
                            binDir.resolve("pg_ctl").toString(),
                            "-D",
                            dataDir.toString(),
                            "-w",
                            "-t",
                            "60",
                            "-m",
                            "fast",
                            "stop"),
                    dataDir.getParent());
            return true;
        } catch (IllegalStateException e) {
            return !Files.exists(dataDir.resolve("postmaster.pid"));
        }
    }

    /** The last lines of the server log. */
    public String serverLogTail() {
        return logTail();
    }

    /** Waits (up to ten minutes) until the server has left recovery. */
    private void awaitPromotion() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            try (Connection c = connect("postgres");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) return;
            } catch (SQLException e) {
                // the server may refuse connections for a moment while it promotes
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("recovery did not finish; server log:\n" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for recovery", e);
            }
        }
    }

    /** A new temporary base directory, owned by the server's operating system user when running as root. */
    private static Path newBase(boolean asRoot) {
        try {
            Path base = Files.createTempDirectory("lifeboat-pg-");
            if (asRoot) run(List.of("chown", "-R", OS_USER + ":", base.toString()), null);
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the cluster", e);
        }
    }

    /** Appends Lifeboat's settings to {@code base/data}'s postgresql.conf and starts the server on a free port. */
    private static PgCluster configureAndStart(Path base, Path bin, boolean asRoot, Map<String, String> extra) {
        Path data = base.resolve("data");
        try {
            int major = Integer.parseInt(
                    Files.readString(data.resolve("PG_VERSION")).trim());
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("listen_addresses", HOST);
            conf.put("unix_socket_directories", base.toString());
            conf.put("fsync", "off");
            conf.put("synchronous_commit", "off");
            conf.put("full_page_writes", "off");
            conf.put("max_connections", "100");
            conf.put("wal_level", "replica");
            conf.put("shared_buffers", "128MB");
            conf.putAll(extra);
            StringBuilder text = new StringBuilder("\n# lifeboat cluster\n");
            conf.forEach((k, v) ->
                    text.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
            Files.writeString(data.resolve("postgresql.conf"), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                PgCluster c = new PgCluster(base, bin, port, major, asRoot);
                try {
                    c.pgCtl("-w", "-t", "60", "start", "-l", c.logFile().toString(), "-o", "-p " + port);
                    Runtime.getRuntime().addShutdownHook(c.shutdownHook);
                    return c;
                } catch (IllegalStateException e) {
                    last = new IllegalStateException(
                            "postgresql did not start on port " + port + ": " + e.getMessage() + "\nserver log:\n"
                                    + c.logTail(),
                            e);
                }
            }
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the cluster in " + base, e);
        }
    }

    /**
     * The binary directory used when none is given: the highest {@code /usr/lib/postgresql/<N>/bin}
     * holding initdb and pg_ctl.
     */
    public static Path defaultBinDir() {
        Path root = Paths.get("/usr/lib/postgresql");
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .sorted(Comparator.comparingInt(
                                    (Path d) -> Integer.parseInt(d.getFileName().toString()))
                            .reversed())
                    .map(d -> d.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException(
                                    "no postgresql server binaries under /usr/lib/postgresql; name the directory with Options.withBinDir"));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no postgresql server binaries under /usr/lib/postgresql; name the directory with Options.withBinDir",
                    e);
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** Directory holding the server's Unix socket ({@code .s.PGSQL.<port>}). */
    public Path socketDir() {
        return baseDir;
    }

    /** The data directory (owned by the server's operating system user). */
    public Path dataDir() {
        return baseDir.resolve("data");
    }

    public Path logFile() {
        return baseDir.resolve("server.log");
    }

    public String superuser() {
        return SUPERUSER;
    }

    public Path binDir() {
        return binDir;
    }

    public int majorVersion() {
        return majorVersion;
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + db;
    }

    /** Opens a connection to {@code db} as the superuser. */
    public Connection connect(String db) throws SQLException {
        return connect(db, SUPERUSER);
    }

    /** Opens a connection to {@code db} as {@code user} (trust authentication, no password). */
    public Connection connect(String db, String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        return DriverManager.getConnection(jdbcUrl(db), p);
    }

    public void createDatabase(String name) throws SQLException {
        createDatabase(name, SUPERUSER);
    }

    public void createDatabase(String name, String owner) throws SQLException {
        exec("CREATE DATABASE " + ident(name) + " OWNER " + ident(owner));
    }

    /**
     * Creates a role; {@code options} are role attributes written as SQL, e.g. {@code "LOGIN",
     * "CREATEDB"}. They are not escaped: pass only trusted text.
     */
    public void createRole(String name, String... options) throws SQLException {
        exec("CREATE ROLE " + ident(name) + (options.length == 0 ? "" : " WITH " + String.join(" ", options)));
    }

    /** Drops the database if it exists, terminating its connections. */
    public void dropDatabase(String name) throws SQLException {
        exec("DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)");
    }

    /** Names of the non-template databases, sorted. */
    public List<String> databases() throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** libpq environment ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}). */
    public Map<String, String> env(String db, String user) {
        return Map.of("PGHOST", HOST, "PGPORT", Integer.toString(port), "PGUSER", user, "PGDATABASE", db);
    }

    /** Restarts the server, e.g. after changing settings that need a restart. */
    public void restart() {
        pgCtl("-w", "-t", "60", "restart", "-m", "fast", "-l", logFile().toString(), "-o", "-p " + port);
    }

    /** Whether the server process still runs (per pg_ctl status). */
    public boolean isRunning() {
        try {
            pgCtl("status");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Stops the server immediately and deletes its directory. Idempotent. */
    @Override
    public void close() {
        if (closed.get()) {
            return;
        }
        stopAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs or has run, which is harmless
        }
    }

    private void stopAndDelete() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            pgCtl("-w", "-t", "30", "-m", "immediate", "stop");
        } catch (RuntimeException e) {
            killPostmaster();
        }
        deleteTree(baseDir);
    }

    private void killPostmaster() {
        try {
            String first = Files.readAllLines(dataDir().resolve("postmaster.pid"))
                    .get(0)
                    .trim();
            ProcessHandle.of(Long.parseLong(first)).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException ignored) {
            // no pid file: the server is not running
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no server log)";
        }
    }

    private void pgCtl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binDir.resolve("pg_ctl").toString());
        cmd.add("-D");
        cmd.add(dataDir().toString());
        cmd.addAll(List.of(args));
        run(serverCommand(asRoot, cmd.toArray(String[]::new)), baseDir);
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Quotes an SQL identifier. */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static List<String> serverCommand(boolean asRoot, String... cmd) {
        List<String> out = new ArrayList<>();
        if (asRoot) {
            out.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        out.addAll(List.of(cmd));
        return out;
    }

    private static void run(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            // the server must not inherit the caller's libpq settings or locale surprises
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }

    private static boolean isRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary file is not worth failing a test run
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, as above
        }
    }
}
