package io.lifeboat.api;

import io.lifeboat.pitr.Continuity;
import java.util.List;

/** Per cluster: timelines, gaps and base backups' recoverable windows. */
public record WalVerifyResult(List<Continuity.Report> systems) {
    /** Whether any timeline has a gap. */
    public boolean hasGaps() {
        return systems.stream()
                .flatMap(s -> s.timelines().stream())
                .anyMatch(t -> !t.gaps().isEmpty());
    }
}
