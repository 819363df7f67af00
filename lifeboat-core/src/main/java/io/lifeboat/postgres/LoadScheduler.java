package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The connections of one {@link ParallelPlainLoader} load: a main connection for the statements that
 * run alone, in the reading thread, and worker connections, each with its own thread, that run
 * {@link LoadTask}s once their table locks are free. Records the first failure anywhere, cancels the
 * statements still running, and throws it from every later call.
 */
final class LoadScheduler implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Worker> workers = new ArrayList<>();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    /** Per locked table: mode and holder count. */
    private final Map<String, int[]> tableLocks = new HashMap<>();

    private int running;
    private boolean globalHeld;
    private volatile LifeboatException failure;
    private Connection main;
    private List<String> mainSettings = List.of();

    /** Opens the main connection and {@code jobs} worker connections to {@code database}. */
    void start(PgConnection connection, String database, int jobs) throws SQLException {
        main = tuned(connection.open(database));
        for (int i = 0; i < jobs; i++) {
            Worker w = new Worker(tuned(connection.open(database)), i + 1);
            workers.add(w);
            idle.add(w);
            w.thread.start();
        }
    }

    /** Applies {@link LoadTuning} to a new connection of the load. */
    private static Connection tuned(Connection c) throws SQLException {
        for (String s : LoadTuning.statements()) execute(c, s);
        return c;
    }

    /** Runs {@code sql} on the main connection, after {@code settings}. */
    void runOnMain(String label, String sql, List<String> settings) throws SQLException {
        checkFailure();
        try {
            mainSettings = applySettings(main, mainSettings, settings);
            execute(main, sql);
        } catch (SQLException e) {
            throw fail(label, e);
        }
    }

    /** Starts every task on a worker, each once a worker is idle and its table locks are free. */
    void dispatch(List<LoadTask> tasks) throws SQLException {
        List<LoadTask> todo = new ArrayList<>(tasks);
        lock.lock();
        try {
            while (!todo.isEmpty()) {
                checkFailure();
                LoadTask pick = null;
                if (!idle.isEmpty()) {
                    for (LoadTask t : todo) {
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

    /** Waits until no task runs; throws the first failure. */
    void awaitIdle() throws SQLException {
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

    private boolean canStart(LoadTask t) {
        if (globalHeld) return false;
        if (t.global) return running == 0;
        for (LoadTask.TableLock l : t.locks) {
            int[] held = tableLocks.get(l.table());
            if (held != null && (l.mode() == LoadTask.EXCLUSIVE || held[0] != l.mode())) return false;
        }
        return true;
    }

    private void take(LoadTask t) {
        if (t.global) {
            globalHeld = true;
            return;
        }
        for (LoadTask.TableLock l : t.locks) {
            tableLocks.computeIfAbsent(l.table(), k -> new int[] {l.mode(), 0})[1]++;
        }
    }

    private void release(LoadTask t) {
        if (t.global) {
            globalHeld = false;
            return;
        }
        for (LoadTask.TableLock l : t.locks) {
            int[] held = tableLocks.get(l.table());
            if (held != null && --held[1] == 0) tableLocks.remove(l.table());
        }
    }

    private void finished(Worker w, LoadTask t, LifeboatException error) {
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

    /** Throws the first failure, if any. */
    void checkFailure() {
        LifeboatException f = failure;
        if (f != null) throw f;
    }

    private LifeboatException fail(String label, SQLException e) {
        LifeboatException ex = new LifeboatException(
                Kind.BAD_INPUT, "loading the dump failed at " + label + ": " + describe(e), DumpGuard.HINT, e);
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

    private void cancelAll() {
        for (Worker w : workers) w.cancel();
    }

    /** Hands a chunk of COPY data to a running COPY task, waiting while its pipe is full. */
    void putChunk(BlockingQueue<byte[]> pipe, byte[] chunk) throws InterruptedIOException {
        try {
            while (!pipe.offer(chunk, 200, TimeUnit.MILLISECONDS)) checkFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading the dump");
        }
    }

    /** Cancels what still runs (the reading side failed), stops the workers, closes every connection. */
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

    /** A connection with its own thread; runs one task at a time. */
    private final class Worker implements Runnable {
        final Connection conn;
        final Thread thread;
        final BlockingQueue<LoadTask> inbox = new ArrayBlockingQueue<>(1);
        private List<String> applied = List.of();
        private volatile boolean busy;
        private volatile boolean stopping;

        Worker(Connection conn, int n) {
            this.conn = conn;
            this.thread = new Thread(this, "lifeboat-load-" + n);
            this.thread.setDaemon(true);
        }

        void assign(LoadTask t) {
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
                LoadTask t;
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
                                    DumpGuard.HINT,
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

        private void runTask(LoadTask t) throws SQLException, InterruptedException {
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
                    if (chunk == CopySegmenter.END) break;
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
            if (m.getWhere() != null) text += " [" + DumpGuard.abbreviate(m.getWhere()) + "]";
            return text;
        }
        return String.valueOf(e.getMessage());
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing after the work is done or abandoned; nothing left to save
        }
    }
}
