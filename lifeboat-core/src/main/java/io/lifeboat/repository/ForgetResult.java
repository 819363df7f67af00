package io.lifeboat.repository;

import java.util.List;

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
}
