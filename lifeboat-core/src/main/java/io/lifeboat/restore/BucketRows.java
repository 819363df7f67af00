package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.postgres.PgConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code store_fname} rewrites of a restore into a bucket, on the restored (temporary) database:
 * {@link #normalize} turns attachment_s3 values ({@code s3://<bucket>/<sha1>}) into the filestore's own
 * {@code xx/<sha1>} so the copy is verified like any other, {@link #write} then gives the rows the target
 * layout's form. Only values of the exact, safe forms are touched.
 */
final class BucketRows {
    static final String S3_FORM = "^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[0-9a-f]{40}$";
    static final String LOCAL_FORM = "^[0-9a-f]{2}/[0-9a-f]{40}$";

    private BucketRows() {}

    /**
     * Rewrites attachment_s3 values to {@code xx/<sha1>}; first, for a copy, refuses when they name {@code
     * bucketName} (the copy's files would go into its source's bucket).
     */
    static void normalize(PgConnection as, String db, String bucketName, boolean copy) throws SQLException {
        try (Connection c = as.open(db)) {
            List<String> buckets = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT DISTINCT substring(store_fname FROM '^s3://([^/]+)/')"
                            + " FROM ir_attachment WHERE store_fname ~ '" + S3_FORM + "'")) {
                while (rs.next()) buckets.add(rs.getString(1));
            }
            if (copy && bucketName != null && buckets.contains(bucketName)) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        "the backup's attachments are in bucket " + bucketName
                                + ": a copy restored into it would write into its source's bucket",
                        "Restore the copy into another bucket (or restore it locally, without --bucket).");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE ir_attachment SET store_fname ="
                    + " substr(right(store_fname, 40), 1, 2) || '/' || right(store_fname, 40)"
                    + " WHERE store_fname ~ '" + S3_FORM + "'")) {
                ps.executeUpdate();
            }
        }
    }

    /** Gives the {@code xx/<sha1>} rows {@code layout}'s form (no change for the plain layout). */
    static void write(PgConnection as, String db, AttachmentLayout layout) throws SQLException {
        if (layout.kind() == AttachmentLayout.Kind.PLAIN) return;
        try (Connection c = as.open(db);
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE ir_attachment SET store_fname = ? || right(store_fname, 40) WHERE store_fname ~ '"
                                + LOCAL_FORM + "'")) {
            ps.setString(1, "s3://" + layout.bucket() + "/");
            ps.executeUpdate();
        }
    }
}
