package io.lifeboat.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;

/**
 * Puts a prepared database and filestore directory in the place of the live ones, setting the live ones
 * aside under another name: a restore swaps its copy in, a rollback a rollback point. The databases are
 * swapped in one transaction ({@link Admin#swapDatabases}), then the directories are renamed; when a
 * directory cannot be renamed, the databases are swapped back and the directories put back as they
 * were, so database and filestore stay one unit.
 */
final class Swap {
    private Swap() {}

    /**
     * The databases and directories to swap.
     *
     * @param live name of the live database
     * @param incomingDb database to put live under {@code live}, or null to leave the databases alone
     * @param liveDbExists whether the live database exists (it then becomes {@code aside})
     * @param aside the name the live database gets
     * @param liveDir the live filestore directory
     * @param incomingDir directory to put live as {@code liveDir}, or null to leave the filestores alone
     * @param liveDirExists whether {@code liveDir} exists (it then becomes {@code asideDir})
     * @param asideDir where the live directory goes
     */
    record Plan(
            String live,
            String incomingDb,
            boolean liveDbExists,
            String aside,
            Path liveDir,
            Path incomingDir,
            boolean liveDirExists,
            Path asideDir) {}

    /**
     * Records the rollback point the swap makes (first, so a crash mid-swap stays explainable), then
     * swaps; the record is taken back when the swap is undone. Returns the point, whose fields are null
     * when nothing was set aside.
     */
    static Rollbacks.Point withRollbackPoint(Admin admin, Path dataDir, String source, Plan p)
            throws SQLException, IOException {
        Rollbacks.Point point = new Rollbacks.Point(
                p.incomingDb() != null && p.liveDbExists() ? p.aside() : null,
                p.incomingDir() != null && p.liveDirExists() ? p.asideDir().toString() : null,
                source,
                java.time.Instant.now().toString());
        boolean recorded = point.database() != null || point.filestore() != null;
        if (recorded) Rollbacks.of(dataDir).add(p.live(), point);
        try {
            apply(admin, p);
        } catch (IOException e) {
            if (recorded) Rollbacks.of(dataDir).removeLatest(p.live());
            throw e;
        }
        return point;
    }

    /** Swaps as the class documentation says. */
    static void apply(Admin admin, Plan p) throws SQLException, IOException {
        boolean db = p.incomingDb() != null;
        if (db) admin.swapDatabases(p.live(), p.incomingDb(), p.liveDbExists() ? p.aside() : null);
        try {
            if (p.incomingDir() != null) {
                if (p.liveDirExists()) move(p.liveDir(), p.asideDir());
                move(p.incomingDir(), p.liveDir());
            }
        } catch (IOException e) {
            if (db) {
                admin.swapDatabases(p.incomingDb(), p.live(), null);
                if (p.liveDbExists()) admin.swapDatabases(p.live(), p.aside(), null);
            }
            if (p.incomingDir() != null
                    && p.liveDirExists()
                    && !Files.exists(p.liveDir())
                    && Files.exists(p.asideDir())) {
                move(p.asideDir(), p.liveDir());
            }
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
}
