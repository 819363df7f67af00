package io.lifeboat.runs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden file a backup is written to before it is renamed to its final name:
 * {@code .<name>.lifeboat-<pid>-<random>.partial} next to it. It is undone by an interruption of this
 * process ({@link RunLedger#abortAll()}), and a partial file whose process is gone (killed) is removed by
 * the next backup to the same name.
 */
public final class PartialFile implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("\\..+\\.lifeboat-(\\d+)-\\d+\\.partial");

    private final Path path;
    private final RunLedger ledger;
    private final RunLedger.Resource resource;

    private PartialFile(Path path, RunLedger ledger) {
        this.path = path;
        this.ledger = ledger;
        this.resource = RunLedger.Resource.file(path);
    }

    /** Creates the partial file for {@code target} after removing those of dead backups to the same name. */
    public static PartialFile create(Path target) throws IOException {
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".lifeboat-";
        sweep(dir, target.getFileName().toString());
        Path temp = Files.createTempFile(dir, prefix + ProcessHandle.current().pid() + "-", ".partial");
        RunLedger ledger = RunLedger.begin(
                null, "backup-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), "backup " + target);
        PartialFile f = new PartialFile(temp, ledger);
        ledger.addFile(temp);
        return f;
    }

    public Path path() {
        return path;
    }

    /**
     * Renames the complete file to {@code target} (atomically) unless the run was interrupted, in which
     * case it fails and the file is removed as any failure removes it. The rename and the release happen
     * under the ledger's lock, so an interruption comes either before (nothing is committed) or after.
     */
    public void commit(Path target) throws IOException {
        synchronized (ledger) {
            ledger.checkCancelled();
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
            ledger.release(resource);
        }
    }

    /** Removes partial files of {@code name} in {@code dir} whose process is gone. */
    public static int sweep(Path dir, String name) {
        int removed = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + name + ".lifeboat-*.partial")) {
            for (Path p : s) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid = Long.parseLong(m.group(1));
                if (!RunLedger.processAlive(pid, Files.getLastModifiedTime(p).toInstant())) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // nothing to sweep
        }
        return removed;
    }

    /** Deletes the file unless committed, and ends the ledger. */
    @Override
    public void close() {
        ledger.abort();
    }
}
