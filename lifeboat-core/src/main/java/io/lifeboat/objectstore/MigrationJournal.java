package io.lifeboat.objectstore;

import io.lifeboat.LifeboatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state a filestore migration keeps between runs (format in docs/object-storage.md): a text file whose
 * first line names the migration ({@code lifeboat-migrate 1 <direction> <layout> <target>}) and whose
 * other lines are {@code placed <sha1> <size>}, written after the content was committed at the target with
 * its SHA-1 checked on the way, and {@code uploaded <count>} when phase 1 completed.
 *
 * <p>The journal only saves work: a line lost in a crash makes the next run read that object back to
 * verify it instead of trusting it. A journal of another migration (other direction, layout or target) is
 * moved aside to {@code <file>.old}, never trusted.
 */
final class MigrationJournal implements AutoCloseable {
    private final Path file;
    private final Map<String, Long> placed = new HashMap<>();
    private final BufferedWriter out;
    private final FileChannel lockChannel;
    private boolean phase1Complete;

    private MigrationJournal(Path file, BufferedWriter out, FileChannel lockChannel) {
        this.file = file;
        this.out = out;
        this.lockChannel = lockChannel;
    }

    /** Opens (creating it if needed) the journal of the migration {@code header} describes. */
    static MigrationJournal open(Path file, String header) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel lock = FileChannel.open(
                file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            java.nio.channels.FileLock held;
            try {
                held = lock.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
                held = null;
            }
            if (held == null) {
                throw new LifeboatException(
                        LifeboatException.Kind.CONFLICT,
                        "another migration of this database is running (" + file + ")",
                        "Wait for it to finish, or stop it; a stopped migration resumes when run again.");
            }
            return open(file, header, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static MigrationJournal open(Path file, String header, FileChannel lock) throws IOException {
        String first = "lifeboat-migrate 1 " + header;
        Map<String, Long> known = new HashMap<>();
        boolean complete = false;
        boolean fresh = true;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && lines.get(0).equals(first)) {
                fresh = false;
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(" ");
                    if (f.length == 3
                            && f[0].equals("placed")
                            && f[1].matches("[0-9a-f]{40}")
                            && f[2].matches("\\d{1,18}")) {
                        known.put(f[1], Long.parseLong(f[2]));
                    } else if (f.length == 2 && f[0].equals("uploaded")) {
                        complete = true;
                    } // a torn last line is ignored
                }
            } else {
                Files.move(file, file.resolveSibling(file.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        BufferedWriter w = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        MigrationJournal j = new MigrationJournal(file, w, lock);
        j.placed.putAll(known);
        j.phase1Complete = complete;
        if (fresh) {
            w.write(first);
            w.newLine();
            w.flush();
        }
        return j;
    }

    /** Whether this migration placed {@code sha1} with {@code size} bytes, its SHA-1 checked on the way. */
    synchronized boolean placed(String sha1, long size) {
        Long s = placed.get(sha1);
        return s != null && s == size;
    }

    /** Whether an earlier run completed phase 1. */
    synchronized boolean phase1Complete() {
        return phase1Complete;
    }

    /** Records that {@code sha1} was committed at the target. */
    synchronized void recordPlaced(String sha1, long size) {
        placed.put(sha1, size);
        try {
            out.write("placed " + sha1 + " " + size);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records that phase 1 completed with {@code count} contents at the target, durably. */
    synchronized void recordPhase1Complete(long count) throws IOException {
        phase1Complete = true;
        out.write("uploaded " + count);
        out.newLine();
        out.flush();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } finally {
            lockChannel.close(); // releases the lock
        }
    }
}
