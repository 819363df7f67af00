package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The leftovers found and what became of them: the {@code cleanup --json} object.
 *
 * @param dryRun whether nothing was removed on purpose
 */
public record CleanupResult(@JsonProperty("dry_run") boolean dryRun, List<Leftover> leftovers) {

    /** What {@link Leftover#action()} says of a leftover removed. */
    public static final String REMOVED = "removed";
    /** What {@link Leftover#action()} says of a leftover a dry run would remove. */
    public static final String WOULD_REMOVE = "would remove";
    /** What {@link Leftover#action()} says of a leftover whose removal failed. */
    public static final String COULD_NOT_REMOVE = "could not remove";
    /** What {@link Leftover#action()} says of a leftover of unknown origin, kept without {@code force}. */
    public static final String KEPT = "kept (unknown origin; --force)";

    public CleanupResult {
        leftovers = leftovers == null ? List.of() : List.copyOf(leftovers);
    }

    /**
     * One leftover.
     *
     * @param type database, role, directory or file
     * @param name its name or path
     * @param origin the run that made it, or "unknown"
     * @param action removed, would remove, could not remove, or kept (unknown origin; --force)
     */
    public record Leftover(String type, String name, String origin, String action) {}

    /** How many leftovers are still there and will stay: neither removed nor to be removed. */
    public long kept() {
        return leftovers.stream()
                .filter(l -> !l.action().equals(REMOVED) && !l.action().equals(WOULD_REMOVE))
                .count();
    }
}
