package io.lifeboat.backup;

/** Which filestore files a backup contains. */
public enum FilestoreMode {
    /**
     * Exactly the files {@code ir_attachment.store_fname} references in the dumped snapshot: the backup
     * is consistent, and orphans and garbage-collection markers are left out. The default.
     */
    REFERENCED,
    /** Every file of the filestore directory, as Odoo's own backup copies it (orphans and checklist markers included). */
    ALL,
    /** No filestore (database only). */
    NONE
}
