package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole directory trees: the temporary filestores and scratch directories restores make. */
public final class Trees {
    private Trees() {}

    /** Flushes the new files to disk before they become the live filestore. */
    static void sync(Path dir) {
        try {
            ProcessRunner.command("sync", "-f", dir.toString()).checkExit(false).run();
        } catch (LifeboatException e) {
            // sync(1) missing: the rename order still keeps readers consistent
        }
    }

    /**
     * Removes a temporary directory; tries again while workers that have not seen the cancellation yet may
     * still create entries in it. True when it is gone.
     */
    static boolean remove(Path dir) {
        for (int i = 0; i < 5 && Files.exists(dir); i++) {
            deleteQuietly(dir);
            if (Files.exists(dir)) Thread.onSpinWait();
        }
        return !Files.exists(dir);
    }

    /** Deletes {@code dir} and everything in it, as far as it can; never fails. */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the directory name marks it as temporary
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
