package io.lifeboat.repository;

import java.time.Duration;
import java.util.Set;

/**
 * Which snapshots {@code forget} keeps in each (instance, database) group (format §10). A count of 0
 * disables a rule; {@code keepWithin} null disables that rule.
 */
public record RetentionPolicy(
        int keepLast,
        int keepHourly,
        int keepDaily,
        int keepWeekly,
        int keepMonthly,
        int keepYearly,
        Duration keepWithin,
        Set<String> keepTags) {

    public RetentionPolicy {
        if (keepLast < 0 || keepHourly < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0 || keepYearly < 0) {
            throw new IllegalArgumentException("keep counts must not be negative");
        }
        keepTags = keepTags == null ? Set.of() : Set.copyOf(keepTags);
    }

    /**
     * The documented default: 14 daily, 8 weekly, 12 monthly — at least 14 snapshots once there are 14
     * days of daily backups, about 30 after a year.
     */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(0, 0, 14, 8, 12, 0, null, Set.of());

    public static final RetentionPolicy NONE = new RetentionPolicy(0, 0, 0, 0, 0, 0, null, Set.of());

    /** Whether no rule is set (then {@link #DEFAULT} applies). */
    public boolean isEmpty() {
        return equals(NONE);
    }

    public RetentionPolicy withKeepLast(int n) {
        return new RetentionPolicy(n, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepHourly(int n) {
        return new RetentionPolicy(keepLast, n, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepDaily(int n) {
        return new RetentionPolicy(keepLast, keepHourly, n, keepWeekly, keepMonthly, keepYearly, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepWeekly(int n) {
        return new RetentionPolicy(keepLast, keepHourly, keepDaily, n, keepMonthly, keepYearly, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepMonthly(int n) {
        return new RetentionPolicy(keepLast, keepHourly, keepDaily, keepWeekly, n, keepYearly, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepYearly(int n) {
        return new RetentionPolicy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, n, keepWithin, keepTags);
    }

    public RetentionPolicy withKeepWithin(Duration d) {
        return new RetentionPolicy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, d, keepTags);
    }

    public RetentionPolicy withKeepTags(Set<String> tags) {
        return new RetentionPolicy(
                keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin, tags);
    }
}
