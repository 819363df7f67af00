package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rollback request did or, for a dry run, would do. Serializes as {@code lifeboat rollback
 * --json} prints it: the list of points for {@link RollbackRequest.Action#LIST}; {@code {"dryRun": true,
 * "wouldRestore"|"wouldDiscard": [points]}} for a dry run; {@code {"discarded": [points]}}; {@code
 * {"restored": point}} (docs/json.md).
 *
 * @param database the database whose rollback points these are
 * @param points the points listed, discarded (or that would be), or the point swapped in (or that would
 *     be)
 */
public record RollbackResult(
        RollbackRequest.Action action, boolean dryRun, String database, List<RollbackPoint> points) {

    public RollbackResult {
        points = List.copyOf(points);
    }

    /** The point swapped back in (or, for a dry run, that would be); null for other actions. */
    public RollbackPoint restored() {
        return action == RollbackRequest.Action.ROLLBACK && !points.isEmpty() ? points.get(0) : null;
    }

    /** What the result serializes as. */
    @JsonValue
    public Object json() {
        if (action == RollbackRequest.Action.LIST) return points;
        if (dryRun) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dryRun", true);
            m.put(action == RollbackRequest.Action.DISCARD ? "wouldDiscard" : "wouldRestore", points);
            return m;
        }
        if (action == RollbackRequest.Action.DISCARD) return Map.of("discarded", points);
        return Map.of("restored", restored());
    }
}
