package io.lifeboat.postgres;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One unit of work for a loader worker: a statement, or a COPY command whose data arrive through
 * {@link #pipe}, with the table locks it takes while it runs ({@code null}: it runs alone).
 */
final class LoadTask {
    static final int EXCLUSIVE = 0;
    static final int SHARED_INDEX = 1;
    static final int SHARED_COPY = 2;

    /**
     * A lock a task takes on a table while it runs: {@link #EXCLUSIVE}, or a shared mode compatible
     * only with itself.
     */
    record TableLock(String table, int mode) {}

    final String label;
    final StringBuilder sql;
    final String copySql;
    final List<TableLock> locks;
    final boolean global;
    final List<String> settings;
    final BlockingQueue<byte[]> pipe;
    long weight;

    /** A statement ({@code sql}) or a COPY command ({@code copySql}), run after {@code settings}. */
    LoadTask(String label, String sql, String copySql, List<TableLock> locks, List<String> settings) {
        this.label = label;
        this.sql = sql == null ? null : new StringBuilder(sql);
        this.copySql = copySql;
        this.locks = locks;
        this.global = locks == null;
        this.settings = settings;
        this.pipe = copySql == null ? null : new ArrayBlockingQueue<>(CopySegmenter.CHUNKS_PER_PIPE);
    }
}
