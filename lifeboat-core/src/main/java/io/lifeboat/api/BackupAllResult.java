package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The backups of every database: the {@code backup --all --json} object.
 *
 * @param databases one entry per database, in the order they were backed up
 * @param failed how many backups failed
 */
public record BackupAllResult(List<Entry> databases, int failed) {

    public BackupAllResult {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }

    /**
     * One database's backup: its report, or the error that ended it.
     *
     * @param report the backup's result when it succeeded, else null (absent from JSON)
     * @param error why it failed, else null (absent from JSON)
     */
    public record Entry(
            String database,
            boolean ok,
            @JsonInclude(JsonInclude.Include.NON_NULL) BackupResult report,
            @JsonInclude(JsonInclude.Include.NON_NULL) Error error) {}

    /** A failure: its message and what to do about it (or null). */
    public record Error(String message, String hint) {}

    /** Whether a successful backup completed with warnings. */
    public boolean hasWarnings() {
        return databases.stream().anyMatch(e -> e.report() != null && e.report().hasWarnings());
    }
}
