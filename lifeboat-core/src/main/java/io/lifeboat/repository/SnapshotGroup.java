package io.lifeboat.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshots of one database of one instance: what retention works on and what {@code latest}
 * means (format §5, §10). Shown as {@code instance/database}.
 */
public record SnapshotGroup(String instance, String database) {

    public static SnapshotGroup of(SnapshotInfo s) {
        return new SnapshotGroup(s.instance(), s.database());
    }

    /** {@code snapshots} by group, in order of each group's first snapshot; each group newest first. */
    public static Map<SnapshotGroup, List<SnapshotInfo>> newestFirst(List<SnapshotInfo> snapshots) {
        Map<SnapshotGroup, List<SnapshotInfo>> groups = new LinkedHashMap<>();
        for (SnapshotInfo s : snapshots)
            groups.computeIfAbsent(of(s), k -> new ArrayList<>()).add(s);
        for (List<SnapshotInfo> g : groups.values()) g.sort(NEWEST_FIRST);
        return groups;
    }

    /** Newest first; ties broken by id so the order is the same everywhere. */
    static final Comparator<SnapshotInfo> NEWEST_FIRST = Comparator.comparing(SnapshotInfo::time)
            .thenComparing(SnapshotInfo::id)
            .reversed();

    @Override
    public String toString() {
        return instance + "/" + database;
    }
}
