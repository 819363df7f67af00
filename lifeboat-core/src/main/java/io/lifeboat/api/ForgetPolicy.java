package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.util.Set;

/**
 * Which snapshots {@code forget} keeps in each (instance, database) group, newest first: a snapshot is
 * kept when any rule keeps it. A count of 0 disables a rule; {@code keepWithin} null disables that rule.
 * With no rule at all, {@link #DEFAULT} applies.
 *
 * @param keepLast the N newest snapshots
 * @param keepHourly the newest snapshot of each of the last N hours
 * @param keepDaily the newest snapshot of each of the last N days
 * @param keepWeekly the newest snapshot of each of the last N ISO weeks
 * @param keepMonthly the newest snapshot of each of the last N months
 * @param keepYearly the newest snapshot of each of the last N years
 * @param keepWithin every snapshot younger than this before the newest (ISO-8601 in JSON)
 * @param keepTags every snapshot with one of these tags
 */
public record ForgetPolicy(
        int keepLast,
        int keepHourly,
        int keepDaily,
        int keepWeekly,
        int keepMonthly,
        int keepYearly,
        @JsonSerialize(using = ToStringSerializer.class) Duration keepWithin,
        Set<String> keepTags) {

    /** The documented default: 14 daily, 8 weekly, 12 monthly. */
    public static final ForgetPolicy DEFAULT = new ForgetPolicy(0, 0, 14, 8, 12, 0, null, Set.of());

    /** No rule: the default applies. */
    public static final ForgetPolicy NONE = new ForgetPolicy(0, 0, 0, 0, 0, 0, null, Set.of());

    public ForgetPolicy {
        keepTags = keepTags == null ? Set.of() : Set.copyOf(keepTags);
    }

    /** Whether no rule is set (then {@link #DEFAULT} applies). */
    @JsonProperty("empty")
    public boolean isEmpty() {
        return equals(NONE);
    }
}
