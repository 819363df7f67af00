package io.lifeboat.check;

import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.odoo.StoreFname;

/**
 * One thing a check found. Row findings carry the {@code ir_attachment} columns; file findings
 * (orphans, stray entries) have a null {@code id} and give the path relative to the filestore in
 * {@code storeFname} and the file's actual size in {@code fileSize}.
 *
 * @param createDate the row's {@code create_date} (UTC, ISO-8601 without zone), or null
 * @param detail what exactly differs, e.g. {@code file has 1200 bytes, file_size says 1300}; may be null
 */
public record Finding(
        FindingKind kind,
        Long id,
        String resModel,
        Long resId,
        String resField,
        String name,
        String storeFname,
        Long fileSize,
        String createDate,
        String detail) {

    /** A finding about a file rather than a row. */
    public static Finding file(FindingKind kind, String relative, long size, String detail) {
        return new Finding(kind, null, null, null, null, null, relative, size, null, detail);
    }

    /**
     * The SHA-1 this finding's store_fname names, or null when it is not of the safe form {@code xx/<sha1>}
     * or the attachment_s3 form {@code s3://<bucket>/<sha1>}.
     */
    public String sha1() {
        if (storeFname != null && storeFname.startsWith("s3://")) {
            int slash = storeFname.indexOf('/', 5);
            return slash > 5 && AttachmentLayout.attachmentS3Bucket(storeFname.substring(5, slash))
                    ? AttachmentLayout.attachmentS3(storeFname.substring(5, slash))
                            .sha1Of(storeFname)
                            .orElse(null)
                    : null;
        }
        return StoreFname.parse(storeFname).map(StoreFname::sha1).orElse(null);
    }
}
