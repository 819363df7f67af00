package io.lifeboat.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a run has made that is not committed yet — temporary databases, roles, directories, files — with
 * the way to undo each. It serves two cases:
 *
 * <ul>
 *   <li>the run is interrupted (SIGINT, SIGTERM): a front end calls {@link #abortAll()} from a shutdown
 *       hook, which undoes what every open ledger of this process holds, exactly as a failure would;
 *   <li>the run dies without cleaning up (SIGKILL, power loss): the ledger is also a file, {@code
 *       <data_dir>/lifeboat/runs/<id>.json}, naming the process (pid, host, start time) and the resources;
 *       a later run or {@code lifeboat cleanup} sees that the process is gone and removes them.
 * </ul>
 *
 * <p>The file is rewritten (temporary name, then rename) each time a resource is added or released, and
 * removed when the run ends. A run commits (the swap of a restore) inside {@code synchronized (ledger)}
 * after {@link #checkCancelled()}, and releases what it committed there: {@link #abort()} takes the same
 * lock, so an interruption either comes before the commit and undoes everything, or waits for it and
 * undoes nothing that was committed.
 */
public final class RunLedger implements AutoCloseable {

    /** A resource: {@code database}, {@code role}, {@code directory} or {@code file}, and its name or path. */
    public record Resource(String type, String name) {
        public static Resource database(String name) {
            return new Resource("database", name);
        }

        public static Resource role(String name) {
            return new Resource("role", name);
        }

        public static Resource directory(Path dir) {
            return new Resource("directory", dir.toAbsolutePath().toString());
        }

        public static Resource file(Path file) {
            return new Resource("file", file.toAbsolutePath().toString());
        }
    }

    /** A ledger file as read back. */
    public record Record(
            Path file, String id, long pid, String host, Instant started, String operation, List<Resource> resources) {

        /** Whether the run that wrote it may still be running (another host's runs are assumed to be). */
        public boolean alive() {
            return !host.equals(hostName()) || processAlive(pid, started);
        }

        /** "pid 123 on host, started ..., restore x". */
        public String describe() {
            return operation + " (pid " + pid + " on " + host + ", started "
                    + started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Set<RunLedger> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean interrupted;
    private static final java.util.concurrent.atomic.AtomicInteger NOT_REMOVED =
            new java.util.concurrent.atomic.AtomicInteger();

    private final Path file;
    private final String id;
    private final String operation;
    private final Instant started = Instant.now();
    private final LinkedHashMap<Resource, Runnable> undo = new LinkedHashMap<>();
    private volatile boolean cancelled;
    private boolean closed;

    private RunLedger(Path file, String id, String operation) {
        this.file = file;
        this.id = id;
        this.operation = operation;
    }

    /**
     * Opens a ledger for one run. {@code dataDir} (may be null) is where its file is kept; when it is null
     * or cannot be written, the ledger still undoes an interrupted run of this process.
     */
    public static RunLedger begin(Path dataDir, String id, String operation) {
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("bad run id " + id);
        Path f = null;
        if (dataDir != null) {
            try {
                f = Files.createDirectories(runsDir(dataDir)).resolve(id + ".json");
            } catch (IOException e) {
                f = null; // read-only data_dir: in-process undo only
            }
        }
        RunLedger l = new RunLedger(f, id, operation);
        l.write();
        OPEN.add(l);
        return l;
    }

    public static Path runsDir(Path dataDir) {
        return dataDir.resolve("lifeboat").resolve("runs");
    }

    /** Records a resource before it is made, with the way to remove it. */
    public synchronized void add(Resource r, Runnable removal) {
        checkCancelled();
        undo.put(r, removal);
        write();
    }

    /** Records a file before it is written; undoing deletes it. Returns its resource. */
    public Resource addFile(Path f) {
        Resource r = Resource.file(f);
        add(r, () -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return r;
    }

    /** The resource was committed or removed by the run itself: nothing to undo any more. */
    public synchronized void release(Resource r) {
        if (undo.remove(r) != null) write();
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Throws if the run was interrupted; called at safe points. */
    public void checkCancelled() {
        if (cancelled) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT, "interrupted", "Nothing was changed; temporary data was removed.");
        }
    }

    /**
     * Ends the run. The ledger file is removed when nothing is recorded any more; otherwise it stays, naming
     * what could not be removed, for the next run or {@code lifeboat cleanup} once this process is gone.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        OPEN.remove(this);
        if (file != null && undo.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stale ledger names a dead process: the next run removes it
            }
        }
    }

    /** Undoes what the run holds (latest first) and ends it; returns how many resources it removed. */
    public synchronized int abort() {
        cancelled = true;
        int removed = 0;
        List<Map.Entry<Resource, Runnable>> entries = new ArrayList<>(undo.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            try {
                entries.get(i).getValue().run();
                undo.remove(entries.get(i).getKey());
                removed++;
            } catch (RuntimeException ignored) {
                // keep going: what is left stays in the ledger file for the next run
                NOT_REMOVED.incrementAndGet();
            }
        }
        write();
        close();
        return removed;
    }

    /** How many resources the open runs of this process hold now (made and not yet committed or removed). */
    public static int pendingCount() {
        int n = 0;
        for (RunLedger l : List.copyOf(OPEN)) {
            synchronized (l) {
                n += l.undo.size();
            }
        }
        return n;
    }

    /** How many resources {@link #abort()} failed to remove so far in this process (they stay in ledger files). */
    public static int notRemovedCount() {
        return NOT_REMOVED.get();
    }

    /** For shutdown hooks: aborts every open ledger of this process; returns how many resources were removed. */
    public static int abortAll() {
        interrupted = true;
        int n = 0;
        for (RunLedger l : List.copyOf(OPEN)) n += l.abort();
        return n;
    }

    /**
     * Whether {@link #abortAll()} was called: the process is being interrupted, and what its runs still
     * do (they fail as their temporary data disappears) is of no interest to the user.
     */
    public static boolean interrupted() {
        return interrupted;
    }

    /** The ledger files under {@code dataDir}; unreadable files are skipped. */
    public static List<Record> read(Path dataDir) {
        Path dir = runsDir(dataDir);
        List<Record> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : s) {
                try {
                    JsonNode n = JSON.readTree(f.toFile());
                    List<Resource> rs = new ArrayList<>();
                    for (JsonNode r : n.path("resources")) {
                        rs.add(new Resource(
                                r.path("type").asText(), r.path("name").asText()));
                    }
                    out.add(new Record(
                            f,
                            n.path("id").asText(),
                            n.path("pid").asLong(),
                            n.path("host").asText(),
                            Instant.parse(n.path("started").asText()),
                            n.path("operation").asText(),
                            rs));
                } catch (IOException | RuntimeException e) {
                    // not a ledger of ours
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Removes a ledger file whose run is gone and whose resources were removed. */
    public static void forget(Record r) {
        try {
            Files.deleteIfExists(r.file());
        } catch (IOException ignored) {
            // listed again next time
        }
    }

    /** Whether a process with this pid runs and started no later than {@code notAfter} (else the pid was reused). */
    public static boolean processAlive(long pid, Instant notAfter) {
        return ProcessHandle.of(pid)
                .map(p -> p.info()
                        .startInstant()
                        .map(s -> !s.isAfter(notAfter.plusSeconds(1)))
                        .orElse(true))
                .orElse(false);
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private void write() {
        // once ended (by the run, or by an interruption on another thread) the file is not written again
        if (file == null || closed) return;
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("pid", ProcessHandle.current().pid());
        n.put("host", hostName());
        n.put("started", started.toString());
        n.put("operation", operation);
        ArrayNode rs = n.putArray("resources");
        for (Resource r : undo.keySet()) rs.addObject().put("type", r.type()).put("name", r.name());
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // in-process undo still works
        }
    }
}
