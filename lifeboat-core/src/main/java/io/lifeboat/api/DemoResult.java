package io.lifeboat.api;

/**
 * What the demo did: the {@code demo --json} object, the backup's report and the restore's.
 *
 * @param backup the backup of the synthetic database to a zip
 * @param restore the restore of that zip as a neutralized copy, and its verification
 */
public record DemoResult(BackupResult backup, RestoreResult.Restored restore) {

    /** Whether the copy checked out: base installed and every referenced file present and intact. */
    public boolean succeeded() {
        RestoreResult.Verification v = restore.verification();
        return v.baseInstalled() && v.missingFiles() == 0 && v.presentFiles() == v.referencedFiles();
    }
}
