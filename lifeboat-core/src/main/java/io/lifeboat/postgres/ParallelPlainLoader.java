package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>This class splits the dump into entries and decides how each runs; {@link PlainDumpReader} reads
 * the stream, {@link DumpGuard} and {@link SessionSettings} check what it holds, {@link LoadScheduler}
 * runs the statements on its connections, {@link CopySegmenter} cuts table data into COPY commands.
 *
 * <p>An instance loads one dump; {@link #load} is not meant to be called concurrently.
 */
public final class ParallelPlainLoader {

    private static final Pattern HEADER = Pattern.compile(
            "^-- (Data for )?Name: (.*); Type: ([A-Z][A-Z ]*); Schema: (.*); Owner: [^;]*(; Tablespace: .*)?$");

    private final PgConnection connection;
    private final String database;
    private final int jobs;
    private final Progress progress;
    private final Map<String, Long> rows = new java.util.LinkedHashMap<>();

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
        try (LoadScheduler scheduler = new LoadScheduler()) {
            scheduler.start(connection, database, jobs);
            new Run(new PlainDumpReader(dump, progress), scheduler, rows).read();
        }
    }

    /**
     * The rows the dump holds per table, counted while it was loaded (one line of COPY text data is one
     * row), keyed by the table's name as the dump writes it ({@code public.res_partner}), in dump order.
     * Table data in INSERT form is not counted. Complete once {@link #load} returned.
     */
    public Map<String, Long> rows() {
        return java.util.Collections.unmodifiableMap(rows);
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

    // ------------------------------------------------------------------ one load

    /** Splits the dump into entries and runs or schedules each. */
    private static final class Run {
        private final PlainDumpReader in;
        private final LoadScheduler scheduler;
        private final SessionSettings settings = new SessionSettings();
        private final Map<String, Long> tableBytes = new HashMap<>();
        private final List<LoadTask> pending = new ArrayList<>();
        private Cls pendingCls;
        private final Map<String, LoadTask> commentTargets = new HashMap<>();
        private final Map<String, Long> rows;

        Run(PlainDumpReader in, LoadScheduler scheduler, Map<String, Long> rows) {
            this.in = in;
            this.scheduler = scheduler;
            this.rows = rows;
        }

        void read() throws IOException, SQLException {
            Entry entry = null;
            boolean afterHeader = false;
            String line;
            while ((line = in.readLine()) != null) {
                scheduler.checkFailure();
                if (afterHeader) {
                    afterHeader = false;
                    if (line.equals("--")) continue;
                }
                if (line.startsWith("\\")) {
                    DumpGuard.checkMetaCommand(line, in.lineNo());
                    continue;
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
            scheduler.awaitIdle();
        }

        private void append(Entry entry, String line) {
            if (entry == null) {
                if (DumpGuard.isBlank(line)) return;
                if (!settings.take(line)) {
                    throw DumpGuard.refuse(
                            "unexpected statement before the first dump entry: " + DumpGuard.abbreviate(line));
                }
                return;
            }
            if (entry.copied && !DumpGuard.isBlank(line) && !SessionSettings.isSetLine(line)) {
                throw DumpGuard.refuse(
                        "unexpected statement after the data of " + entry.label() + ": " + DumpGuard.abbreviate(line));
            }
            if (entry.body.length() + line.length() > DumpGuard.MAX_ENTRY_CHARS) {
                throw DumpGuard.refuse(
                        entry.label() + " is larger than " + DumpGuard.MAX_ENTRY_CHARS / (1024 * 1024) + " MiB of SQL");
            }
            entry.body.append(line).append('\n');
        }

        /** Ends an entry: runs or schedules it, then applies the session settings that followed it. */
        private void finish(Entry entry) throws SQLException {
            if (entry == null) return;
            List<String> lines =
                    new ArrayList<>(Arrays.asList(entry.body.toString().split("\n", -1)));
            int end = lines.size();
            while (end > 0
                    && (DumpGuard.isBlank(lines.get(end - 1)) || SessionSettings.isSetting(lines.get(end - 1)))) {
                end--;
            }
            List<String> trailing = lines.subList(end, lines.size());
            String sql = String.join("\n", lines.subList(0, end));
            entry.body.setLength(0);
            // table data in COPY form went to the workers; in INSERT form (pg_dump --inserts) it runs in order
            if (!(entry.type.equals("TABLE DATA") && entry.copied) && !DumpGuard.isBlank(sql)) {
                schedule(entry, sql);
            }
            for (String s : trailing) if (!DumpGuard.isBlank(s)) settings.take(s);
        }

        private void schedule(Entry entry, String sql) throws SQLException {
            String label = entry.label();
            switch (entry.type) {
                case "SEQUENCE SET" -> {
                    flushPending();
                    scheduler.runOnMain(label, sql, settings.snapshot());
                }
                case "INDEX", "CONSTRAINT" -> {
                    boolean index = entry.type.equals("INDEX");
                    String table = index ? SqlNames.tableOfIndex(sql) : SqlNames.tableOfAlter(sql);
                    List<LoadTask.TableLock> locks = table == null
                            ? null
                            : List.of(
                                    new LoadTask.TableLock(table, index ? LoadTask.SHARED_INDEX : LoadTask.EXCLUSIVE));
                    addPending(
                            Cls.INDEX_OR_CONSTRAINT, entry, new LoadTask(label, sql, null, locks, settings.snapshot()));
                }
                case "FK CONSTRAINT" -> {
                    String table = SqlNames.tableOfAlter(sql);
                    String referenced = SqlNames.referencedTable(sql);
                    List<LoadTask.TableLock> locks = table == null || referenced == null
                            ? null
                            : table.equals(referenced)
                                    ? List.of(new LoadTask.TableLock(table, LoadTask.EXCLUSIVE))
                                    : List.of(
                                            new LoadTask.TableLock(table, LoadTask.EXCLUSIVE),
                                            new LoadTask.TableLock(referenced, LoadTask.EXCLUSIVE));
                    if (pendingCls != Cls.FOREIGN_KEY) {
                        flushPending();
                        scheduler.awaitIdle();
                    }
                    addPending(Cls.FOREIGN_KEY, entry, new LoadTask(label, sql, null, locks, settings.snapshot()));
                }
                default -> {
                    if (entry.type.equals("COMMENT") && pendingCls != null) {
                        LoadTask target = commentTargets.get(entry.schema + "|" + entry.name);
                        if (target != null) {
                            target.sql.append("\n").append(sql);
                            return;
                        }
                    }
                    flushPending();
                    scheduler.awaitIdle();
                    scheduler.runOnMain(label, sql, settings.snapshot());
                }
            }
        }

        private void addPending(Cls cls, Entry entry, LoadTask task) throws SQLException {
            if (pendingCls != null && pendingCls != cls) flushPending();
            pendingCls = cls;
            if (!task.global) {
                for (LoadTask.TableLock l : task.locks) task.weight += tableBytes.getOrDefault(l.table(), 0L);
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
                throw DumpGuard.refuse("dump line " + in.lineNo() + ": COPY outside a table data entry");
            }
            if (!DumpGuard.isBlank(entry.body.toString())) {
                throw DumpGuard.refuse("unexpected statement before the data of " + entry.label());
            }
            entry.copied = true;
            flushPending();
            String table = SqlNames.qualifiedName(header, "COPY ".length());
            String copySql = header.substring(0, header.length() - 1);
            List<LoadTask.TableLock> locks =
                    table == null ? null : List.of(new LoadTask.TableLock(table, LoadTask.SHARED_COPY));
            List<String> snapshot = settings.snapshot();
            String label = entry.label();
            CopySegmenter sink = new CopySegmenter(scheduler, () -> {
                LoadTask task = new LoadTask(label, null, copySql, locks, snapshot);
                scheduler.dispatch(List.of(task));
                return task.pipe;
            });
            RowCounter counter = new RowCounter(sink);
            long bytes = in.copyData(counter, label);
            sink.finish();
            if (table != null) {
                tableBytes.merge(table, bytes, Long::sum);
                rows.merge(table, counter.rows, Long::sum);
            }
        }

        private void flushPending() throws SQLException {
            if (pending.isEmpty()) {
                pendingCls = null;
                return;
            }
            List<LoadTask> tasks = new ArrayList<>(pending);
            pending.clear();
            commentTargets.clear();
            pendingCls = null;
            tasks.sort(Comparator.comparingLong((LoadTask t) -> t.weight).reversed());
            scheduler.dispatch(tasks);
            scheduler.awaitIdle();
        }
    }

    /**
     * Counts the rows of COPY text data on their way to the segmenter: a row ends with a newline, and a
     * newline inside a value is written as {@code \n}, so every newline byte ends one row.
     */
    private static final class RowCounter implements PlainDumpReader.CopySink {
        private final PlainDumpReader.CopySink sink;
        long rows;

        RowCounter(PlainDumpReader.CopySink sink) {
            this.sink = sink;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException, SQLException {
            for (int i = Bytes.indexOf(b, off, off + n, (byte) '\n');
                    i >= 0;
                    i = Bytes.indexOf(b, i + 1, off + n, (byte) '\n')) {
                rows++;
            }
            sink.write(b, off, n);
        }

        @Override
        public void rowEnd() throws IOException {
            sink.rowEnd();
        }
    }
}
