package io.lifeboat.api;

import java.util.List;

/**
 * What the demo did: the {@code demo --json} object, the backup's report and the restore's.
 *
 * @param backup the backup of the synthetic database to a zip
 * @param restore the restore of that zip as a neutralized copy, and its verification
 */
public record DemoResult(BackupResult backup, Restore restore) {

    /**
     * What the restore did, as {@code restore --json} reports it.
     *
     * @param source the zip restored
     * @param target the database restored
     * @param neutralization what neutralization changed
     * @param owner the role owning the restored database
     * @param isolated whether the dump was loaded as a throw-away role that owned nothing else
     * @param rollbackDatabase the name the replaced database now has, or null
     * @param rollbackFilestore the path the replaced filestore now has, or null
     * @param notes what the user should know that is not a problem
     */
    public record Restore(
            String source,
            String target,
            String mode,
            boolean copy,
            boolean neutralized,
            List<String> neutralization,
            String newDatabaseUuid,
            String dumpFormat,
            String owner,
            boolean isolated,
            long files,
            long fileBytes,
            long loadMillis,
            long filestoreMillis,
            long totalMillis,
            String rollbackDatabase,
            String rollbackFilestore,
            Verification verification,
            List<String> warnings,
            List<String> notes) {

        public Restore {
            neutralization = neutralization == null ? List.of() : List.copyOf(neutralization);
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
            notes = notes == null ? List.of() : List.copyOf(notes);
        }
    }

    /**
     * The restored copy's verification.
     *
     * @param filesChecked whether referenced files were compared with a filestore
     * @param missing store names of missing files
     */
    public record Verification(
            boolean baseInstalled,
            long users,
            boolean filesChecked,
            long referencedFiles,
            long presentFiles,
            long missingFiles,
            long corruptFiles,
            List<String> missing,
            List<Long> missingAttachmentIds) {

        public Verification {
            missing = missing == null ? List.of() : List.copyOf(missing);
            missingAttachmentIds = missingAttachmentIds == null ? List.of() : List.copyOf(missingAttachmentIds);
        }
    }

    /** Whether the copy checked out: base installed and every referenced file present and intact. */
    public boolean succeeded() {
        Verification v = restore.verification();
        return v.baseInstalled() && v.missingFiles() == 0 && v.presentFiles() == v.referencedFiles();
    }
}
