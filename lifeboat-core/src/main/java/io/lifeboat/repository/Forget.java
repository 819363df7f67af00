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
final class Forget {
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
        RetentionPolicy p = policy.isEmpty() ? RetentionPolicy.DEFAULT : policy;
        List<ForgetResult.Decision> out = new ArrayList<>();
        for (List<SnapshotInfo> g : SnapshotGroup.newestFirst(snapshots).values()) {
            Instant newest = g.get(0).time();
            List<Rule> rules = List.of(
                    new Rule("last", p.keepLast(), s -> s.id()),
                    new Rule(
                            "hourly",
                            p.keepHourly(),
                            s -> at(s, zone)
                                    .toLocalDateTime()
                                    .withMinute(0)
                                    .withSecond(0)
                                    .withNano(0)
                                    .toString()),
                    new Rule(
                            "daily",
                            p.keepDaily(),
                            s -> at(s, zone).toLocalDate().toString()),
                    new Rule("weekly", p.keepWeekly(), s -> {
                        ZonedDateTime t = at(s, zone);
                        return t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                    }),
                    new Rule(
                            "monthly",
                            p.keepMonthly(),
                            s -> at(s, zone).getYear() + "-" + at(s, zone).getMonthValue()),
                    new Rule(
                            "yearly",
                            p.keepYearly(),
                            s -> Integer.toString(at(s, zone).getYear())));
            boolean first = true;
            for (SnapshotInfo s : g) {
                List<String> reasons = new ArrayList<>();
                if (first) reasons.add("newest");
                first = false;
                for (Rule r : rules) {
                    String key = r.key.apply(s);
                    if (r.left > 0 && !key.equals(r.lastKey)) {
                        r.left--;
                        r.lastKey = key;
                        reasons.add(r.name + " " + key);
                    }
                }
                if (p.keepWithin() != null && !s.time().isBefore(newest.minus(p.keepWithin()))) {
                    reasons.add("within " + p.keepWithin());
                }
                for (String t : s.tags()) if (p.keepTags().contains(t)) reasons.add("tag " + t);
                out.add(new ForgetResult.Decision(s, !reasons.isEmpty(), List.copyOf(reasons)));
            }
        }
        return new ForgetResult(List.copyOf(out), false);
    }

    private static ZonedDateTime at(SnapshotInfo s, ZoneId zone) {
        return s.time().atZone(zone);
    }

    private static final class Rule {
        final String name;
        final Function<SnapshotInfo, String> key;
        int left;
        String lastKey;

        Rule(String name, int count, Function<SnapshotInfo, String> key) {
            this.name = name;
            this.left = count;
            this.key = key;
        }
    }
}
