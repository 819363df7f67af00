package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.progress.Progress;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A backup read from standard input ({@code lifeboat restore -}), copied to {@code
 * <data_dir>/lifeboat/tmp/stdin-<pid>-<random>.partial} so it can be read like a file (a zip needs its
 * central directory, at the end). The copy streams; the file is recorded in a {@link RunLedger} so an
 * interruption (or {@code lifeboat cleanup} after a kill) removes it, and {@link #close()} removes it on
 * every other way out.
 */
final class StdinSpool implements AutoCloseable {
    static final String NAME = "standard input";
    private static final String TO_FILE =
            "A backup restored from a file needs no copy: save it to a file and restore that.";

    private final Path path;
    private final RunLedger ledger;

    private StdinSpool(Path path, RunLedger ledger) {
        this.path = path;
        this.ledger = ledger;
    }

    /** {@code <data_dir>/lifeboat/tmp}, made owner-only. */
    static Path tmpDir(Path dataDir) {
        return dataDir.resolve("lifeboat").resolve("tmp");
    }

    /** Copies {@code in} to end of stream into a new temporary file under {@code dataDir}. */
    static StdinSpool copy(InputStream in, Path dataDir, Progress progress) {
        Path dir = tmpDir(dataDir);
        Path file;
        RunLedger ledger;
        try {
            Files.createDirectories(dir.getParent());
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            long pid = ProcessHandle.current().pid();
            file = Files.createTempFile(dir, "stdin-" + pid + "-", ".partial");
            ledger = RunLedger.begin(dataDir, "stdin-" + pid + "-" + System.nanoTime(), "restore from standard input");
        } catch (IOException e) {
            String m = "cannot create a temporary file in " + dir + " to hold standard input: " + e.getMessage();
            throw new LifeboatException(Kind.ENVIRONMENT, m, "Check that the data_dir is writable. " + TO_FILE, e);
        }
        StdinSpool spool = new StdinSpool(file, ledger);
        try {
            ledger.addFile(file);
            progress.phase("reading standard input", -1, "bytes");
            byte[] buf = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    progress.advance(n);
                    ledger.checkCancelled();
                }
            }
            return spool;
        } catch (IOException e) {
            spool.close();
            throw writeFailed(dir, e);
        } catch (RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    private static LifeboatException writeFailed(Path dir, IOException e) {
        long free = -1;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException ignored) {
            // the message below says enough
        }
        boolean full = (e instanceof FileSystemException
                        && String.valueOf(e.getMessage()).contains("No space"))
                || (free >= 0 && free < (1 << 20));
        String m = full
                ? "no space left in " + dir + " to hold standard input"
                : "cannot copy standard input to " + dir + ": " + e.getMessage();
        String hint = full
                ? "A backup read from standard input is first copied there: free space on that disk. " + TO_FILE
                : TO_FILE;
        return new LifeboatException(Kind.ENVIRONMENT, m, hint, e);
    }

    /**
     * The copy opened as a backup file is (recognised by content), describing itself as "standard input"; so
     * do the errors opening it.
     */
    RestoreSource open() throws IOException {
        try {
            return DumpRestoreSource.open(path, NAME);
        } catch (LifeboatException e) {
            String m = e.getMessage();
            if (m == null || !m.contains(path.toString())) throw e;
            throw new LifeboatException(e.kind(), m.replace(path.toString(), NAME), e.hint(), e);
        }
    }

    /** Removes the temporary file and ends the ledger. */
    @Override
    public void close() {
        ledger.abort();
    }
}
