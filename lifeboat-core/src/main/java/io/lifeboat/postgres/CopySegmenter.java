package io.lifeboat.postgres;

import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;

/**
 * Turns the bytes of one table's COPY data into chunks for workers' pipes, one COPY command per
 * segment of about {@link #SEGMENT_BYTES}, cut at row boundaries, so workers share big tables.
 */
final class CopySegmenter implements PlainDumpReader.CopySink {
    static final int CHUNK = 256 * 1024;
    /** COPY data is sent as COPY commands of about this size, so workers share big tables. */
    static final long SEGMENT_BYTES = 4L * 1024 * 1024;
    /** Capacity of a COPY task's pipe, in chunks: a bit more than a segment. */
    static final int CHUNKS_PER_PIPE = (int) (SEGMENT_BYTES / CHUNK) + 4;
    /** The chunk that ends a pipe. */
    static final byte[] END = new byte[0];

    /** Where the next COPY command's data goes: dispatches a task and returns its pipe. */
    interface PipeSource {
        BlockingQueue<byte[]> next() throws SQLException;
    }

    private final LoadScheduler scheduler;
    private final PipeSource source;
    private BlockingQueue<byte[]> pipe;
    private byte[] chunk = new byte[CHUNK];
    private int len;
    private long sinceSplit;

    CopySegmenter(LoadScheduler scheduler, PipeSource source) {
        this.scheduler = scheduler;
        this.source = source;
    }

    @Override
    public void write(byte[] b, int off, int n) throws InterruptedIOException, SQLException {
        if (pipe == null) pipe = source.next();
        while (n > 0) {
            int k = Math.min(n, CHUNK - len);
            System.arraycopy(b, off, chunk, len, k);
            len += k;
            sinceSplit += k;
            off += k;
            n -= k;
            if (len == CHUNK) {
                scheduler.putChunk(pipe, chunk);
                chunk = new byte[CHUNK];
                len = 0;
            }
        }
    }

    /** Called at the end of a row: past {@link #SEGMENT_BYTES}, the next rows go to a new COPY command. */
    @Override
    public void rowEnd() throws InterruptedIOException {
        if (sinceSplit >= SEGMENT_BYTES) finishSegment();
    }

    /** Ends the data; an empty table still gets its (empty) COPY command. */
    void finish() throws InterruptedIOException, SQLException {
        if (pipe == null) pipe = source.next();
        finishSegment();
    }

    private void finishSegment() throws InterruptedIOException {
        if (pipe == null) return;
        if (len > 0) scheduler.putChunk(pipe, Arrays.copyOf(chunk, len));
        len = 0;
        scheduler.putChunk(pipe, END);
        pipe = null;
        sinceSplit = 0;
    }
}
