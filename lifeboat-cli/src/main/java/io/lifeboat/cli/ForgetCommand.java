package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.ForgetDecision;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.api.ForgetRequest;
import io.lifeboat.api.ForgetResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat forget}: applies a retention policy to the snapshot records. */
@Command(
        name = "forget",
        description = {
            "Remove snapshots that no retention rule keeps.",
            "Rules apply per instance and database, newest first;",
            "a snapshot is kept when any rule keeps it. Without rules the default applies: --keep-daily 14",
            "--keep-weekly 8 --keep-monthly 12 (at least 14 snapshots once there are 14 days of daily backups).",
            "Whatever the rules, the newest snapshot of each instance and database is kept; the plan warns when",
            "a database would be left with a single snapshot. Only records are removed: run prune (or pass",
            "--prune) to free the space. Needs the secret key: for a writer key the repository is append-only",
            "(a writer key can show the plan with --dry-run).",
            "With --stanza NAME only the snapshots of instance NAME are considered and, without --keep-* options,",
            "that instance's retention in the configuration file applies."
        })
final class ForgetCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([yYmwdh])");

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots.")
    int keepLast;

    @Option(
            names = "--keep-hourly",
            paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N hours.")
    int keepHourly;

    @Option(
            names = "--keep-daily",
            paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N days.")
    int keepDaily;

    @Option(
            names = "--keep-weekly",
            paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N ISO weeks.")
    int keepWeekly;

    @Option(
            names = "--keep-monthly",
            paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N months.")
    int keepMonthly;

    @Option(
            names = "--keep-yearly",
            paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N years.")
    int keepYearly;

    @Option(
            names = "--keep-within",
            paramLabel = "DURATION",
            description = "Keep every snapshot younger than DURATION before the newest, e.g. 7d, 2w, 1y6m, 36h"
                    + " (y = 365 days, m = 30 days) or ISO-8601 (P10D).")
    String keepWithin;

    @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep every snapshot with this tag (repeatable).")
    List<String> keepTags = new ArrayList<>();

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only show what would be removed.")
    boolean dryRun;

    @Option(names = "--prune", description = "Then delete the data no snapshot uses any more.")
    boolean prune;

    @Override
    public Integer call() throws Exception {
        for (int n : new int[] {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly}) {
            if (n < 0) throw new LifeboatException(Kind.USAGE, "keep counts must not be negative", "Give 0 or more.");
        }
        ForgetPolicy policy = new ForgetPolicy(
                keepLast,
                keepHourly,
                keepDaily,
                keepWeekly,
                keepMonthly,
                keepYearly,
                keepWithin == null ? null : parseDuration(keepWithin),
                Set.copyOf(keepTags));
        if (policy.isEmpty() && stanza.name() != null) policy = Lifeboat.retentionOf(stanza.instance());
        ForgetResult result;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.forget(
                    new ForgetRequest(policy, stanza.name(), dryRun, prune), OutputOptions.observer(progress));
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else if (out.human()) {
            print(System.out, result, policy);
            if (result.prune() != null) PruneCommand.print(System.out, result.prune());
            else if (prune) System.out.println("prune skipped in a dry run");
        }
        return ExitCode.OK;
    }

    private static void print(PrintStream o, ForgetResult r, ForgetPolicy policy) {
        o.println("policy: " + describe(policy) + ", and the newest of each database");
        String group = null;
        for (ForgetDecision d : r.decisions()) {
            String g = d.instance() + "/" + d.database();
            if (!g.equals(group)) {
                group = g;
                o.printf("%s:%n", g);
            }
            o.printf(
                    "  %-6s  %s  %s  %-11s  %s%n",
                    d.keep() ? "keep" : r.applied() ? "forgot" : "forget",
                    d.shortId(),
                    SnapshotsCommand.time(d.time()),
                    d.kind(),
                    String.join(", ", d.reasons()).replaceAll("\\blast [0-9a-f]{64}\\b", "last"));
        }
        int removed = r.removed().size();
        o.printf(
                "%d kept, %d %s%n",
                r.kept().size(), removed, r.applied() ? "forgotten" : "would be forgotten (dry run)");
        for (String w : r.warnings()) o.println("warning: " + w);
    }

    /** The rules as given on the command line, or the default spelled out. */
    static String describe(ForgetPolicy policy) {
        if (policy.isEmpty()) return "default (keep-daily 14, keep-weekly 8, keep-monthly 12)";
        List<String> rules = new ArrayList<>();
        int[] counts = {
            policy.keepLast(),
            policy.keepHourly(),
            policy.keepDaily(),
            policy.keepWeekly(),
            policy.keepMonthly(),
            policy.keepYearly()
        };
        String[] names = {"last", "hourly", "daily", "weekly", "monthly", "yearly"};
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) rules.add("keep-" + names[i] + " " + counts[i]);
        if (policy.keepWithin() != null) rules.add("keep-within " + policy.keepWithin());
        policy.keepTags().stream().sorted().forEach(t -> rules.add("keep-tag " + t));
        return String.join(", ", rules);
    }

    /** {@code 7d}, {@code 1y6m}, {@code 36h}, or ISO-8601 such as {@code P10D}. */
    static Duration parseDuration(String s) {
        String t = s.strip();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw badDuration(s);
            }
        }
        Matcher m = DURATION.matcher(t);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "y", "Y" -> Duration.ofDays(365 * n);
                        case "m" -> Duration.ofDays(30 * n);
                        case "w" -> Duration.ofDays(7 * n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofHours(n);
                    });
            end = m.end();
        }
        if (end == 0 || end != t.length()) throw badDuration(s);
        return d;
    }

    private static LifeboatException badDuration(String s) {
        return new LifeboatException(
                Kind.USAGE, "invalid duration: " + s, "Use e.g. 7d, 2w, 1y6m, 36h or ISO-8601 such as P10D.");
    }
}
