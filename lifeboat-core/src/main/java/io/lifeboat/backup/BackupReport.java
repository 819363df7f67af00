package io.lifeboat.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * What a capture did, for the terminal summary and {@code --json}. Mutable while the capture runs
 * (filled by one engine), read-only after.
 */
public final class BackupReport {
    public String database;
    /** What was written: {@code zip}, {@code dump} (as {@code backup --format} says) or {@code snapshot}. */
    public String format;
    /** The format of the database dump inside it: {@code plain} (a zip's dump.sql) or {@code custom}. */
    public String dumpFormat;

    public String filestoreMode;
    public String target;
    public String snapshot;
    public long dumpBytes;
    public long files;
    public long fileBytes;
    public long referencedFiles;
    public long attachmentRows;
    public long missingFiles;
    public long corruptFiles;
    public long unsafeNames;
    /** Attachment ids whose file is missing, corrupt or unsafely named (at most {@link #MAX_IDS}). */
    public List<Long> affectedAttachmentIds = new ArrayList<>();
    /** Store names of missing or corrupt files (at most {@link #MAX_IDS}). */
    public List<String> affectedFiles = new ArrayList<>();

    public long dumpMillis;
    public long filestoreMillis;
    public long totalMillis;
    public List<String> warnings = new ArrayList<>();

    public static final int MAX_IDS = 1000;

    /** Whether the capture completed with something the user should look at. */
    public boolean hasWarnings() {
        return !warnings.isEmpty();
    }
}
