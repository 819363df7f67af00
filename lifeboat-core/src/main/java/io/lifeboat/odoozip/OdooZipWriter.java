package io.lifeboat.odoozip;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes an Odoo-standard backup zip (entries {@code dump.sql}, {@code manifest.json},
 * {@code filestore/xx/<sha1>} in any order the caller chooses) to any output stream, including a
 * pipe or standard output: the stream is written strictly sequentially and never sought.
 *
 * <p><b>Why not a library writer.</b> {@code java.util.zip.ZipOutputStream} writes valid streamed
 * ZIP64 zips but deflates every entry in one thread; Commons Compress's
 * {@code ZipArchiveOutputStream} on a non-seekable stream produces zips the JDK rejects in
 * {@code Zip64Mode.Always} and fails past 4 GiB in {@code AsNeeded}. A multi-gigabyte
 * {@code dump.sql} must deflate on every core, which needs control over the raw deflate stream, so
 * this class writes the few zip records itself: local header, data, data descriptor, central
 * directory, and the ZIP64 end records when needed. Data are compressed with {@link Deflater}.
 *
 * <p><b>Format.</b> Names are UTF-8 with the language-encoding flag (bit 11); no directory entries;
 * DOS time in the local time zone plus, optionally, the extended timestamp. An entry whose content
 * fits in one block is written with its sizes and CRC in the local header. A larger entry is
 * streamed: general-purpose bit 3 set, sizes and CRC in a data descriptor after the data (8-byte
 * sizes when a size reaches 4 GiB), authoritative values in the central directory. ZIP64 extra
 * fields carry exactly the central-directory values that overflow 32 bits (as Python's
 * {@code zipfile} and {@code java.util.zip.ZipFile} expect), and the ZIP64 end records are written
 * when the directory's offset, size or entry count overflow. Readers that use the central directory
 * (Python's {@code zipfile}, which Odoo restores with, {@code java.util.zip.ZipFile}, Info-ZIP
 * {@code unzip}) read every archive; purely streaming readers such as {@code ZipInputStream} cannot
 * read a streamed entry that is stored rather than deflated.
 *
 * <p><b>Parallel deflate.</b> A deflated entry is cut into blocks of {@link ZipOptions#blockSize()}
 * bytes compressed concurrently, each primed with the previous block's last 32 KiB as dictionary and
 * ended with a sync flush (the last with a finish), so their concatenation is one ordinary raw deflate
 * stream. Small entries are compressed concurrently with each other the same way. Output order is
 * always the order of calls.
 *
 * <p><b>Memory</b> is bounded independently of entry sizes: at most {@code 2 × threads + 2} blocks
 * are held at once, plus the central directory (in memory up to 8 MiB, then in a temporary file)
 * and 16 bytes per entry for duplicate-name detection.
 *
 * <p><b>Failure.</b> The central directory is written only by {@link #finish()}. If an entry fails,
 * or the writer is closed before {@code finish()}, the output has no central directory and every zip
 * reader rejects it: an interrupted backup never passes for a complete one. After any failure the
 * writer refuses further use.
 *
 * <p><b>Thread-safety.</b> Not thread-safe: one thread adds entries, one at a time. {@link
 * #bytesWritten()} may be read from any thread.
 *
 * <p><b>Parts.</b> This class keeps the archive: names, order of entries, the central directory and
 * the end. {@link EntryOutput} writes one entry's data, {@link DeflatePipeline} deflates blocks
 * concurrently and writes them in order, {@link DeflateBlock} is one block, {@link ZipRecords} lays
 * out the records' bytes, {@link CountingOutput} counts what reaches the stream.
 */
public final class OdooZipWriter implements Closeable {
    final CountingOutput out;
    final ZipOptions options;
    final CentralDirectory directory = new CentralDirectory();
    final DeflatePipeline pipeline;
    final ZipRecords records;
    private final OutputStream target;
    private EntryOutput current;
    private boolean finished;
    private boolean failed;
    private boolean closed;

    /** A writer appending to {@code out}, which it closes only if {@link ZipOptions#closeOutput()}. */
    public OdooZipWriter(OutputStream out, ZipOptions options) {
        this.target = out;
        this.out = new CountingOutput(out);
        this.options = options;
        this.pipeline = new DeflatePipeline(options.threads(), options.blockSize());
        this.records = new ZipRecords(options);
    }

    /**
     * Adds an entry with everything {@code content} yields until its end. The stream is not closed.
     * If reading fails the exception propagates and the writer is unusable (see class comment).
     *
     * @throws IllegalArgumentException if the name is unsafe, a directory or already used
     * @throws IllegalStateException if another entry is open or the writer was finished or failed
     */
    public void addEntry(String name, InputStream content, EntryHint hint) throws IOException {
        EntryOutput entry = newEntry(name, hint);
        try {
            entry.copyFrom(content);
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            throw e;
        }
        entry.close();
    }

    /**
     * Opens an entry to which a producer writes its content; closing the returned stream completes
     * the entry (it does not close anything else). Until then no other entry can be added. A
     * producer that fails part-way must not call {@link #finish()}: close the writer instead.
     *
     * @throws IllegalArgumentException if the name is unsafe, a directory or already used
     * @throws IllegalStateException if another entry is open or the writer was finished or failed
     */
    public OutputStream openEntry(String name, EntryHint hint) {
        return newEntry(name, hint);
    }

    private EntryOutput newEntry(String name, EntryHint hint) {
        Objects.requireNonNull(hint, "hint");
        checkUsable();
        if (current != null) {
            throw new IllegalStateException("entry " + current.entry.name + " is still open");
        }
        String problem = EntryNames.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("unsafe zip entry name (" + problem + "): " + name);
        }
        if (name.endsWith("/")) {
            throw new IllegalArgumentException("directory entries are not written: " + name);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > ZipRecords.MAX16) {
            throw new IllegalArgumentException("zip entry name longer than 65535 bytes: " + name);
        }
        if (!directory.addName(name)) {
            throw new IllegalArgumentException("duplicate zip entry name: " + name);
        }
        current = new EntryOutput(this, new ZipRecords.Entry(name, nameBytes, Instant.now()), hint);
        return current;
    }

    /** Entries completed so far (all of them after {@link #finish()}). */
    public long entryCount() {
        return directory.count();
    }

    /** Bytes written to the underlying stream so far (buffered bytes included). Any thread. */
    public long bytesWritten() {
        return out.count();
    }

    /**
     * Writes all pending data and the central directory, and flushes the underlying stream, which
     * stays open. The archive is complete when this returns.
     *
     * @throws IllegalStateException if an entry is still open, or on a second call
     */
    public void finish() throws IOException {
        checkUsable();
        if (current != null) {
            throw new IllegalStateException("entry " + current.entry.name + " is still open");
        }
        try {
            pipeline.drainAll();
            long count = directory.count();
            long offset = out.count();
            directory.writeTo(out);
            long size = out.count() - offset;
            out.write(records.endRecords(count, offset, size, out.count()));
            out.flush();
            finished = true;
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            throw e;
        } finally {
            releaseResources();
        }
    }

    /**
     * Releases threads and temporary files. Without a prior {@link #finish()} the output is left
     * without a central directory (unreadable as a zip). Closes the underlying stream only if {@link
     * ZipOptions#closeOutput()}.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            releaseResources();
        } finally {
            if (options.closeOutput()) {
                if (finished) {
                    target.close();
                } else {
                    out.closeWithoutFlush();
                }
            }
        }
    }

    private void releaseResources() throws IOException {
        pipeline.release();
        directory.close();
    }

    void checkUsable() {
        if (closed) {
            throw new IllegalStateException("zip writer is closed");
        }
        if (failed) {
            throw new IllegalStateException("zip writer failed earlier; the archive is incomplete");
        }
        if (finished) {
            throw new IllegalStateException("zip writer is already finished");
        }
    }

    /** After a failure the writer refuses further use. */
    void markFailed() {
        failed = true;
    }

    /** The open entry was closed; another may be added. */
    void entryClosed() {
        current = null;
    }
}
