package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Loads a plain SQL dump written by {@code pg_dump} (already passed through {@link PlainDumpFilter})
 * over several JDBC connections, the way {@code pg_restore --jobs} loads an archive.
 *
 * <p>The dump is read once, as a stream, and split at the comment headers pg_dump writes before each
 * entry ({@code -- Name: ...; Type: ...; Schema: ...}). Entries run as follows:
 *
 * <ul>
 *   <li>session settings ({@code SET ...;}, {@code set_config(...)}) are applied on every connection
 *       before it runs anything that follows them in the dump;
 *   <li>{@code TABLE DATA} ({@code COPY ... FROM stdin}) blocks are cut at row boundaries into COPY
 *       commands of about 4 MiB, which run on the worker connections (several at once for a big
 *       table: rows may end up in a different physical order than with psql), each through a bounded
 *       buffer, so memory stays bounded (about 5 MiB per worker) whatever the table size; the reader
 *       waits when every worker is busy;
 *   <li>{@code SEQUENCE SET} entries run in dump order while table data is still loading;
 *   <li>consecutive {@code INDEX} and {@code CONSTRAINT} entries run in parallel, larger tables first,
 *       never two on one table when one of them locks it exclusively, and not before that table's
 *       data is loaded; consecutive {@code FK CONSTRAINT} entries run in parallel once all of those
 *       are done, never two at once on the same table (referencing or referenced);
 *   <li>everything else runs alone, in dump order, after all earlier entries finished.
 * </ul>
 *
 * <p>Each statement commits on its own, like {@code psql} without {@code --single-transaction}: after a
 * failure the database holds a partial load and must be dropped. The first failure anywhere cancels
 * the statements still running and is thrown as {@link LifeboatException} ({@link Kind#BAD_INPUT})
 * naming the entry. Anything unexpected in the dump (a psql meta-command other than {@code \restrict}
 * / {@code &#92;unrestrict}, a statement before the first entry that is not a session setting, a client
 * encoding other than UTF-8, an entry larger than 16 MiB of SQL) is refused the same way rather than
 * guessed at. Table data in INSERT form ({@code pg_dump --inserts}) runs in dump order on one connection.
 *
 * <p>An instance loads one dump; {@link #load} is not meant to be called concurrently.
 */
public final class ParallelPlainLoader {

    private static final int CHUNK = 256 * 1024;
    /** COPY data is sent as COPY commands of about this size, so workers share big tables. */
    private static final long SEGMENT_BYTES = 4L * 1024 * 1024;

    private static final int CHUNKS_PER_WORKER = (int) (SEGMENT_BYTES / CHUNK) + 4;
    private static final int MAX_ENTRY_CHARS = 16 * 1024 * 1024;
    private static final byte[] END = new byte[0];
    private static final String HINT = "The dump stopped at the first SQL error; the target was not changed.";
    private static final String REFUSE_HINT =
            "Lifeboat loads only what pg_dump writes; check where this dump came from.";

    private static final Pattern HEADER = Pattern.compile(
            "^-- (Data for )?Name: (.*); Type: ([A-Z][A-Z ]*); Schema: (.*); Owner: [^;]*(; Tablespace: .*)?$");
    private static final Pattern SET_LINE = Pattern.compile("^SET ([A-Za-z_][A-Za-z0-9_.]*) (?:=|TO) (.*);$");
    private static final Pattern SET_CONFIG =
            Pattern.compile("^SELECT pg_catalog\\.set_config\\('([A-Za-z_][A-Za-z0-9_.]*)', .*\\);$");

    private final PgConnection connection;
    private final String database;
    private final int jobs;
    private final Progress progress;

    /**
     * @param jobs worker connections for table data and post-data entries (one more connection runs
     *     the entries that must run alone)
     */
    public ParallelPlainLoader(PgConnection connection, String database, int jobs, Progress progress) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
        this.connection = connection;
        this.database = database;
        this.jobs = jobs;
        this.progress = progress == null ? Progress.NONE : progress;
    }

    /**
     * Loads the dump (already filtered by {@link PlainDumpFilter}) into the database; stops at the
     * first error, throwing {@link LifeboatException} ({@link Kind#BAD_INPUT}) naming the failing
     * statement or table. Returns once every statement finished; on failure, once all connections are
     * closed (running statements are cancelled).
     */
    public void load(InputStream dump) throws IOException, SQLException {
        try (Run run = new Run(dump)) {
            run.start();
            run.read();
        }
    }

    // ------------------------------------------------------------------ model

    private enum Cls {
        COPY,
        SEQUENCE_SET,
        INDEX_OR_CONSTRAINT,
        FOREIGN_KEY,
        ALONE
    }

    /** One pg_dump TOC entry being read. */
    private static final class Entry {
        final String name;
        final String type;
        final String schema;
        final StringBuilder body = new StringBuilder();
        boolean copied;

        Entry(String name, String type, String schema) {
            this.name = name;
            this.type = type;
            this.schema = schema;
        }

        String label() {
            return type.toLowerCase(Locale.ROOT) + " " + (schema.equals("-") ? "" : schema + ".") + name;
        }
    }

    private static final int EXCLUSIVE = 0;
    private static final int SHARED_INDEX = 1;
    private static final int SHARED_COPY = 2;

    /**
     * A lock a task takes on a table while it runs: {@link #EXCLUSIVE}, or a shared mode compatible
     * only with itself.
     */
    private record TableLock(String table, int mode) {}

    private static final class Task {
        final String label;
        final StringBuilder sql;
        final String copySql;
        final List<TableLock> locks;
        final boolean global;
        final List<String> settings;
        final BlockingQueue<byte[]> pipe;
        long weight;

        Task(String label, String sql, String copySql, List<TableLock> locks, List<String> settings) {
            this.label = label;
            this.sql = sql == null ? null : new StringBuilder(sql);
            this.copySql = copySql;
            this.locks = locks;
            this.global = locks == null;
            this.settings = settings;
            this.pipe = copySql == null ? null : new ArrayBlockingQueue<>(CHUNKS_PER_WORKER);
        }
    }

    // ------------------------------------------------------------------ one load

    private final class Run implements AutoCloseable {
        private final DumpReader in;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<Worker> workers = new ArrayList<>();
        private final ArrayDeque<Worker> idle = new ArrayDeque<>();
        /** Per locked table: mode and holder count. */
        private final Map<String, int[]> tableLocks = new HashMap<>();

        private final Map<String, Long> tableBytes = new HashMap<>();
        private int running;
        private boolean globalHeld;
        private volatile LifeboatException failure;

        private final LinkedHashMap<String, String> settings = new LinkedHashMap<>();
        private List<String> settingsSnapshot = List.of();
        private Connection main;
        private List<String> mainSettings = List.of();

        private final List<Task> pending = new ArrayList<>();
        private Cls pendingCls;
        private final Map<String, Task> commentTargets = new HashMap<>();

        Run(InputStream dump) {
            this.in = new DumpReader(dump, progress);
        }

        void start() throws SQLException {
            main = connection.open(database);
            for (int i = 0; i < jobs; i++) {
                Worker w = new Worker(connection.open(database), i + 1);
                workers.add(w);
                idle.add(w);
                w.thread.start();
            }
        }

        // -------------------------------------------------------------- reading

        void read() throws IOException, SQLException {
            Entry entry = null;
            boolean afterHeader = false;
            String line;
            while ((line = in.readLine()) != null) {
                checkFailure();
                if (afterHeader) {
                    afterHeader = false;
                    if (line.equals("--")) continue;
                }
                if (line.startsWith("\\")) {
                    String cmd = line.split("\\s", 2)[0];
                    if (cmd.equals("\\restrict") || cmd.equals("\\unrestrict")) continue;
                    throw refuse(
                            "dump line " + in.lineNo() + ": psql meta-command " + abbreviate(cmd) + " is not allowed");
                }
                if (line.equals("--")) {
                    String next = in.readLine();
                    Matcher m = next == null ? null : HEADER.matcher(next);
                    if (m != null && m.matches()) {
                        finish(entry);
                        entry = new Entry(m.group(2), m.group(3), m.group(4));
                        afterHeader = true;
                        continue;
                    }
                    append(entry, line);
                    if (next != null) in.pushBack(next);
                    continue;
                }
                if (line.startsWith("COPY ") && line.endsWith("FROM stdin;")) {
                    copy(entry, line);
                    continue;
                }
                append(entry, line);
            }
            finish(entry);
            flushPending();
            awaitIdle();
        }

        private void append(Entry entry, String line) {
            if (entry == null) {
                if (isBlank(line)) return;
                if (!takeSetting(line)) {
                    throw refuse("unexpected statement before the first dump entry: " + abbreviate(line));
                }
                return;
            }
            if (entry.copied && !isBlank(line) && !SET_LINE.matcher(line).matches()) {
                throw refuse("unexpected statement after the data of " + entry.label() + ": " + abbreviate(line));
            }
            if (entry.body.length() + line.length() > MAX_ENTRY_CHARS) {
                throw refuse(entry.label() + " is larger than " + MAX_ENTRY_CHARS / (1024 * 1024) + " MiB of SQL");
            }
            entry.body.append(line).append('\n');
        }

        /** Ends an entry: runs or schedules it, then applies the session settings that followed it. */
        private void finish(Entry entry) throws SQLException {
            if (entry == null) return;
            List<String> lines =
                    new ArrayList<>(Arrays.asList(entry.body.toString().split("\n", -1)));
            int end = lines.size();
            while (end > 0 && (isBlank(lines.get(end - 1)) || isSetting(lines.get(end - 1)))) end--;
            List<String> trailing = lines.subList(end, lines.size());
            String sql = String.join("\n", lines.subList(0, end));
            entry.body.setLength(0);
            // table data in COPY form went to the workers; in INSERT form (pg_dump --inserts) it runs in order
            if (!(entry.type.equals("TABLE DATA") && entry.copied) && !isBlank(sql)) {
                schedule(entry, sql);
            }
            for (String s : trailing) if (!isBlank(s)) takeSetting(s);
        }

        private void schedule(Entry entry, String sql) throws SQLException {
            String label = entry.label();
            switch (entry.type) {
                case "SEQUENCE SET" -> {
                    flushPending();
                    runOnMain(label, sql);
                }
                case "INDEX", "CONSTRAINT" -> {
                    boolean index = entry.type.equals("INDEX");
                    String table = index ? tableOfIndex(sql) : tableOfAlter(sql);
                    List<TableLock> locks =
                            table == null ? null : List.of(new TableLock(table, index ? SHARED_INDEX : EXCLUSIVE));
                    addPending(Cls.INDEX_OR_CONSTRAINT, entry, new Task(label, sql, null, locks, settingsSnapshot));
                }
                case "FK CONSTRAINT" -> {
                    String table = tableOfAlter(sql);
                    String referenced = referencedTable(sql);
                    List<TableLock> locks = table == null || referenced == null
                            ? null
                            : table.equals(referenced)
                                    ? List.of(new TableLock(table, EXCLUSIVE))
                                    : List.of(new TableLock(table, EXCLUSIVE), new TableLock(referenced, EXCLUSIVE));
                    if (pendingCls != Cls.FOREIGN_KEY) {
                        flushPending();
                        awaitIdle();
                    }
                    addPending(Cls.FOREIGN_KEY, entry, new Task(label, sql, null, locks, settingsSnapshot));
                }
                default -> {
                    if (entry.type.equals("COMMENT") && pendingCls != null) {
                        Task target = commentTargets.get(entry.schema + "|" + entry.name);
                        if (target != null) {
                            target.sql.append("\n").append(sql);
                            return;
                        }
                    }
                    flushPending();
                    awaitIdle();
                    runOnMain(label, sql);
                }
            }
        }

        private void addPending(Cls cls, Entry entry, Task task) throws SQLException {
            if (pendingCls != null && pendingCls != cls) flushPending();
            pendingCls = cls;
            if (!task.global) {
                for (TableLock l : task.locks) task.weight += tableBytes.getOrDefault(l.table(), 0L);
            }
            pending.add(task);
            if (entry.type.equals("INDEX")) {
                commentTargets.put(entry.schema + "|INDEX " + entry.name, task);
            } else {
                // "table constraint" in the entry header; a comment on it is named "CONSTRAINT c ON t"
                for (int i = entry.name.indexOf(' '); i >= 0; i = entry.name.indexOf(' ', i + 1)) {
                    commentTargets.put(
                            entry.schema + "|CONSTRAINT " + entry.name.substring(i + 1) + " ON "
                                    + entry.name.substring(0, i),
                            task);
                }
            }
        }

        private void copy(Entry entry, String header) throws IOException, SQLException {
            if (entry == null || !entry.type.equals("TABLE DATA") || entry.copied) {
                throw refuse("dump line " + in.lineNo() + ": COPY outside a table data entry");
            }
            if (!isBlank(entry.body.toString())) {
                throw refuse("unexpected statement before the data of " + entry.label());
            }
            entry.copied = true;
            flushPending();
            String table = qualifiedName(header, "COPY ".length());
            String copySql = header.substring(0, header.length() - 1);
            List<TableLock> locks = table == null ? null : List.of(new TableLock(table, SHARED_COPY));
            List<String> snapshot = settingsSnapshot;
            String label = entry.label();
            ChunkSink sink = new ChunkSink(() -> {
                Task task = new Task(label, null, copySql, locks, snapshot);
                dispatch(List.of(task));
                return task.pipe;
            });
            long bytes = in.copyData(sink, label);
            sink.finish();
            if (table != null) tableBytes.merge(table, bytes, Long::sum);
        }

        // -------------------------------------------------------------- settings

        private boolean isSetting(String line) {
            return SET_LINE.matcher(line).matches() || SET_CONFIG.matcher(line).matches();
        }

        /** Records a session setting line; false if the line is not one. */
        private boolean takeSetting(String line) {
            Matcher m = SET_LINE.matcher(line);
            String name;
            if (m.matches()) {
                name = m.group(1).toLowerCase(Locale.ROOT);
                if (name.equals("client_encoding")) {
                    String value = m.group(2).replace("'", "").replace("-", "").toUpperCase(Locale.ROOT);
                    if (!value.equals("UTF8")) {
                        throw refuse("the dump's client encoding " + abbreviate(m.group(2)) + " is not supported");
                    }
                    return true;
                }
            } else {
                Matcher c = SET_CONFIG.matcher(line);
                if (!c.matches()) return false;
                name = c.group(1).toLowerCase(Locale.ROOT);
            }
            settings.remove(name);
            settings.put(name, line);
            settingsSnapshot = List.copyOf(settings.values());
            return true;
        }

        // -------------------------------------------------------------- running

        private void runOnMain(String label, String sql) throws SQLException {
            checkFailure();
            try {
                mainSettings = applySettings(main, mainSettings, settingsSnapshot);
                execute(main, sql);
            } catch (SQLException e) {
                throw fail(label, e);
            }
        }

        private void flushPending() throws SQLException {
            if (pending.isEmpty()) {
                pendingCls = null;
                return;
            }
            List<Task> tasks = new ArrayList<>(pending);
            pending.clear();
            commentTargets.clear();
            pendingCls = null;
            tasks.sort(Comparator.comparingLong((Task t) -> t.weight).reversed());
            dispatch(tasks);
            awaitIdle();
        }

        /** Starts every task on a worker, each once a worker is idle and its table locks are free. */
        private void dispatch(List<Task> tasks) throws SQLException {
            List<Task> todo = new ArrayList<>(tasks);
            lock.lock();
            try {
                while (!todo.isEmpty()) {
                    checkFailure();
                    Task pick = null;
                    if (!idle.isEmpty()) {
                        for (Task t : todo) {
                            if (canStart(t)) {
                                pick = t;
                                break;
                            }
                        }
                    }
                    if (pick == null) {
                        awaitChange();
                        continue;
                    }
                    todo.remove(pick);
                    take(pick);
                    running++;
                    idle.pop().assign(pick);
                }
            } finally {
                lock.unlock();
            }
        }

        private void awaitIdle() throws SQLException {
            lock.lock();
            try {
                while (running > 0) {
                    checkFailure();
                    awaitChange();
                }
                checkFailure();
            } finally {
                lock.unlock();
            }
        }

        private void awaitChange() throws SQLException {
            try {
                changed.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while loading the dump", e);
            }
        }

        private boolean canStart(Task t) {
            if (globalHeld) return false;
            if (t.global) return running == 0;
            for (TableLock l : t.locks) {
                int[] held = tableLocks.get(l.table());
                if (held != null && (l.mode() == EXCLUSIVE || held[0] != l.mode())) return false;
            }
            return true;
        }

        private void take(Task t) {
            if (t.global) {
                globalHeld = true;
                return;
            }
            for (TableLock l : t.locks) {
                tableLocks.computeIfAbsent(l.table(), k -> new int[] {l.mode(), 0})[1]++;
            }
        }

        private void release(Task t) {
            if (t.global) {
                globalHeld = false;
                return;
            }
            for (TableLock l : t.locks) {
                int[] held = tableLocks.get(l.table());
                if (held != null && --held[1] == 0) tableLocks.remove(l.table());
            }
        }

        private void finished(Worker w, Task t, LifeboatException error) {
            lock.lock();
            try {
                release(t);
                running--;
                if (error != null && failure == null) failure = error;
                idle.push(w);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (error != null) cancelAll();
        }

        private void checkFailure() {
            LifeboatException f = failure;
            if (f != null) throw f;
        }

        private LifeboatException fail(String label, SQLException e) {
            LifeboatException ex = new LifeboatException(
                    Kind.BAD_INPUT, "loading the dump failed at " + label + ": " + describe(e), HINT, e);
            lock.lock();
            try {
                if (failure == null) failure = ex;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            cancelAll();
            return failure;
        }

        private LifeboatException refuse(String message) {
            return new LifeboatException(Kind.BAD_INPUT, message, REFUSE_HINT);
        }

        private void cancelAll() {
            for (Worker w : workers) w.cancel();
        }

        private void putChunk(BlockingQueue<byte[]> pipe, byte[] chunk) throws InterruptedIOException {
            try {
                while (!pipe.offer(chunk, 200, TimeUnit.MILLISECONDS)) checkFailure();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while loading the dump");
            }
        }

        @Override
        public void close() {
            boolean failed = failure != null;
            if (!failed && running > 0) {
                // an exception on the reading side: stop the workers' statements
                lock.lock();
                try {
                    if (failure == null) {
                        failure = new LifeboatException(Kind.INTERNAL, "loading the dump was abandoned");
                    }
                } finally {
                    lock.unlock();
                }
                cancelAll();
            }
            for (Worker w : workers) w.stop();
            for (Worker w : workers) {
                try {
                    w.thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Worker w : workers) closeQuietly(w.conn);
            if (main != null) closeQuietly(main);
        }

        /** Where the next COPY command's data goes: dispatches a task and returns its pipe. */
        private interface PipeSource {
            BlockingQueue<byte[]> next() throws SQLException;
        }

        /** Turns the bytes of COPY data into chunks for workers' pipes, one COPY command per segment. */
        private final class ChunkSink {
            private final PipeSource source;
            private BlockingQueue<byte[]> pipe;
            private byte[] chunk = new byte[CHUNK];
            private int len;
            private long sinceSplit;

            ChunkSink(PipeSource source) {
                this.source = source;
            }

            void write(byte[] b, int off, int n) throws InterruptedIOException, SQLException {
                if (pipe == null) pipe = source.next();
                while (n > 0) {
                    int k = Math.min(n, CHUNK - len);
                    System.arraycopy(b, off, chunk, len, k);
                    len += k;
                    sinceSplit += k;
                    off += k;
                    n -= k;
                    if (len == CHUNK) {
                        putChunk(pipe, chunk);
                        chunk = new byte[CHUNK];
                        len = 0;
                    }
                }
            }

            /** Called at the end of a row: past {@link #SEGMENT_BYTES}, the next rows go to a new COPY command. */
            void rowEnd() throws InterruptedIOException {
                if (sinceSplit >= SEGMENT_BYTES) finishSegment();
            }

            /** Ends the data; an empty table still gets its (empty) COPY command. */
            void finish() throws InterruptedIOException, SQLException {
                if (pipe == null) pipe = source.next();
                finishSegment();
            }

            private void finishSegment() throws InterruptedIOException {
                if (pipe == null) return;
                if (len > 0) putChunk(pipe, Arrays.copyOf(chunk, len));
                len = 0;
                putChunk(pipe, END);
                pipe = null;
                sinceSplit = 0;
            }
        }

        /** A connection with its own thread; runs one task at a time. */
        private final class Worker implements Runnable {
            final Connection conn;
            final Thread thread;
            final BlockingQueue<Task> inbox = new ArrayBlockingQueue<>(1);
            private List<String> applied = List.of();
            private volatile boolean busy;
            private volatile boolean stopping;

            Worker(Connection conn, int n) {
                this.conn = conn;
                this.thread = new Thread(this, "lifeboat-load-" + n);
                this.thread.setDaemon(true);
            }

            void assign(Task t) {
                busy = true;
                if (!inbox.offer(t)) throw new IllegalStateException("worker already busy");
            }

            void cancel() {
                if (!busy) return;
                try {
                    conn.unwrap(PGConnection.class).cancelQuery();
                } catch (SQLException | RuntimeException ignored) {
                    // the statement ends anyway when the connection closes
                }
                thread.interrupt();
            }

            void stop() {
                stopping = true;
                thread.interrupt();
            }

            @Override
            public void run() {
                while (!stopping) {
                    Task t;
                    try {
                        t = inbox.take();
                    } catch (InterruptedException e) {
                        if (stopping) return;
                        continue;
                    }
                    LifeboatException error = null;
                    try {
                        if (failure == null) runTask(t);
                    } catch (SQLException e) {
                        error = failure != null
                                ? null
                                : new LifeboatException(
                                        Kind.BAD_INPUT,
                                        "loading the dump failed at " + t.label + ": " + describe(e),
                                        HINT,
                                        e);
                    } catch (InterruptedException e) {
                        error = null; // cancelled because of another failure
                    } catch (RuntimeException e) {
                        error = new LifeboatException(
                                Kind.INTERNAL, "loading the dump failed at " + t.label + ": " + e, null, e);
                    }
                    busy = false;
                    Thread.interrupted();
                    finished(this, t, error);
                }
            }

            private void runTask(Task t) throws SQLException, InterruptedException {
                applied = applySettings(conn, applied, t.settings);
                if (t.copySql == null) {
                    execute(conn, t.sql.toString());
                    return;
                }
                CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(t.copySql);
                try {
                    while (true) {
                        byte[] chunk = t.pipe.poll(200, TimeUnit.MILLISECONDS);
                        if (failure != null) throw new InterruptedException();
                        if (chunk == null) continue;
                        if (chunk == END) break;
                        copy.writeToCopy(chunk, 0, chunk.length);
                    }
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        try {
                            copy.cancelCopy();
                        } catch (SQLException ignored) {
                            // the copy failed already; the first error is what is reported
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> applySettings(Connection conn, List<String> applied, List<String> wanted)
            throws SQLException {
        if (applied == wanted) return applied;
        for (String s : wanted) execute(conn, s);
        return wanted;
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(sql);
        }
    }

    private static String describe(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            String text = m.getMessage();
            if (m.getDetail() != null) text += " (" + m.getDetail() + ")";
            if (m.getWhere() != null) text += " [" + abbreviate(m.getWhere()) + "]";
            return text;
        }
        return String.valueOf(e.getMessage());
    }

    private static boolean isBlank(String s) {
        for (String line : s.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("--")) return false;
        }
        return true;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 120) + "…" : one;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing after the work is done or abandoned; nothing left to save
        }
    }

    /** {@code ALTER TABLE [ONLY] name ...}: the table, or null. */
    static String tableOfAlter(String sql) {
        String s = sql.strip();
        if (!s.startsWith("ALTER TABLE ")) return null;
        int pos = "ALTER TABLE ".length();
        if (s.startsWith("ONLY ", pos)) pos += "ONLY ".length();
        return qualifiedName(s, pos);
    }

    /** {@code CREATE [UNIQUE] INDEX name ON [ONLY] table ...}: the table, or null. */
    static String tableOfIndex(String sql) {
        String s = sql.strip();
        int pos;
        if (s.startsWith("CREATE INDEX ")) pos = "CREATE INDEX ".length();
        else if (s.startsWith("CREATE UNIQUE INDEX ")) pos = "CREATE UNIQUE INDEX ".length();
        else return null;
        int end = identifierEnd(s, pos);
        if (end < 0 || !s.startsWith(" ON ", end)) return null;
        pos = end + " ON ".length();
        if (s.startsWith("ONLY ", pos)) pos += "ONLY ".length();
        return qualifiedName(s, pos);
    }

    /** The table after {@code FOREIGN KEY (...) REFERENCES}, or null. */
    static String referencedTable(String sql) {
        int pos = sql.indexOf(" FOREIGN KEY (");
        if (pos < 0) return null;
        pos += " FOREIGN KEY (".length();
        boolean quoted = false;
        for (; pos < sql.length(); pos++) {
            char c = sql.charAt(pos);
            if (c == '"') quoted = !quoted;
            else if (c == ')' && !quoted) break;
        }
        if (pos >= sql.length() || !sql.startsWith(") REFERENCES ", pos)) return null;
        return qualifiedName(sql, pos + ") REFERENCES ".length());
    }

    /** A possibly qualified, possibly quoted name starting at {@code pos}, as written; null if none. */
    static String qualifiedName(String s, int pos) {
        int start = pos;
        while (true) {
            int end = identifierEnd(s, pos);
            if (end < 0) return null;
            if (end < s.length() && s.charAt(end) == '.') {
                pos = end + 1;
                continue;
            }
            return s.substring(start, end);
        }
    }

    private static int identifierEnd(String s, int pos) {
        if (pos >= s.length()) return -1;
        if (s.charAt(pos) == '"') {
            int i = pos + 1;
            while (i < s.length()) {
                if (s.charAt(i) == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return -1;
        }
        int i = pos;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) break;
            i++;
        }
        return i == pos ? -1 : i;
    }

    // ------------------------------------------------------------------ reading the stream

    /** Lines of the dump outside COPY data, and COPY data as bytes. */
    private static final class DumpReader {
        private final InputStream source;
        private final Progress progress;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int len;
        private boolean eof;
        private long lineNo;
        private String pushedBack;

        DumpReader(InputStream source, Progress progress) {
            this.source = source;
            this.progress = progress;
        }

        long lineNo() {
            return lineNo;
        }

        void pushBack(String line) {
            pushedBack = line;
            lineNo--;
        }

        /** Reads more input after compacting; false at end of input with nothing new. */
        private boolean fill() throws IOException {
            if (eof) return false;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, len - pos);
                len -= pos;
                pos = 0;
            }
            if (len == buf.length) return true;
            int n = source.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
                return false;
            }
            len += n;
            progress.advance(n);
            return true;
        }

        /** The next line without its end, or null at end of input. */
        String readLine() throws IOException {
            if (pushedBack != null) {
                String l = pushedBack;
                pushedBack = null;
                lineNo++;
                return l;
            }
            byte[] acc = null;
            int accLen = 0;
            while (true) {
                int nl = indexOf(buf, pos, len, (byte) '\n');
                int stop = nl < 0 ? len : nl;
                int n = stop - pos;
                if (acc == null && nl >= 0) {
                    String line = decode(buf, pos, n);
                    pos = nl + 1;
                    lineNo++;
                    return line;
                }
                if (n > 0) {
                    if (acc == null) acc = new byte[Math.max(1024, n * 2)];
                    if (accLen + n > MAX_ENTRY_CHARS) {
                        throw new LifeboatException(
                                Kind.BAD_INPUT,
                                "dump line " + (lineNo + 1) + " is longer than " + MAX_ENTRY_CHARS / (1024 * 1024)
                                        + " MiB",
                                REFUSE_HINT);
                    }
                    if (accLen + n > acc.length) acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + n));
                    System.arraycopy(buf, pos, acc, accLen, n);
                    accLen += n;
                }
                pos = stop;
                if (nl >= 0) {
                    pos = nl + 1;
                    lineNo++;
                    return decode(acc, 0, accLen);
                }
                if (!fill() && pos == len) {
                    if (acc == null) return null;
                    lineNo++;
                    return decode(acc, 0, accLen);
                }
            }
        }

        /**
         * Streams COPY data up to (not including) the {@code \.} line into {@code sink}; returns the
         * bytes streamed.
         */
        long copyData(Run.ChunkSink sink, String label) throws IOException, SQLException {
            long total = 0;
            boolean lineStart = true;
            while (true) {
                if (lineStart) {
                    if (len - pos < 4 && !eof) {
                        fill();
                        if (len - pos < 4 && !eof) continue;
                    }
                    if (pos == len && eof) {
                        throw new LifeboatException(
                                Kind.BAD_INPUT, "the dump ends inside the data of " + label, REFUSE_HINT);
                    }
                    if (isTerminator()) return total;
                }
                int candidate = indexOfLineStartCandidate();
                int nl = candidate >= 0 ? candidate : lastIndexOf(buf, pos, len, (byte) '\n');
                int stop = nl < 0 ? len : nl + 1;
                sink.write(buf, pos, stop - pos);
                total += stop - pos;
                pos = stop;
                lineStart = nl >= 0;
                if (nl >= 0) {
                    if (candidate >= 0) lineNo++;
                    sink.rowEnd();
                }
                if (pos == len && !eof) fill();
            }
        }

        /** The next newline that is followed by a backslash or by the buffer end, or -1. */
        private int indexOfLineStartCandidate() {
            int i = pos;
            while (true) {
                int nl = indexOf(buf, i, len, (byte) '\n');
                if (nl < 0) return -1;
                if (nl + 1 >= len || buf[nl + 1] == '\\') return nl;
                lineNo++;
                i = nl + 1;
            }
        }

        private boolean isTerminator() {
            int n = len - pos;
            if (n < 2 || buf[pos] != '\\' || buf[pos + 1] != '.') return false;
            if (n == 2) {
                pos += 2;
                return true;
            }
            if (buf[pos + 2] == '\n') {
                pos += 3;
                lineNo++;
                return true;
            }
            if (buf[pos + 2] == '\r' && (n == 3 || buf[pos + 3] == '\n')) {
                pos += n == 3 ? 3 : 4;
                lineNo++;
                return true;
            }
            return false;
        }

        private static String decode(byte[] b, int off, int n) {
            return new String(b, off, n, StandardCharsets.UTF_8);
        }

        private static int indexOf(byte[] b, int from, int to, byte v) {
            for (int i = from; i < to; i++) if (b[i] == v) return i;
            return -1;
        }

        private static int lastIndexOf(byte[] b, int from, int to, byte v) {
            for (int i = to - 1; i >= from; i--) if (b[i] == v) return i;
            return -1;
        }
    }
}
