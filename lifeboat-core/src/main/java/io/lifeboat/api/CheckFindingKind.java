package io.lifeboat.api;

/**
 * What a {@link CheckFinding} says. {@link #problem()} kinds make a check fail; the others inform.
 * Serialized by name ({@code MISSING_FILE}); command-line and CSV output use the lowercase name.
 */
public enum CheckFindingKind {
    /** A row's {@code store_fname} names a file that is not in the filestore: Odoo serves it as empty. */
    MISSING_FILE(true, "rows whose file is missing"),
    /** The file exists but its size differs from the row's {@code file_size}. */
    SIZE_MISMATCH(true, "rows whose file size differs from file_size"),
    /** Deep check: the file's content does not hash to the SHA-1 in its name. */
    CORRUPT_FILE(true, "rows whose file content does not match its SHA-1"),
    /** The row's {@code checksum} differs from the SHA-1 its {@code store_fname} names. */
    CHECKSUM_MISMATCH(true, "rows whose checksum differs from store_fname"),
    /** Deep check: the file exists but could not be read (permissions, I/O error). */
    UNREADABLE_FILE(true, "rows whose file cannot be read"),
    /** The row's {@code store_fname} is not of the form {@code xx/<sha1>}; it is reported, never followed. */
    UNSAFE_STORE_FNAME(true, "rows with an unsafe store_fname (not followed)"),
    /** A filestore file no row references and no garbage-collection marker names: it stays forever. */
    ORPHAN_FILE(true, "orphan files"),
    /**
     * A filestore file no row references, with a {@code checklist/} marker: Odoo's next filestore
     * garbage collection deletes it (when {@code ir_attachment.location} is {@code file}).
     */
    ORPHAN_MARKED_FOR_GC(false, "orphan files marked for garbage collection"),
    /** An entry of the filestore directory that is not an Odoo file (wrong name, link, directory). */
    STRAY_ENTRY(false, "unexpected filestore entries"),
    /** The row's content lives in the database ({@code db_datas}), not in the filestore. */
    DATABASE_STORED(false, "rows stored in the database");

    private final boolean problem;
    private final String label;

    CheckFindingKind(boolean problem, String label) {
        this.problem = problem;
        this.label = label;
    }

    /** Whether this kind of finding is a divergence that fails the check. */
    public boolean problem() {
        return problem;
    }

    /** A short human-readable label for a count of this kind, e.g. "5 rows whose file is missing". */
    public String label() {
        return label;
    }
}
