package io.lifeboat.demo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes deterministic pseudo-random file contents into an Odoo filestore layout, in parallel. */
final class SyntheticFiles {

    /** What to write: content is a pure function of these fields. */
    record Plan(long seed, int size, boolean incompressible, String mimetype) {}

    /** What was written: SHA-1 (lowercase hex) and size. */
    record Written(String sha1, long size) {
        String storeFname() {
            return sha1.substring(0, 2) + "/" + sha1;
        }
    }

    private static final int BUF = 1 << 16;
    private static final byte[][] WORDS = words();
    private static final byte[][] NUMBERS = numbers();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private SyntheticFiles() {}

    /**
     * Starts writing every plan as {@code dir/xx/<sha1>} on {@code threads} threads; the output
     * does not depend on the number of threads.
     */
    static Job start(Path dir, List<Plan> plans, int threads) {
        return new Job(dir, plans, Math.max(1, threads));
    }

    /** Writes the files and waits for them. */
    static List<Written> write(Path dir, List<Plan> plans, int threads) {
        try (Job job = start(dir, plans, threads)) {
            return job.await();
        }
    }

    /** A running write; {@link #close()} cancels it if it has not finished. */
    static final class Job implements AutoCloseable {
        private final Path dir;
        private final ExecutorService pool;
        private final List<Future<?>> workers = new ArrayList<>();
        private final Written[] out;

        private Job(Path dir, List<Plan> plans, int threads) {
            this.dir = dir;
            this.out = new Written[plans.size()];
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "lifeboat-filestore-writer");
                t.setDaemon(true);
                return t;
            });
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    byte[] buf = new byte[BUF];
                    MessageDigest sha1 = sha1();
                    for (int i = next.getAndIncrement(); i < plans.size(); i = next.getAndIncrement()) {
                        out[i] = SyntheticFiles.write(dir, plans.get(i), buf, sha1, i);
                    }
                    return null;
                }));
            }
            pool.shutdown();
        }

        /** Waits for all files; the list is in plan order. */
        List<Written> await() {
            try {
                for (Future<?> w : workers) {
                    w.get();
                }
                return List.of(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the filestore", e);
            } catch (ExecutionException e) {
                throw new UncheckedIOException(
                        "cannot write the filestore in " + dir,
                        e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
            }
        }

        /** Cancels unfinished work and waits (up to a minute) until no file is being written. */
        @Override
        public void close() {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The content of a plan, in memory (for small contents such as database-stored ones). */
    static byte[] content(Plan plan) {
        byte[] data = new byte[plan.size()];
        Content c = new Content(plan);
        byte[] buf = new byte[BUF];
        for (int off = 0; off < data.length; ) {
            int n = Math.min(BUF, data.length - off);
            c.fill(buf, n);
            System.arraycopy(buf, 0, data, off, n);
            off += n;
        }
        return data;
    }

    static String sha1Hex(byte[] data) {
        return HexFormat.of().formatHex(sha1().digest(data));
    }

    /** Creates the zero-byte garbage-collection marker {@code dir/checklist/xx/<sha1>}. */
    static void markForGc(Path dir, String sha1) throws IOException {
        Path marker = dir.resolve("checklist").resolve(sha1.substring(0, 2)).resolve(sha1);
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    private static Written write(Path dir, Plan plan, byte[] buf, MessageDigest sha1, int index) throws IOException {
        Path tmp = dir.resolve(".tmp-" + index + "-" + Thread.currentThread().threadId());
        try {
            Content c = new Content(plan);
            sha1.reset();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long left = plan.size(); left > 0; ) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("filestore writing cancelled");
                    }
                    int n = (int) Math.min(BUF, left);
                    c.fill(buf, n);
                    sha1.update(buf, 0, n);
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
            String hex = HexFormat.of().formatHex(sha1.digest());
            Path target = dir.resolve(hex.substring(0, 2)).resolve(hex);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Written(hex, plan.size());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    /**
     * A stream of content: random bytes behind a file-type signature, or word-based text that
     * compresses like real documents. Each content starts with bytes unique to its seed.
     */
    private static final class Content {
        private final SplittableRandom rng;
        private final boolean incompressible;
        private byte[] header;

        Content(Plan plan) {
            this.rng = new SplittableRandom(plan.seed());
            this.incompressible = plan.incompressible();
            String unique = Long.toHexString(plan.seed());
            this.header = (switch (plan.mimetype()) {
                        case "image/png" -> "\u0089PNG\r\n\u001a\n";
                        case "application/pdf" -> "%PDF-1.7\n%";
                        case "application/zip" -> "PK\u0003\u0004";
                        case "image/jpeg" -> "\u00ff\u00d8\u00ff\u00e0";
                        case "application/xml" ->
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- " + unique + " -->\n";
                        case "text/csv" -> "id,name,quantity,price," + unique + "\n";
                        case "text/html" -> "<!DOCTYPE html>\n<!-- " + unique + " -->\n";
                        default -> unique + "\n";
                    })
                    .getBytes(StandardCharsets.ISO_8859_1);
        }

        void fill(byte[] buf, int len) {
            int pos = 0;
            if (header != null) {
                pos = Math.min(len, header.length);
                System.arraycopy(header, 0, buf, 0, pos);
                header = pos < header.length ? Arrays.copyOfRange(header, pos, header.length) : null;
            }
            if (incompressible) {
                for (; pos + 8 <= len; pos += 8) {
                    LONGS.set(buf, pos, rng.nextLong());
                }
                if (pos < len) {
                    for (long r = rng.nextLong(); pos < len; r >>>= 8) {
                        buf[pos++] = (byte) r;
                    }
                }
                return;
            }
            while (pos < len) {
                int r = rng.nextInt();
                byte[] w = (r & 7) == 0 ? NUMBERS[(r >>> 3) & (NUMBERS.length - 1)] : WORDS[(r >>> 3) % WORDS.length];
                int n = Math.min(w.length, len - pos);
                System.arraycopy(w, 0, buf, pos, n);
                pos += n;
                if (pos < len) {
                    buf[pos++] = (byte) ((r >>> 24) < 12 ? '\n' : (r >>> 24) < 30 ? ',' : ' ');
                }
            }
        }
    }

    private static byte[][] numbers() {
        SplittableRandom rng = new SplittableRandom(42);
        byte[][] out = new byte[4096][];
        for (int i = 0; i < out.length; i++) {
            int n = rng.nextInt(100_000);
            String text = i % 2 == 0 ? Integer.toString(n) : n / 100 + "." + String.format("%02d", n % 100);
            out[i] = text.getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    private static byte[][] words() {
        String text = "invoice order customer vendor payment amount total tax price quantity product service"
                + " delivery address street city country partner company account journal entry line date"
                + " due balance credit debit reconcile posted draft confirmed cancelled currency euro dollar"
                + " discount unit hour day week month year report summary note description reference number"
                + " contact email phone mobile website manager employee department project task stage team"
                + " sales purchase stock warehouse location lot serial picking receipt shipment carrier weight"
                + " volume package pallet bank statement transfer fee fiscal position analytic budget asset"
                + " depreciation expense refund quotation contract subscription renewal lead opportunity";
        String[] w = text.split(" ");
        byte[][] out = new byte[w.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
