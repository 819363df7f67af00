package io.lifeboat.repository;

import java.util.List;

/**
 * What verify found. Damage is listed by object ({@link Problem}) and mapped to what depends on it
 * ({@link Affected}).
 *
 * @param unindexedPacks packs no index names (left by interrupted backups; prune removes them)
 */
public record VerifyResult(
        int snapshotsChecked,
        int packsChecked,
        int packsRead,
        long blobsChecked,
        List<Problem> problems,
        List<Affected> affected,
        List<String> unindexedPacks) {

    /** One damaged or missing object: {@code object} is a backend name, {@code blob} a blob id or null. */
    public record Problem(String object, String blob, String message) {}

    /**
     * A snapshot that cannot be restored in full: the files (paths, or {@code "database dump"}) whose
     * content is damaged, or {@code whole} when its record or tree is unreadable.
     */
    public record Affected(
            String snapshotId,
            String instance,
            String database,
            java.time.Instant time,
            boolean whole,
            List<String> files) {}

    public boolean ok() {
        return problems.isEmpty();
    }
}
