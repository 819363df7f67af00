package io.lifeboat.api;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
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

    public VerifyResult {
        problems = List.copyOf(problems);
        affected = List.copyOf(affected);
        unindexedPacks = List.copyOf(unindexedPacks);
    }

    /** One damaged or missing object: {@code object} is a backend name, {@code blob} a blob id or null. */
    public record Problem(String object, String blob, String message) {}

    /**
     * A snapshot that cannot be restored in full: the files (paths, or {@code "database dump"}) whose
     * content is damaged, or {@code whole} when its record or tree is unreadable.
     *
     * @param time when the snapshot was taken, or null when its record is unreadable
     */
    public record Affected(
            String snapshotId,
            String instance,
            String database,
            @JsonSerialize(using = ToStringSerializer.class) Instant time,
            boolean whole,
            List<String> files) {}

    /** Whether no problem was found. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
