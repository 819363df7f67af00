package io.lifeboat.repair;

import io.lifeboat.check.Finding;
import java.util.List;

/**
 * What a repair would do: the missing files it can restore and from where, and the rows whose content
 * no source holds.
 *
 * @param files files to restore, sorted by path
 * @param bytes their total size per {@code file_size}
 * @param irrecoverable the missing-file findings (one per row) no source can satisfy
 * @param sources descriptions of the sources searched, in order
 */
public record RepairPlan(
        String database,
        String filestore,
        List<PlannedFile> files,
        long bytes,
        List<Finding> irrecoverable,
        List<String> sources) {

    public RepairPlan {
        files = List.copyOf(files);
        irrecoverable = List.copyOf(irrecoverable);
        sources = List.copyOf(sources);
    }

    /** Distinct files no source holds. */
    public long irrecoverableFiles() {
        return irrecoverable.stream().map(Finding::storeFname).distinct().count();
    }

    /** Whether there is nothing to restore and nothing lost. */
    public boolean empty() {
        return files.isEmpty() && irrecoverable.isEmpty();
    }
}
