package io.lifeboat.api;

import java.util.List;

/** Per cluster: timelines, gaps and base backups' recoverable windows (see docs/json.md, {@code wal verify}). */
public record WalVerifyResult(List<ClusterArchive> systems) {

    /** One cluster's archive. */
    public record ClusterArchive(String systemId, List<Timeline> timelines, List<Window> baseBackups) {}

    /** A timeline: archived segments, gaps, history and backup-label files. */
    public record Timeline(
            int timeline,
            String first,
            String last,
            long segments,
            List<Gap> gaps,
            boolean history,
            long partial,
            long backupLabels) {}

    /** Missing segments, both ends included. */
    public record Gap(String from, String to, long segments) {}

    /** A base backup's recoverable window: LSNs {@code from} to {@code to}. */
    public record Window(
            String snapshot, String time, int timeline, String from, String to, String lastSegment, String gapAfter) {}

    /** Whether any timeline has a gap. */
    public boolean hasGaps() {
        return systems.stream()
                .flatMap(s -> s.timelines().stream())
                .anyMatch(t -> !t.gaps().isEmpty());
    }
}
