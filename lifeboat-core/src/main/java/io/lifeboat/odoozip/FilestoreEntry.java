package io.lifeboat.odoozip;

/**
 * A file of an archive's {@code filestore/}.
 *
 * @param relativeName the path inside Odoo's filestore directory, {@code ab/ab01…} (or {@code
 *     checklist/ab/ab01…} for a marker), case as in the archive
 * @param sha1 the lowercase SHA-1 the name claims for the content
 * @param size the uncompressed size declared by the archive
 * @param checklist true for a {@code filestore/checklist/} marker: an empty file Odoo's attachment
 *     garbage collector uses, not content
 */
public record FilestoreEntry(String relativeName, String sha1, long size, boolean checklist) {

    /** The entry's name in the zip. */
    public String entryName() {
        return "filestore/" + relativeName;
    }
}
