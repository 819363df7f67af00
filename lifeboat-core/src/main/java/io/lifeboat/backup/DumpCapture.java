package io.lifeboat.backup;

import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The database part of a capture: {@code pg_dump} of the capture's exported snapshot, streamed through
 * a pipe into the sink without a temporary copy. A failed {@code pg_dump} ends the stream the sink
 * reads with an exception, never with a clean end.
 */
record DumpCapture(BackupEngine.Instance instance, BackupEngine.Options options, Progress progress) {

    /** Dumps the database as of {@code snapshot} into the sink; counts the bytes in the report. */
    void run(String snapshot, CaptureSink sink, BackupReport report) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                instance.pgDump().toString(),
                "--no-owner",
                "--snapshot=" + snapshot,
                "--dbname=" + instance.database()));
        if (options.format() == DumpFormat.CUSTOM) cmd.add("--format=c");
        if (options.dumpCompression() >= 0) cmd.add("--compress=" + options.dumpCompression());
        progress.phase("dump database", -1, "bytes");
        PipedInputStream in = new PipedInputStream(1 << 20);
        CountingOutputStream out = new CountingOutputStream(new PipedOutputStream(in), progress);
        Thread producer = Thread.ofPlatform().name("lifeboat-pg_dump").start(() -> {
            try {
                ProcessRunner.command(cmd)
                        .env(instance.connection().env(instance.database()))
                        .removeEnv("PGDATABASE")
                        .stdout(out)
                        .hint("Check that pg_dump can connect and that its version is not older than the server's.")
                        .run();
                out.close();
            } catch (IOException | RuntimeException e) {
                out.fail(e);
            }
        });
        try (InputStream dump = new FailureAwareInputStream(in, out)) {
            sink.dump(options.format(), dump);
        }
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        out.rethrow();
        report.dumpBytes = out.count();
    }

    /** Counts bytes, reports progress, and carries the producer's failure to the consumer. */
    static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        private final Progress progress;
        private long count;
        private volatile Throwable failure;

        CountingOutputStream(OutputStream out, Progress progress) {
            this.out = out;
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            progress.advance(len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        long count() {
            return count;
        }

        void fail(Throwable t) {
            failure = t;
            try {
                out.close();
            } catch (IOException ignored) {
                // the consumer sees the failure below
            }
        }

        void rethrow() throws IOException {
            Throwable t = failure;
            if (t instanceof IOException io) throw io;
            if (t instanceof RuntimeException re) throw re;
            if (t != null) throw new IOException(t);
        }
    }

    /** Ends with an exception, not with end-of-stream, when the producer failed: a failed dump never looks complete. */
    static final class FailureAwareInputStream extends java.io.FilterInputStream {
        private final CountingOutputStream producer;

        FailureAwareInputStream(InputStream in, CountingOutputStream producer) {
            super(in);
            this.producer = producer;
        }

        @Override
        public int read() throws IOException {
            int r = super.read();
            if (r < 0) check();
            return r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r < 0) check();
            return r;
        }

        private void check() throws IOException {
            // the producer records its failure before it closes the pipe
            producer.rethrow();
        }
    }
}
