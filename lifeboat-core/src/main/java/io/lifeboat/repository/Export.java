package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a backup source — usually a repository snapshot — as an Odoo-standard backup: {@code
 * dump.sql} in plain SQL, the filestore, {@code manifest.json}. A plain dump is copied byte for byte;
 * a custom-format (or directory-format) dump is converted with {@code pg_restore --no-owner -f -},
 * which needs no database server. Everything streams: nothing is staged on disk or held whole in
 * memory.
 *
 * <p>Whatever the source delivers is checked on the way (a snapshot checks every blob, the dump's
 * SHA-256 and every file's SHA-1); on any failure the sink is aborted, so a zip file written through
 * {@link io.lifeboat.odoozip.ZipCaptureSink#toFile} never appears half-made.
 */
public final class Export {
    /** Files up to this size are fetched whole, ahead of the writer, when fetching in parallel. */
    private static final long PREFETCH_MAX = 1 << 20;

    /**
     * What was exported.
     *
     * @param target what the sink made (a file path, or {@code -} for a stream)
     * @param sourceFormat the dump format in the source ({@code PLAIN} is copied as is)
     * @param dumpBytes bytes of {@code dump.sql} written
     */
    public record Result(
            String target, DumpFormat sourceFormat, long dumpBytes, long files, long fileBytes, long millis) {}

    private Export() {}

    /**
     * Exports a snapshot; its record supplies the manifest when the snapshot holds none (an imported
     * dump file). Files are fetched {@code parallel} at a time.
     */
    public static Result toOdooZip(
            SnapshotSource snapshot, CaptureSink sink, Path pgRestore, int parallel, Progress progress)
            throws IOException {
        return toOdooZip(snapshot, manifestOf(snapshot.info()), sink, pgRestore, parallel, progress);
    }

    /**
     * Exports {@code source} into {@code sink} (which must accept a plain dump). {@code manifest} is
     * used when the source has none. {@code pgRestore} is needed only for a non-plain dump; it must be
     * at least as new as the pg_dump that wrote it. {@code parallel} greater than 1 fetches files
     * concurrently, which only a thread-safe source (a snapshot) allows.
     */
    public static Result toOdooZip(
            RestoreSource source, JsonNode manifest, CaptureSink sink, Path pgRestore, int parallel, Progress progress)
            throws IOException {
        long start = System.nanoTime();
        boolean committed = false;
        try {
            DumpFormat format = source.dumpFormat()
                    .orElseThrow(() -> new LifeboatException(
                            Kind.BAD_INPUT,
                            source.describe() + " holds no database dump",
                            "An Odoo backup needs a database; export a snapshot that has one."));
            progress.phase("export database", -1, "bytes");
            long dumpBytes = switch (format) {
                case PLAIN -> {
                    try (Counting in = new Counting(source.openDump(), progress)) {
                        sink.dump(DumpFormat.PLAIN, in);
                        yield in.count;
                    }
                }
                case CUSTOM, DIRECTORY -> toPlain(source, format, sink, pgRestore, progress);
            };
            List<RestoreSource.FileRef> files = source.files();
            progress.phase("export filestore", files.size(), "files");
            long fileBytes = copyFiles(source, files, sink, parallel, progress);
            JsonNode m = source.manifest().orElse(manifest);
            ObjectNode report = Json.MAPPER.createObjectNode();
            report.put("source", source.describe()).put("dumpBytes", dumpBytes).put("files", files.size());
            String target = sink.commit(m, report);
            committed = true;
            return new Result(
                    target, format, dumpBytes, files.size(), fileBytes, (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (!committed) sink.abort();
        }
    }

    /** A manifest from a snapshot record, for snapshots that hold none. */
    static JsonNode manifestOf(SnapshotInfo info) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("odoo_dump", "1").put("db_name", info.database());
        m.put("version", info.odooVersion());
        m.putNull("version_info");
        String v = info.odooVersion();
        m.put("major_version", v == null ? null : v.replaceAll("^(\\d+\\.\\d+).*", "$1"));
        m.put("pg_version", info.postgresVersion());
        ObjectNode mods = m.putObject("modules");
        info.modules().forEach(mods::put);
        return m;
    }

    /** Runs pg_restore to turn the dump into SQL, streaming its output into the sink. */
    private static long toPlain(
            RestoreSource source, DumpFormat format, CaptureSink sink, Path pgRestore, Progress progress)
            throws IOException {
        if (pgRestore == null) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "converting a " + format.name().toLowerCase(java.util.Locale.ROOT)
                            + "-format dump to dump.sql needs pg_restore",
                    "Install the PostgreSQL client programs or point to them with --pg-bin.");
        }
        if (format == DumpFormat.DIRECTORY) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "a directory-format dump cannot be exported as dump.sql",
                    "Run pg_restore -f dump.sql on the directory instead.");
        }
        List<String> cmd = List.of(pgRestore.toString(), "--no-owner", "-f", "-");
        PipedInputStream pipe = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(pipe);
        Throwable[] failure = new Throwable[1];
        InputStream dump = source.openDump();
        Thread producer = Thread.ofPlatform().name("lifeboat-pg_restore").start(() -> {
            try (out;
                    dump) {
                ProcessRunner.command(cmd)
                        .stdin(dump)
                        .stdout(out)
                        .failureKind(Kind.INTEGRITY)
                        .hint("pg_restore could not read the dump; run verify --read-data on the repository.")
                        .run();
            } catch (Throwable t) {
                synchronized (failure) {
                    failure[0] = t;
                }
            }
        });
        try (Counting in = new Counting(new PipeEnd(pipe, producer, failure), progress)) {
            sink.dump(DumpFormat.PLAIN, in);
            rethrow(producer, failure);
            return in.count;
        } finally {
            pipe.close();
            join(producer);
        }
    }

    /** The reading end of the pg_restore pipe: at its end, fails if pg_restore or its input failed. */
    private static final class PipeEnd extends FilterInputStream {
        private final Thread producer;
        private final Throwable[] failure;

        PipeEnd(InputStream in, Thread producer, Throwable[] failure) {
            super(in);
            this.producer = producer;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) rethrow(producer, failure);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r < 0) rethrow(producer, failure);
            return r;
        }
    }

    private static void rethrow(Thread producer, Throwable[] failure) throws IOException {
        join(producer);
        Throwable t;
        synchronized (failure) {
            t = failure[0];
        }
        if (t == null) return;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LifeboatException le) throw le; // e.g. the dump failed its checksum
        }
        if (t instanceof IOException io) throw io;
        if (t instanceof UncheckedIOException u) throw u.getCause();
        if (t instanceof RuntimeException r) throw r;
        throw new IOException(t);
    }

    private static void join(Thread t) throws IOException {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while converting the dump");
        }
    }

    /**
     * Copies files in order; with {@code parallel} > 1, small files are fetched ahead on a bounded
     * pool (at most {@code 4 × parallel} files of at most {@value #PREFETCH_MAX} bytes in memory).
     */
    private static long copyFiles(
            RestoreSource source, List<RestoreSource.FileRef> files, CaptureSink sink, int parallel, Progress progress)
            throws IOException {
        long bytes = 0;
        if (parallel <= 1) {
            for (RestoreSource.FileRef f : files) {
                try (InputStream in = source.open(f)) {
                    sink.file(f.relative(), f.size(), in);
                }
                bytes += f.size();
                progress.advance(1);
            }
            return bytes;
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                parallel,
                Thread.ofPlatform().daemon().name("lifeboat-export-", 0).factory());
        ArrayDeque<Future<InputStream>> ahead = new ArrayDeque<>();
        int next = 0;
        try {
            for (RestoreSource.FileRef f : files) {
                while (next < files.size() && ahead.size() < 4 * parallel) {
                    RestoreSource.FileRef g = files.get(next++);
                    ahead.add(
                            g.size() <= PREFETCH_MAX
                                    ? pool.submit(() -> {
                                        try (InputStream in = source.open(g)) {
                                            return new ByteArrayInputStream(in.readAllBytes());
                                        }
                                    })
                                    : java.util.concurrent.CompletableFuture.completedFuture(null));
                }
                InputStream prefetched = await(ahead.poll());
                try (InputStream in = prefetched != null ? prefetched : source.open(f)) {
                    sink.file(f.relative(), f.size(), in);
                }
                bytes += f.size();
                progress.advance(1);
            }
        } finally {
            pool.shutdownNow();
        }
        return bytes;
    }

    private static InputStream await(Future<InputStream> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading files");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException r) throw r;
            throw new IOException(c);
        }
    }

    /** Counts bytes and reports them as progress. */
    private static final class Counting extends FilterInputStream {
        private final Progress progress;
        long count;

        Counting(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
                progress.advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
                progress.advance(r);
            }
            return r;
        }
    }
}
