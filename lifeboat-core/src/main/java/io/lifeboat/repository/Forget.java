package io.lifeboat.repository;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Retention (format §10), restic's semantics. */
public final class Forget {
    private Forget() {}

    static ForgetResult run(Repository repo, RetentionPolicy policy, String instance, boolean dryRun)
            throws IOException {
        if (!dryRun) repo.requireDelete("forget snapshots");
        try (RepositoryLock lock = dryRun ? null : repo.lock(false, "forget")) {
            List<SnapshotInfo> snapshots = repo.snapshots().stream()
                    .filter(s -> instance == null || instance.equals(s.instance()))
                    .toList();
            ForgetResult r = plan(snapshots, policy, repo.options().zone());
            if (!dryRun) {
                for (SnapshotInfo s : r.removed()) repo.deleteRecord(s.id());
            }
            return new ForgetResult(r.decisions(), !dryRun);
        }
    }

    /**
     * Decides, without touching anything; groups by (instance, database), newest first. The newest
     * snapshot of every group is kept whatever the policy (reason {@code newest}).
     */
    static ForgetResult plan(List<SnapshotInfo> snapshots, RetentionPolicy policy, ZoneId zone) {
        List<ForgetResult.Decision> out = new ArrayList<>();
        for (List<SnapshotInfo> g : SnapshotGroup.newestFirst(snapshots).values()) {
            List<List<String>> reasons =
                    keepReasons(g, SnapshotInfo::id, SnapshotInfo::time, SnapshotInfo::tags, policy, zone);
            for (int i = 0; i < g.size(); i++) {
                out.add(new ForgetResult.Decision(g.get(i), !reasons.get(i).isEmpty(), reasons.get(i)));
            }
        }
        return new ForgetResult(List.copyOf(out), false);
    }

    /**
     * Applies a retention policy to one group of items, newest first: for each item, the reasons to keep it
     * (empty: forget it). The newest item is always kept (reason {@code newest}); an empty policy means the
     * default one.
     */
    public static <T> List<List<String>> keepReasons(
            List<T> newestFirst,
            Function<T, String> id,
            Function<T, Instant> time,
            Function<T, List<String>> tags,
            RetentionPolicy policy,
            ZoneId zone) {
        RetentionPolicy p = policy.isEmpty() ? RetentionPolicy.DEFAULT : policy;
        Function<T, ZonedDateTime> at = s -> time.apply(s).atZone(zone);
        List<Rule<T>> rules = List.of(
                new Rule<>("last", p.keepLast(), id),
                new Rule<>(
                        "hourly",
                        p.keepHourly(),
                        s -> at.apply(s)
                                .toLocalDateTime()
                                .withMinute(0)
                                .withSecond(0)
                                .withNano(0)
                                .toString()),
                new Rule<>(
                        "daily", p.keepDaily(), s -> at.apply(s).toLocalDate().toString()),
                new Rule<>("weekly", p.keepWeekly(), s -> {
                    ZonedDateTime t = at.apply(s);
                    return t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                }),
                new Rule<>(
                        "monthly",
                        p.keepMonthly(),
                        s -> at.apply(s).getYear() + "-" + at.apply(s).getMonthValue()),
                new Rule<>(
                        "yearly",
                        p.keepYearly(),
                        s -> Integer.toString(at.apply(s).getYear())));
        List<List<String>> out = new ArrayList<>();
        if (newestFirst.isEmpty()) return out;
        Instant newest = time.apply(newestFirst.get(0));
        boolean first = true;
        for (T s : newestFirst) {
            List<String> reasons = new ArrayList<>();
            if (first) reasons.add("newest");
            first = false;
            for (Rule<T> r : rules) {
                String key = r.key.apply(s);
                if (r.left > 0 && !key.equals(r.lastKey)) {
                    r.left--;
                    r.lastKey = key;
                    reasons.add(r.name + " " + key);
                }
            }
            if (p.keepWithin() != null && !time.apply(s).isBefore(newest.minus(p.keepWithin()))) {
                reasons.add("within " + p.keepWithin());
            }
            for (String t : tags.apply(s)) if (p.keepTags().contains(t)) reasons.add("tag " + t);
            out.add(List.copyOf(reasons));
        }
        return out;
    }

    private static final class Rule<T> {
        final String name;
        final Function<T, String> key;
        int left;
        String lastKey;

        Rule(String name, int count, Function<T, String> key) {
            this.name = name;
            this.left = count;
            this.key = key;
        }
    }
}
