package io.lifeboat.check;

/**
 * Where an instance keeps attachment content, as Odoo decides it: {@code ir_attachment.location}
 * ({@code file}, the default, or {@code db}; modules may add others) and how the rows are actually
 * stored right now.
 *
 * @param location the effective value of {@code ir_attachment.location}
 * @param configured whether the parameter is set (false: Odoo's default {@code file} applies)
 * @param rows all {@code ir_attachment} rows
 * @param fileRows rows with a {@code store_fname} in the local filestore
 * @param databaseRows rows with content in {@code db_datas}
 * @param urlRows {@code type = 'url'} rows without content
 * @param emptyRows binary rows without any content (empty attachments)
 * @param externalRows rows whose {@code store_fname} is a URI of another storage ({@code s3://…});
 *     not checked
 */
public record StorageInfo(
        String location,
        boolean configured,
        long rows,
        long fileRows,
        long databaseRows,
        long urlRows,
        long emptyRows,
        long externalRows) {

    /** One sentence stating the storage mode and the counts. */
    public String describe() {
        String where = switch (location) {
            case "file" -> "new attachments are stored in the filestore";
            case "db" -> "new attachments are stored in the database";
            default -> "new attachments are stored by a module ('" + location + "')";
        };
        return "ir_attachment.location = " + location + (configured ? "" : " (default)") + ": " + where + "; "
                + rows + " rows: " + fileRows + " in the filestore, " + databaseRows + " in the database, "
                + urlRows + " url, " + emptyRows + " empty"
                + (externalRows > 0 ? ", " + externalRows + " in external storage (not checked)" : "");
    }
}
