package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a restored copy before it is swapped in: module base installed, users present, and every file
 * {@code ir_attachment} references present in the filestore. Fills {@link RestoreReport#verification}.
 */
final class Verifier {
    private final RestoreReport report;
    private final Progress progress;

    Verifier(RestoreReport report, Progress progress) {
        this.report = report;
        this.progress = progress;
    }

    /**
     * Verifies database {@code db} (read as {@code as}) and, unless {@code filestore} is null, that the files
     * it references are there. A restored database ({@code restoredDb}) that is not a complete Odoo database
     * fails the restore.
     */
    void verify(PgConnection as, String db, Filestore filestore, boolean restoredDb) throws SQLException, IOException {
        progress.phase("verify", -1, "");
        RestoreReport.Verification v = report.verification;
        try (Connection c = as.open(db)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            if (tableExists(c, "ir_module_module")) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT state FROM ir_module_module WHERE name = 'base'")) {
                    v.baseInstalled = rs.next() && "installed".equals(rs.getString(1));
                }
            }
            if (tableExists(c, "res_users")) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM res_users")) {
                    rs.next();
                    v.users = rs.getLong(1);
                }
            }
            if (restoredDb && (!v.baseInstalled || v.users == 0)) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "restored database failed verification: "
                                + (!v.baseInstalled ? "module base is not installed" : "it has no users"),
                        "The backup is not a complete Odoo database; the target was not changed.");
            }
            if (filestore == null || !tableExists(c, "ir_attachment")) return;
            List<String> missing = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                st.setFetchSize(5000);
                try (ResultSet rs = st.executeQuery(
                        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                    while (rs.next()) {
                        String s = rs.getString(1);
                        v.referencedFiles++;
                        var parsed = StoreFname.parse(s);
                        if (parsed.isPresent()
                                && filestore.stat(parsed.get().relative()).isPresent()) {
                            v.presentFiles++;
                        } else {
                            v.missingFiles++;
                            if (missing.size() < 1000) missing.add(s);
                        }
                    }
                }
            }
            v.missing = missing;
            if (!missing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM ir_attachment WHERE store_fname = ANY(?) ORDER BY id LIMIT 1000")) {
                    ps.setArray(1, c.createArrayOf("text", missing.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) v.missingAttachmentIds.add(rs.getLong(1));
                    }
                }
                String message = v.missingFiles
                        + " referenced files are missing from the restored filestore (attachment ids "
                        + v.missingAttachmentIds + ")";
                report.warnings.add(message);
                progress.warn(message);
            }
            c.rollback();
        }
    }

    /** Refuses to go on when {@code strict} and files are missing or corrupt. */
    void failIfUnsafe(boolean strict) {
        RestoreReport.Verification v = report.verification;
        if (strict && (v.missingFiles > 0 || v.corruptFiles > 0)) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "verification failed: " + v.missingFiles + " referenced files missing, " + v.corruptFiles
                            + " corrupt",
                    "The target was not changed. Restore without --strict to accept the backup as it is, then repair with 'lifeboat repair'.");
        }
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
