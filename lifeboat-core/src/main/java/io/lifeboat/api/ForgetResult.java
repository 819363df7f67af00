package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What {@code forget} kept and removed (or, in a dry run, would remove).
 *
 * @param applied false for a dry run
 * @param policy the rules applied ({@link ForgetPolicy#DEFAULT} when none were given)
 * @param newestAlwaysKept always true: the newest snapshot of each instance and database is kept
 * @param decisions every snapshot considered, grouped by instance and database, newest first
 * @param warnings one line for each instance and database left with a single snapshot
 * @param prune what the prune that followed did, or null when none ran
 */
@JsonPropertyOrder({"applied", "policy", "newestAlwaysKept", "kept", "removed", "warnings", "prune"})
public record ForgetResult(
        boolean applied,
        ForgetPolicy policy,
        boolean newestAlwaysKept,
        @JsonIgnore List<ForgetDecision> decisions,
        List<String> warnings,
        PruneResult prune) {

    public ForgetResult {
        decisions = List.copyOf(decisions);
        warnings = List.copyOf(warnings);
    }

    /** The snapshots kept, in plan order. */
    @JsonProperty("kept")
    public List<ForgetDecision> kept() {
        return decisions.stream().filter(ForgetDecision::keep).toList();
    }

    /** The snapshots removed (or, in a dry run, that would be), in plan order. */
    @JsonProperty("removed")
    public List<ForgetDecision> removed() {
        return decisions.stream().filter(d -> !d.keep()).toList();
    }
}
