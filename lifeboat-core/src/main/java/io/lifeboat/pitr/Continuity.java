package io.lifeboat.pitr;

import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.WalStore;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The continuity of a cluster's WAL archive (format §13): per timeline, which segments exist and
 * where the gaps are, and the recoverable window of every base backup: from its stop point to the
 * end of the last segment reachable from its stop segment without a gap. Works from object names,
 * so a writer key suffices. Assumes 16 MiB segments (the default; base backups of other sizes are
 * refused when taken).
 */
public final class Continuity {

    /** A run of missing segments, both ends included. */
    public record Gap(String from, String to, long segments) {}

    /**
     * One timeline of the archive.
     *
     * @param first the lowest archived segment
     * @param last the highest archived segment
     * @param segments how many segments are archived
     * @param gaps missing runs between {@code first} and {@code last}
     * @param history whether the timeline's history file is archived (needed to recover onto it; not
     *     for timeline 1)
     * @param partial {@code .partial} files (the last segment of a timeline that was switched away from)
     * @param backupLabels {@code .backup} history files
     */
    public record Timeline(
            int timeline,
            String first,
            String last,
            long segments,
            List<Gap> gaps,
            boolean history,
            long partial,
            long backupLabels) {}

    /**
     * The recoverable window of one base backup.
     *
     * @param from the earliest target: the backup's stop LSN (its consistency point)
     * @param to the latest target: the end of the last continuous segment, or {@code from} when its
     *     stop segment is not archived yet
     * @param lastSegment the last continuous segment (null when the stop segment is missing)
     * @param gapAfter the first missing segment after the window, null when the window reaches the
     *     newest archived segment of the timeline
     */
    public record Window(
            String snapshot, String time, int timeline, String from, String to, String lastSegment, String gapAfter) {}

    /** The whole report for one cluster. */
    public record Report(String systemId, List<Timeline> timelines, List<Window> baseBackups) {}

    private Continuity() {}

    /** The continuity of {@code archived} (one system) and the windows of {@code bases} of that system. */
    public static Report of(String systemId, List<WalStore.Archived> archived, List<SnapshotInfo> bases) {
        TreeMap<Integer, TreeSet<Long>> segments = new TreeMap<>();
        TreeMap<Integer, long[]> extras = new TreeMap<>(); // [history, partial, backup]
        for (WalStore.Archived a : archived) {
            WalFile f = a.file();
            long[] e = extras.computeIfAbsent(f.timeline(), k -> new long[3]);
            switch (f.kind()) {
                case SEGMENT ->
                    segments.computeIfAbsent(f.timeline(), k -> new TreeSet<>()).add(f.segment());
                case TIMELINE_HISTORY -> e[0] = 1;
                case PARTIAL -> e[1]++;
                case BACKUP_HISTORY -> e[2]++;
            }
        }
        List<Timeline> timelines = new ArrayList<>();
        for (var entry : extras.entrySet()) {
            int tli = entry.getKey();
            TreeSet<Long> segs = segments.getOrDefault(tli, new TreeSet<>());
            List<Gap> gaps = new ArrayList<>();
            Long prev = null;
            for (long s : segs) {
                if (prev != null && s > prev + 1) {
                    gaps.add(
                            new Gap(WalFile.segmentName(tli, prev + 1), WalFile.segmentName(tli, s - 1), s - prev - 1));
                }
                prev = s;
            }
            long[] e = entry.getValue();
            timelines.add(new Timeline(
                    tli,
                    segs.isEmpty() ? null : WalFile.segmentName(tli, segs.first()),
                    segs.isEmpty() ? null : WalFile.segmentName(tli, segs.last()),
                    segs.size(),
                    List.copyOf(gaps),
                    e[0] == 1,
                    e[1],
                    e[2]));
        }
        List<Window> windows = new ArrayList<>();
        for (SnapshotInfo b : bases) {
            SnapshotInfo.BaseBackupInfo info = b.baseBackup();
            if (info == null || !info.systemId().equals(systemId)) continue;
            windows.add(window(b, segments.getOrDefault(info.timeline(), new TreeSet<>())));
        }
        return new Report(systemId, List.copyOf(timelines), List.copyOf(windows));
    }

    private static Window window(SnapshotInfo b, TreeSet<Long> segs) {
        SnapshotInfo.BaseBackupInfo info = b.baseBackup();
        int tli = info.timeline();
        long stop = WalFile.parse(info.stopWal()).segment();
        if (!segs.contains(stop)) {
            return new Window(b.id(), b.time().toString(), tli, info.stopLsn(), info.stopLsn(), null, info.stopWal());
        }
        long s = stop;
        while (segs.contains(s + 1)) s++;
        Long next = segs.higher(s);
        String gapAfter = next == null ? null : WalFile.segmentName(tli, s + 1);
        long end = (s + 1) * WalFile.DEFAULT_SEGMENT_SIZE;
        return new Window(
                b.id(),
                b.time().toString(),
                tli,
                info.stopLsn(),
                WalFile.formatLsn(end),
                WalFile.segmentName(tli, s),
                gapAfter);
    }
}
