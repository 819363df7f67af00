package io.lifeboat.backup;

import io.lifeboat.odoo.StoreFname;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads referenced files (and discards them) on its own connection that imports the capture's
 * snapshot, so the filestore's disk reads overlap the dump. Best effort: any failure just ends it.
 */
final class FilestorePrefetch implements Runnable {
    private final BackupEngine.Instance instance;
    private final String snapshot;
    private volatile boolean stopped;
    private Thread thread;

    private FilestorePrefetch(BackupEngine.Instance instance, String snapshot) {
        this.instance = instance;
        this.snapshot = snapshot;
    }

    static FilestorePrefetch start(BackupEngine.Instance instance, String snapshot) {
        FilestorePrefetch p = new FilestorePrefetch(instance, snapshot);
        p.thread = Thread.ofPlatform().daemon().name("lifeboat-prefetch").start(p);
        return p;
    }

    void stop() {
        stopped = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        byte[] buf = new byte[1 << 20];
        try (Connection c = instance.connection().open(instance.database())) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                st.setFetchSize(5000);
                try (ResultSet rs = st.executeQuery("SELECT DISTINCT store_fname FROM ir_attachment"
                        + " WHERE store_fname IS NOT NULL ORDER BY store_fname")) {
                    while (!stopped && rs.next()) {
                        var name = StoreFname.parse(rs.getString(1));
                        if (name.isEmpty()) continue;
                        Path file = instance.filestore().resolve(name.get().relative());
                        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) continue; // never a FIFO
                        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                            while (!stopped && in.read(buf) >= 0) {
                                // discard: the point is the page cache
                            }
                        } catch (IOException missing) {
                            // reported by the real capture
                        }
                    }
                }
            }
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            // best effort
        }
    }
}
