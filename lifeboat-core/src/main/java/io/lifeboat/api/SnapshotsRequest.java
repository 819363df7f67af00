package io.lifeboat.api;

import java.util.List;

/**
 * Which snapshots to list. Every filter left null (or empty) lets all through.
 *
 * @param instance only snapshots of this instance
 * @param database only snapshots of this database
 * @param tags only snapshots with any of these tags
 * @param latest only the newest snapshot of each instance and database (what {@code
 *     latest:INSTANCE/DATABASE} names), after the other filters
 * @param ref only the snapshot this names: an id, a unique prefix of at least 4 hex digits, {@code
 *     latest}, {@code latest:DATABASE} or {@code latest:INSTANCE/DATABASE}
 */
public record SnapshotsRequest(String instance, String database, List<String> tags, boolean latest, String ref) {

    public SnapshotsRequest {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Every snapshot. */
    public static SnapshotsRequest all() {
        return new SnapshotsRequest(null, null, List.of(), false, null);
    }
}
