package io.lifeboat.odoozip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.FutureTask;
import java.util.zip.CRC32;

/**
 * The stream an entry of an {@link OdooZipWriter} is written through: cuts the content into blocks,
 * chooses the method from the hint (and, for {@link EntryHint#AUTO}, from the first block), computes
 * the CRC, and queues the entry's records and blocks on the writer's {@link DeflatePipeline}. An entry
 * that fits in one block gets its sizes and CRC in the local header; a larger one is streamed, with a
 * data descriptor. Closing it completes the entry; any failure makes the writer unusable.
 */
final class EntryOutput extends OutputStream {
    final ZipRecords.Entry entry;
    private final EntryHint hint;
    private final OdooZipWriter writer;
    private final CountingOutput out;
    private final DeflatePipeline pipeline;
    private final ZipRecords records;
    private final CentralDirectory directory;
    private final ZipOptions options;
    private final CRC32 crc = new CRC32();
    private DeflateBlock pending;
    private DeflateBlock previous;
    private boolean started;
    private boolean done;

    EntryOutput(OdooZipWriter writer, ZipRecords.Entry entry, EntryHint hint) {
        this.writer = writer;
        this.entry = entry;
        this.hint = hint;
        this.out = writer.out;
        this.pipeline = writer.pipeline;
        this.records = writer.records;
        this.directory = writer.directory;
        this.options = writer.options;
    }

    /** Deflate keeps content only when it saves at least 1/32 of it. */
    private static boolean worthDeflating(long size, long compressed) {
        return compressed <= size - size / 32 && compressed < size;
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        if (pending != null && pending.len == pending.in.length) {
            flushPending();
        }
        if (pending == null) {
            pending = pipeline.takeBlock();
        }
        pending.in[pending.len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (pending != null && pending.len == pending.in.length) {
                flushPending();
            }
            if (pending == null) {
                pending = pipeline.takeBlock();
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
                pending = pipeline.takeBlock();
                pending.in[pending.len++] = (byte) c;
            }
            if (pending == null) {
                pending = pipeline.takeBlock();
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
        writer.checkUsable();
    }

    /** Hands the full pending block on; more data follow it. */
    private void flushPending() throws IOException {
        try {
            DeflateBlock b = pending;
            pending = null;
            if (!started) {
                start(b);
            }
            submit(b, false);
        } catch (IOException | RuntimeException | Error e) {
            writer.markFailed();
            throw e;
        }
    }

    /** Chooses the method from the first full block and queues the streamed local header. */
    private void start(DeflateBlock first) throws IOException {
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
        entry.method = deflate ? ZipRecords.DEFLATED : ZipRecords.STORED;
        entry.streamed = true;
        entry.zip64Local = options.forceZip64();
        started = true;
        pipeline.enqueue(new DeflatePipeline.Item(null, null, () -> {
            entry.offset = out.count();
            out.write(records.localHeader(entry));
        }));
    }

    private void submit(DeflateBlock b, boolean last) throws IOException {
        crc.update(b.in, 0, b.len);
        entry.size += b.len;
        if (entry.method == ZipRecords.STORED) {
            pipeline.enqueue(new DeflatePipeline.Item(null, b, () -> {
                out.write(b.in, 0, b.len);
                entry.compressedSize += b.len;
            }));
            return;
        }
        // The first block of an AUTO entry was already deflated by the trial in start().
        boolean alreadyDeflated = b.outLen > 0;
        if (previous != null) {
            System.arraycopy(
                    previous.in,
                    previous.len - DeflateBlock.DICTIONARY_SIZE,
                    b.dictionary,
                    0,
                    DeflateBlock.DICTIONARY_SIZE);
            b.hasDictionary = true;
        }
        b.last = last;
        previous = b;
        int level = options.level();
        pipeline.enqueue(new DeflatePipeline.Item(
                alreadyDeflated ? DeflatePipeline.completed() : DeflatePipeline.task(() -> b.deflate(level)), b, () -> {
                    out.write(b.out, 0, b.outLen);
                    entry.compressedSize += b.outLen;
                }));
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        writer.checkUsable();
        done = true;
        writer.entryClosed();
        try {
            if (!started) {
                submitSmall(pending == null ? pipeline.takeBlock() : pending);
            } else {
                submit(pending, true);
                entry.crc = crc.getValue();
                pipeline.enqueue(new DeflatePipeline.Item(null, null, () -> {
                    out.write(ZipRecords.dataDescriptor(entry));
                    directory.add(records.centralHeader(entry));
                }));
            }
            pending = null;
            previous = null;
        } catch (IOException | RuntimeException | Error e) {
            writer.markFailed();
            throw e;
        }
    }

    /** The whole entry is in one block: sizes and CRC go in the local header. */
    private void submitSmall(DeflateBlock b) throws IOException {
        int level = options.level();
        FutureTask<Void> work = DeflatePipeline.task(() -> {
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
            entry.method = deflate ? ZipRecords.DEFLATED : ZipRecords.STORED;
            entry.compressedSize = deflate ? b.outLen : b.len;
            entry.zip64Local = options.forceZip64();
        });
        pipeline.enqueue(new DeflatePipeline.Item(work, b, () -> {
            entry.offset = out.count();
            out.write(records.localHeader(entry));
            if (entry.method == ZipRecords.DEFLATED) {
                out.write(b.out, 0, b.outLen);
            } else {
                out.write(b.in, 0, b.len);
            }
            directory.add(records.centralHeader(entry));
        }));
    }
}
