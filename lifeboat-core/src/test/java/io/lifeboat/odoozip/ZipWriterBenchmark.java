package io.lifeboat.odoozip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Throughput of {@link OdooZipWriter}, run by hand (not a test):
 *
 * <pre>
 * java -cp &lt;test classpath&gt; io.lifeboat.odoozip.ZipWriterBenchmark bench [MiB per stream] [text file or -] [levels, e.g. 1,3,6]
 * </pre>
 *
 * Writes a compressible stream (SQL-like text, or the given file, e.g. a real {@code dump.sql},
 * repeated) and a random one of the given size (default 1024 MiB) to a byte-counting sink with 1
 * and 2 threads, and JDK {@code ZipOutputStream} for comparison; prints wall and process CPU time. With
 * {@code memory MiB} it writes both streams once, which {@link OdooZipWriterTest} runs in a small
 * heap to prove entries are never buffered whole.
 */
public final class ZipWriterBenchmark {
    private ZipWriterBenchmark() {}

    private static byte[] textPattern;

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "bench";
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        long size = mib << 20;
        if (args.length > 2 && !args[2].equals("-")) {
            textPattern = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[2]));
        }
        if (mode.equals("memory")) {
            Sink sink = new Sink();
            try (OdooZipWriter w =
                    new OdooZipWriter(sink, ZipOptions.defaults().withThreads(2).withLevel(1))) {
                w.addEntry("dump.sql", new Generated(size, true, 1 << 20), EntryHint.COMPRESS);
                w.addEntry("random.bin", new Generated(size, false, 1 << 20), EntryHint.AUTO);
                w.finish();
            }
            long heap = Runtime.getRuntime().maxMemory();
            if (sink.count < size) {
                throw new IllegalStateException("wrote only " + sink.count + " bytes");
            }
            System.out.printf(
                    "memory check passed: %d MiB in, %d MiB out, max heap %d MiB%n",
                    2 * mib, sink.count >> 20, heap >> 20);
            return;
        }
        System.out.printf(
                "%d MiB per stream, %d processors%n", mib, Runtime.getRuntime().availableProcessors());
        int[] levels = args.length > 3
                ? java.util.Arrays.stream(args[3].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {ZipOptions.DEFAULT_LEVEL, 6};
        for (int level : levels) {
            for (int threads : new int[] {1, 2}) {
                ZipOptions options = ZipOptions.defaults().withThreads(threads).withLevel(level);
                run("text COMPRESS", size, true, EntryHint.COMPRESS, options);
                run("random AUTO", size, false, EntryHint.AUTO, options);
                run("random COMPRESS", size, false, EntryHint.COMPRESS, options);
            }
        }
        for (int level : levels) {
            Sink sink = new Sink();
            long cpu = cpuNanos();
            long start = System.nanoTime();
            try (ZipOutputStream z = new ZipOutputStream(sink)) {
                z.setLevel(level);
                z.putNextEntry(new ZipEntry("dump.sql"));
                new Generated(size, true, 4 << 20).transferTo(z);
                z.closeEntry();
            }
            report("JDK ZipOutputStream text", level, 1, size, sink.count, System.nanoTime() - start, cpuNanos() - cpu);
        }
    }

    private static void run(String what, long size, boolean text, EntryHint hint, ZipOptions options)
            throws IOException {
        Sink sink = new Sink();
        long cpu = cpuNanos();
        long start = System.nanoTime();
        String workers;
        try (OdooZipWriter w = new OdooZipWriter(sink, options)) {
            w.addEntry("entry", new Generated(size, text, 4 << 20), hint);
            workers = workerCpu();
            w.finish();
        }
        report(what, options.level(), options.threads(), size, sink.count, System.nanoTime() - start, cpuNanos() - cpu);
        if (!workers.isEmpty()) {
            System.out.println("    cpu seconds per deflate worker: " + workers);
        }
    }

    private static void report(String what, int level, int threads, long in, long out, long nanos, long cpuNanos) {
        double seconds = nanos / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%-26s level %d, %d thread(s): %6.2f s wall, %7.1f MiB/s, %6.2f s cpu, ratio %.3f%n",
                what,
                level,
                threads,
                seconds,
                (in >> 20) / seconds,
                cpuNanos / 1e9,
                (double) out / in);
    }

    /** CPU time of the live deflate threads: shows how evenly blocks spread over them. */
    private static String workerCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("lifeboat-zip-deflate-")) {
                sb.append(String.format(Locale.ROOT, "%.2f ", mx.getThreadCpuTime(info.getThreadId()) / 1e9));
            }
        }
        return sb.toString().strip();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Counts and discards. */
    static final class Sink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * {@code size} bytes cycling through a pattern buffer: SQL-like text, or random bytes (a cycle
     * longer than deflate's 32 KiB window stays incompressible).
     */
    static final class Generated extends InputStream {
        private final byte[] pattern;
        private final long size;
        private long position;

        Generated(long size, boolean text, int patternSize) {
            this.size = size;
            this.pattern = text
                    ? (textPattern != null ? textPattern : ArchiveTestSupport.sqlText(patternSize, 42))
                    : ArchiveTestSupport.randomBytes(patternSize, 42);
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            return pattern[(int) (position++ % pattern.length)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int at = (int) (position % pattern.length);
            int n = (int) Math.min(Math.min(len, pattern.length - at), size - position);
            System.arraycopy(pattern, at, b, off, n);
            position += n;
            return n;
        }
    }
}
