package io.lifeboat.restore;

import java.util.ArrayList;
import java.util.List;

/** What a restore did and what its verification found; for the terminal summary and {@code --json}. */
public final class RestoreReport {
    /** How a warning about a file of the backup whose content does not match its name (left out) begins. */
    public static final String CORRUPT_IN_SOURCE = "file in source does not match its name, not restored: ";

    public String source;
    public String target;
    public String mode;
    public boolean copy;
    public boolean neutralized;
    public List<String> neutralization = new ArrayList<>();
    public String newDatabaseUuid;
    public String dumpFormat;
    /** Role that owns the restored database (null when only the filestore was restored). */
    public String owner;
    /** Whether the dump was loaded as a throw-away role that owned nothing else. */
    public boolean isolated;

    public long files;
    public long fileBytes;
    public long loadMillis;
    public long filestoreMillis;
    public long totalMillis;
    /** Name the replaced database now has (rollback point), or null when nothing was replaced. */
    public String rollbackDatabase;
    /** Path the replaced filestore now has (rollback point), or null. */
    public String rollbackFilestore;

    public Verification verification = new Verification();
    public List<String> warnings = new ArrayList<>();
    /** What the user should know that is not a problem (e.g. what was not checked, and why). */
    public List<String> notes = new ArrayList<>();
    /**
     * Rows per table the dump holds (its COPY data), counted while a plain dump was loaded, keyed by the
     * table's name as the dump writes it ({@code public.res_partner}); null for custom and directory dumps,
     * whose data Lifeboat does not read itself.
     */
    public java.util.Map<String, Long> dumpRows;

    /** Post-restore verification results. */
    public static final class Verification {
        public boolean baseInstalled;
        public long users;
        /** Whether referenced files were compared with a filestore (not for a database-only restore without one). */
        public boolean filesChecked = true;

        public long referencedFiles;
        public long presentFiles;
        public long missingFiles;
        public long corruptFiles;
        public List<String> missing = new ArrayList<>();
        public List<Long> missingAttachmentIds = new ArrayList<>();
    }
}
