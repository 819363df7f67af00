package io.lifeboat.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What forget kept and removed (or, in a dry run, would remove), newest first per group.
 *
 * @param applied false for a dry run
 */
public record ForgetResult(List<Decision> decisions, boolean applied) {

    /** One snapshot's fate and the rules that kept it (empty when removed). */
    public record Decision(SnapshotInfo snapshot, boolean keep, List<String> reasons) {}

    public List<SnapshotInfo> kept() {
        return decisions.stream().filter(Decision::keep).map(Decision::snapshot).toList();
    }

    public List<SnapshotInfo> removed() {
        return decisions.stream().filter(d -> !d.keep()).map(Decision::snapshot).toList();
    }

    /**
     * One line for each (instance, database) that had several snapshots and is left with a single one:
     * the policy leaves no older snapshot to go back to.
     */
    public List<String> warnings() {
        Map<SnapshotGroup, int[]> counts = new LinkedHashMap<>();
        for (Decision d : decisions) {
            int[] c = counts.computeIfAbsent(SnapshotGroup.of(d.snapshot()), g -> new int[2]);
            c[0]++;
            if (d.keep()) c[1]++;
        }
        List<String> out = new ArrayList<>();
        counts.forEach((g, c) -> {
            if (c[0] > 1 && c[1] == 1)
                out.add(g + (applied ? " is" : " would be") + " left with a single snapshot (" + c[0] + " before)");
        });
        return out;
    }
}
