package io.lifeboat.check;

import java.util.List;
import java.util.Map;

/**
 * The result of a filestore check. {@code findings} lists every row or file found wrong, sorted by
 * kind, model and id; database-stored rows are listed only when {@code ir_attachment.location} is not
 * {@code db} (where they are the norm) but always counted.
 *
 * @param startedAt when the check began, ISO-8601 UTC
 * @param counts findings per kind, every kind present
 * @param byModel row findings grouped by kind and {@code res_model}, largest first
 * @param warnings conditions worth knowing that are not findings (missing filestore directory, …)
 */
public record CheckReport(
        String database,
        String filestore,
        boolean deep,
        String startedAt,
        double seconds,
        StorageInfo storage,
        Totals totals,
        Map<FindingKind, Long> counts,
        List<ModelSummary> byModel,
        List<Finding> findings,
        List<String> warnings) {

    /** Number of findings that are problems. */
    public long problems() {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().problem())
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Whether no problem was found. */
    public boolean clean() {
        return problems() == 0;
    }

    public long count(FindingKind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** The listed findings of one kind. */
    public List<Finding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
