package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/** The snapshots listed, oldest first; in JSON, the bare list. */
public record SnapshotsResult(List<SnapshotRecord> snapshots) {

    public SnapshotsResult {
        snapshots = List.copyOf(snapshots);
    }

    @JsonValue
    List<SnapshotRecord> json() {
        return snapshots;
    }
}
