package io.lifeboat.odoozip;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

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
 */
public final class OdooZipWriter implements Closeable {
    static final int DICTIONARY_SIZE = 32 * 1024;

    private static final long MAX32 = 0xFFFFFFFFL;
    private static final int MAX16 = 0xFFFF;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int FLAG_DATA_DESCRIPTOR = 1 << 3;
    private static final int FLAG_UTF8 = 1 << 11;
    private static final int UNIX_REGULAR_FILE_0644 = 0100644;
    private static final int VERSION_MADE_BY = (3 << 8) | 45; // Unix, spec 4.5
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final Output out;
    private final OutputStream target;
    private final ZipOptions options;
    private final CentralDirectory directory = new CentralDirectory();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final ArrayDeque<Block> freeBlocks = new ArrayDeque<>();
    private final int maxQueued;
    private ExecutorService pool;
    private EntryOutput current;
    private boolean finished;
    private boolean failed;
    private boolean closed;

    /** A writer appending to {@code out}, which it closes only if {@link ZipOptions#closeOutput()}. */
    public OdooZipWriter(OutputStream out, ZipOptions options) {
        this.target = out;
        this.out = new Output(out);
        this.options = options;
        this.maxQueued = options.threads() == 1 ? 1 : 2 * options.threads();
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
        java.util.Objects.requireNonNull(hint, "hint");
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
        if (nameBytes.length > MAX16) {
            throw new IllegalArgumentException("zip entry name longer than 65535 bytes: " + name);
        }
        if (!directory.addName(name)) {
            throw new IllegalArgumentException("duplicate zip entry name: " + name);
        }
        current = new EntryOutput(new Entry(name, nameBytes, Instant.now()), hint);
        return current;
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
            while (!queue.isEmpty()) {
                drainOne();
            }
            long count = directory.count();
            long offset = out.count();
            directory.writeTo(out);
            long size = out.count() - offset;
            boolean force = options.forceZip64();
            if (force || count >= MAX16 || offset >= MAX32 || size >= MAX32) {
                long zip64EndOffset = out.count();
                ByteBuffer end64 = le(56 + 20);
                end64.putInt(0x06064b50)
                        .putLong(44)
                        .putShort((short) VERSION_MADE_BY)
                        .putShort((short) 45);
                end64.putInt(0)
                        .putInt(0)
                        .putLong(count)
                        .putLong(count)
                        .putLong(size)
                        .putLong(offset);
                end64.putInt(0x07064b50).putInt(0).putLong(zip64EndOffset).putInt(1);
                out.write(end64.array());
            }
            ByteBuffer end = le(22);
            short count16 = (short) (force || count >= MAX16 ? MAX16 : count);
            end.putInt(0x06054b50)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort(count16)
                    .putShort(count16);
            end.putInt((int) (force || size >= MAX32 ? MAX32 : size));
            end.putInt((int) (force || offset >= MAX32 ? MAX32 : offset));
            end.putShort((short) 0);
            out.write(end.array());
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
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
        queue.clear();
        freeBlocks.clear();
        directory.close();
    }

    private void checkUsable() {
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

    // ---- ordered output queue -------------------------------------------------------------

    private interface Emitter {
        void emit() throws IOException;
    }

    /** Something to write, in call order, once its (possibly concurrent) work is done. */
    private record Item(FutureTask<Void> work, Block block, Emitter emitter) {}

    private void enqueue(Item item) throws IOException {
        if (item.work() != null && !item.work().isDone()) {
            if (options.threads() == 1) {
                item.work().run();
            } else {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(options.threads(), r -> {
                        Thread t = new Thread(r, "lifeboat-zip-deflate-" + THREAD_NUMBER.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
                pool.execute(item.work());
            }
        }
        queue.addLast(item);
        while (queue.size() > maxQueued) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        Item item = queue.removeFirst();
        if (item.work() != null) {
            await(item.work());
        }
        item.emitter().emit();
        if (item.block() != null) {
            freeBlocks.push(item.block());
        }
    }

    private static void await(FutureTask<Void> work) throws IOException {
        try {
            work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing a zip entry");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("zip entry compression failed", cause);
        }
    }

    private Block takeBlock() {
        Block b = freeBlocks.poll();
        if (b == null) {
            b = new Block(options.blockSize());
        }
        b.len = 0;
        b.outLen = 0;
        b.hasDictionary = false;
        b.last = false;
        return b;
    }

    private static FutureTask<Void> task(Runnable r) {
        return new FutureTask<>(r, null);
    }

    // ---- entries ----------------------------------------------------------------------------

    /** One entry's metadata; fields filled as its data are produced and written. */
    private static final class Entry {
        final String name;
        final byte[] nameBytes;
        final Instant time;
        int method;
        boolean streamed;
        boolean zip64Local;
        long crc;
        long size;
        long compressedSize;
        long offset;

        Entry(String name, byte[] nameBytes, Instant time) {
            this.name = name;
            this.nameBytes = nameBytes;
            this.time = time;
        }
    }

    /** Deflate keeps content only when it saves at least 1/32 of it. */
    private static boolean worthDeflating(long size, long compressed) {
        return compressed <= size - size / 32 && compressed < size;
    }

    private final class EntryOutput extends OutputStream {
        final Entry entry;
        final EntryHint hint;
        final CRC32 crc = new CRC32();
        Block pending;
        Block previous;
        boolean started;
        boolean done;

        EntryOutput(Entry entry, EntryHint hint) {
            this.entry = entry;
            this.hint = hint;
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            if (pending != null && pending.len == pending.in.length) {
                flushPending();
            }
            if (pending == null) {
                pending = takeBlock();
            }
            pending.in[pending.len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (pending != null && pending.len == pending.in.length) {
                    flushPending();
                }
                if (pending == null) {
                    pending = takeBlock();
                }
                int n = Math.min(len, pending.in.length - pending.len);
                System.arraycopy(b, off, pending.in, pending.len, n);
                pending.len += n;
                off += n;
                len -= n;
            }
        }

        /** Reads {@code in} to its end straight into blocks. */
        void copyFrom(InputStream in) throws IOException {
            checkOpen();
            while (true) {
                if (pending != null && pending.len == pending.in.length) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    flushPending();
                    pending = takeBlock();
                    pending.in[pending.len++] = (byte) c;
                }
                if (pending == null) {
                    pending = takeBlock();
                }
                int n = in.read(pending.in, pending.len, pending.in.length - pending.len);
                if (n < 0) {
                    return;
                }
                pending.len += n;
            }
        }

        private void checkOpen() {
            if (done) {
                throw new IllegalStateException("zip entry " + entry.name + " is closed");
            }
            checkUsable();
        }

        /** Hands the full pending block on; more data follow it. */
        private void flushPending() throws IOException {
            try {
                Block b = pending;
                pending = null;
                if (!started) {
                    start(b);
                }
                submit(b, false);
            } catch (IOException | RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }

        /** Chooses the method from the first full block and queues the streamed local header. */
        private void start(Block first) throws IOException {
            boolean deflate = switch (hint) {
                case STORE -> false;
                case COMPRESS -> true;
                case AUTO -> {
                    if (ContentSniffer.looksCompressed(first.in, first.len)) {
                        yield false;
                    }
                    first.deflate(options.level());
                    yield worthDeflating(first.len, first.outLen);
                }
            };
            entry.method = deflate ? DEFLATED : STORED;
            entry.streamed = true;
            entry.zip64Local = options.forceZip64();
            started = true;
            enqueue(new Item(null, null, () -> {
                entry.offset = out.count();
                out.write(localHeader(entry));
            }));
        }

        private void submit(Block b, boolean last) throws IOException {
            crc.update(b.in, 0, b.len);
            entry.size += b.len;
            if (entry.method == STORED) {
                enqueue(new Item(null, b, () -> {
                    out.write(b.in, 0, b.len);
                    entry.compressedSize += b.len;
                }));
                return;
            }
            // The first block of an AUTO entry was already deflated by the trial in start().
            boolean alreadyDeflated = b.outLen > 0;
            if (previous != null) {
                System.arraycopy(previous.in, previous.len - DICTIONARY_SIZE, b.dictionary, 0, DICTIONARY_SIZE);
                b.hasDictionary = true;
            }
            b.last = last;
            previous = b;
            int level = options.level();
            enqueue(new Item(alreadyDeflated ? completed() : task(() -> b.deflate(level)), b, () -> {
                out.write(b.out, 0, b.outLen);
                entry.compressedSize += b.outLen;
            }));
        }

        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            checkUsable();
            done = true;
            current = null;
            try {
                if (!started) {
                    submitSmall(pending == null ? takeBlock() : pending);
                } else {
                    submit(pending, true);
                    entry.crc = crc.getValue();
                    enqueue(new Item(null, null, () -> {
                        out.write(dataDescriptor(entry));
                        directory.add(centralHeader(entry));
                    }));
                }
                pending = null;
                previous = null;
            } catch (IOException | RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }

        /** The whole entry is in one block: sizes and CRC go in the local header. */
        private void submitSmall(Block b) throws IOException {
            int level = options.level();
            FutureTask<Void> work = task(() -> {
                CRC32 c = new CRC32();
                c.update(b.in, 0, b.len);
                entry.crc = c.getValue();
                entry.size = b.len;
                boolean deflate = switch (hint) {
                    case STORE -> false;
                    case COMPRESS -> true;
                    case AUTO -> !ContentSniffer.looksCompressed(b.in, b.len);
                };
                if (deflate) {
                    b.last = true;
                    b.deflate(level);
                    deflate = hint == EntryHint.COMPRESS || worthDeflating(b.len, b.outLen);
                }
                entry.method = deflate ? DEFLATED : STORED;
                entry.compressedSize = deflate ? b.outLen : b.len;
                entry.zip64Local = options.forceZip64();
            });
            enqueue(new Item(work, b, () -> {
                entry.offset = out.count();
                out.write(localHeader(entry));
                if (entry.method == DEFLATED) {
                    out.write(b.out, 0, b.outLen);
                } else {
                    out.write(b.in, 0, b.len);
                }
                directory.add(centralHeader(entry));
            }));
        }
    }

    private static FutureTask<Void> completed() {
        FutureTask<Void> t = task(() -> {});
        t.run();
        return t;
    }

    // ---- records --------------------------------------------------------------------------

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int extendedTimestampSeconds(Entry e) {
        long seconds = e.time.getEpochSecond();
        return options.extendedTimestamp() && seconds >= 0 && seconds <= Integer.MAX_VALUE ? (int) seconds : -1;
    }

    private static int dosTime(Instant time) {
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneId.systemDefault());
        if (t.getYear() < 1980) {
            t = LocalDateTime.of(1980, 1, 1, 0, 0);
        } else if (t.getYear() > 2107) {
            t = LocalDateTime.of(2107, 12, 31, 23, 59, 58);
        }
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int clock = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() >> 1);
        return (date << 16) | clock;
    }

    private byte[] localHeader(Entry e) {
        int unixTime = extendedTimestampSeconds(e);
        int extraLength = (e.zip64Local ? 20 : 0) + (unixTime >= 0 ? 9 : 0);
        ByteBuffer b = le(30 + e.nameBytes.length + extraLength);
        int flags = FLAG_UTF8 | (e.streamed ? FLAG_DATA_DESCRIPTOR : 0);
        b.putInt(0x04034b50);
        b.putShort((short) (e.zip64Local ? 45 : e.method == DEFLATED ? 20 : 10));
        b.putShort((short) flags).putShort((short) e.method).putInt(dosTime(e.time));
        b.putInt(e.streamed ? 0 : (int) e.crc);
        if (e.zip64Local) {
            b.putInt((int) MAX32).putInt((int) MAX32);
        } else {
            b.putInt(e.streamed ? 0 : (int) e.compressedSize).putInt(e.streamed ? 0 : (int) e.size);
        }
        b.putShort((short) e.nameBytes.length).putShort((short) extraLength).put(e.nameBytes);
        if (e.zip64Local) {
            b.putShort((short) 0x0001).putShort((short) 16);
            b.putLong(e.streamed ? 0 : e.size).putLong(e.streamed ? 0 : e.compressedSize);
        }
        if (unixTime >= 0) {
            b.putShort((short) 0x5455).putShort((short) 5).put((byte) 1).putInt(unixTime);
        }
        return b.array();
    }

    private static byte[] dataDescriptor(Entry e) {
        boolean wide = e.zip64Local || e.size >= MAX32 || e.compressedSize >= MAX32;
        ByteBuffer b = le(wide ? 24 : 16);
        b.putInt(0x08074b50).putInt((int) e.crc);
        if (wide) {
            b.putLong(e.compressedSize).putLong(e.size);
        } else {
            b.putInt((int) e.compressedSize).putInt((int) e.size);
        }
        return b.array();
    }

    private byte[] centralHeader(Entry e) {
        boolean force = options.forceZip64();
        boolean bigSize = force || e.size >= MAX32;
        boolean bigCompressed = force || e.compressedSize >= MAX32;
        boolean bigOffset = force || e.offset >= MAX32;
        int zip64Length = (bigSize ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0);
        int unixTime = extendedTimestampSeconds(e);
        int extraLength = (zip64Length > 0 ? 4 + zip64Length : 0) + (unixTime >= 0 ? 9 : 0);
        boolean zip64 = zip64Length > 0 || e.zip64Local;
        ByteBuffer b = le(46 + e.nameBytes.length + extraLength);
        int flags = FLAG_UTF8 | (e.streamed ? FLAG_DATA_DESCRIPTOR : 0);
        b.putInt(0x02014b50).putShort((short) VERSION_MADE_BY);
        b.putShort((short) (zip64 ? 45 : e.method == DEFLATED ? 20 : 10));
        b.putShort((short) flags)
                .putShort((short) e.method)
                .putInt(dosTime(e.time))
                .putInt((int) e.crc);
        b.putInt((int) (bigCompressed ? MAX32 : e.compressedSize));
        b.putInt((int) (bigSize ? MAX32 : e.size));
        b.putShort((short) e.nameBytes.length).putShort((short) extraLength);
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0); // comment, disk, internal attrs
        b.putInt(UNIX_REGULAR_FILE_0644 << 16);
        b.putInt((int) (bigOffset ? MAX32 : e.offset));
        b.put(e.nameBytes);
        if (zip64Length > 0) {
            b.putShort((short) 0x0001).putShort((short) zip64Length);
            if (bigSize) {
                b.putLong(e.size);
            }
            if (bigCompressed) {
                b.putLong(e.compressedSize);
            }
            if (bigOffset) {
                b.putLong(e.offset);
            }
        }
        if (unixTime >= 0) {
            b.putShort((short) 0x5455).putShort((short) 5).put((byte) 1).putInt(unixTime);
        }
        return b.array();
    }

    // ---- blocks and output ----------------------------------------------------------------

    /** Input bytes of one block and their raw deflate output; reused across entries. */
    static final class Block {
        final byte[] in;
        final byte[] dictionary = new byte[DICTIONARY_SIZE];
        byte[] out = new byte[0];
        int len;
        int outLen;
        boolean hasDictionary;
        boolean last;

        Block(int size) {
            this.in = new byte[size];
        }

        /**
         * Deflates {@code in[0..len)} into {@code out}: primed with the dictionary if any, ended by a
         * sync flush (byte-aligned, stream open) or, for the last block, by a final block.
         */
        void deflate(int level) {
            Deflater deflater = new Deflater(level, true);
            try {
                if (hasDictionary) {
                    deflater.setDictionary(dictionary);
                }
                deflater.setInput(in, 0, len);
                if (out.length < len + (len >> 6) + 64) {
                    out = new byte[in.length + (in.length >> 6) + 64];
                }
                outLen = 0;
                if (last) {
                    deflater.finish();
                    while (!deflater.finished()) {
                        grow();
                        outLen += deflater.deflate(out, outLen, out.length - outLen);
                    }
                } else {
                    do {
                        grow();
                        outLen += deflater.deflate(out, outLen, out.length - outLen, Deflater.SYNC_FLUSH);
                    } while (outLen == out.length);
                }
            } finally {
                deflater.end();
            }
        }

        private void grow() {
            if (outLen == out.length) {
                out = java.util.Arrays.copyOf(out, out.length + (out.length >> 1) + 64);
            }
        }
    }

    /** Buffers small writes, counts bytes; large writes go straight through. */
    private static final class Output extends OutputStream {
        private final OutputStream target;
        private final byte[] buffer = new byte[1 << 16];
        private int buffered;
        private final AtomicLong count = new AtomicLong();

        Output(OutputStream target) {
            this.target = target;
        }

        long count() {
            return count.get();
        }

        @Override
        public void write(int b) throws IOException {
            if (buffered == buffer.length) {
                flushBuffer();
            }
            buffer[buffered++] = (byte) b;
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buffer.length) {
                flushBuffer();
                target.write(b, off, len);
            } else {
                if (len > buffer.length - buffered) {
                    flushBuffer();
                }
                System.arraycopy(b, off, buffer, buffered, len);
                buffered += len;
            }
            count.addAndGet(len);
        }

        private void flushBuffer() throws IOException {
            if (buffered > 0) {
                target.write(buffer, 0, buffered);
                buffered = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            flushBuffer();
            target.flush();
        }

        void closeWithoutFlush() throws IOException {
            buffered = 0;
            target.close();
        }
    }
}
