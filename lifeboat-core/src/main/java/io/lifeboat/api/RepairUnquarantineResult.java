package io.lifeboat.api;

import java.util.List;

/**
 * What moving a quarantine back did.
 *
 * @param restored files moved back into the filestore
 * @param present files left in quarantine because the filestore has a file of that name
 * @param absent manifest entries not found in the quarantine
 */
public record RepairUnquarantineResult(List<String> restored, List<String> present, List<String> absent) {
    public RepairUnquarantineResult {
        restored = List.copyOf(restored);
        present = List.copyOf(present);
        absent = List.copyOf(absent);
    }
}
