package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;

/**
 * One snapshot's fate in a {@code forget} plan: its record (sizes left out) and the rules that kept it.
 *
 * @param reasons the rules that kept it ({@code newest}, {@code daily 2025-01-31}…); empty when removed
 * @param keep whether it is kept (in JSON, the list it appears in says it)
 */
public record ForgetDecision(
        String id,
        String shortId,
        @JsonSerialize(using = ToStringSerializer.class) Instant time,
        String instance,
        String database,
        String host,
        String kind,
        List<String> tags,
        String odooVersion,
        String postgresVersion,
        List<String> warnings,
        List<String> reasons,
        @JsonIgnore boolean keep) {

    public ForgetDecision {
        tags = tags == null ? List.of() : List.copyOf(tags);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
