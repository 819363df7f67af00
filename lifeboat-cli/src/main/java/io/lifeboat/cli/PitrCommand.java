package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.Printable;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrActivityResult;
import io.lifeboat.api.PitrCountsResult;
import io.lifeboat.api.PitrSide;
import io.lifeboat.api.PitrWindowRequest;
import io.lifeboat.api.PitrWindowResult;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat pitr}: after an accidental mass write, compare production with a side copy and repair it. */
@Command(
        name = "pitr",
        description = {
            "Find what an accident changed in production and repair it from a side copy.",
            "The side copy is the database recovered to a moment before the accident (another cluster or"
                    + " database). First hour: activity, window, counts. Then diff writes a repair plan and its SQL"
                    + " script, and repair checks and applies it in one transaction, keeping what was written after"
                    + " the accident."
        },
        subcommands = {
            PitrCommand.Activity.class,
            PitrCommand.Window.class,
            PitrCommand.Counts.class,
            PitrDiffCommand.class,
            PitrRepairCommand.class
        })
final class PitrCommand {

    /** Where the side copy is. */
    static final class SideOptions {
        @Option(
                names = "--side-db",
                paramLabel = "DB",
                description = "The side copy's database (recovered before the accident).")
        String database;

        @Option(
                names = "--side-host",
                paramLabel = "HOST",
                description = "The side copy's host (default: production's).")
        String host;

        @Option(
                names = "--side-port",
                paramLabel = "PORT",
                description = "The side copy's port (default: production's).")
        Integer port;

        @Option(
                names = "--side-user",
                paramLabel = "USER",
                description = "User for the side copy (default: production's, with its password).")
        String user;

        PitrSide side() {
            return new PitrSide(host, port, user, database);
        }
    }

    /** {@code 2026-03-02T10:15}, {@code 2026-03-02 10:15:00} (UTC, as Odoo stores times). */
    static LocalDateTime time(String option, String text) {
        if (text == null) return null;
        try {
            return LocalDateTime.parse(text.strip().replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "invalid time for " + option + ": " + text,
                    "Give a UTC time as Odoo stores them, e.g. 2026-03-02T10:15 or '2026-03-02 10:15:00'.");
        }
    }

    /** {@code lifeboat pitr activity}. */
    @Command(
            name = "activity",
            description = {
                "List sessions that may still be writing: long transactions and idle in transaction.",
                "Reads pg_stat_activity of production's server. Without superuser or pg_read_all_stats, other"
                        + " roles' queries read <insufficient privilege>."
            })
    static final class Activity extends PitrSubcommand<PitrActivityResult> {
        @Option(
                names = "--older-than",
                paramLabel = "SECONDS",
                defaultValue = "300",
                description = "List transactions open longer than this. Default: ${DEFAULT-VALUE}.")
        long olderThan;

        @Option(
                names = "--query-chars",
                paramLabel = "N",
                defaultValue = "200",
                description = "Cut queries to N characters. Default: ${DEFAULT-VALUE}.")
        int queryChars;

        @Override
        PitrActivityResult run(Lifeboat lifeboat, Observer observer) {
            return lifeboat.pitrActivity(database, olderThan, queryChars, observer);
        }

        @Override
        void print(PitrActivityResult a) {
            String row = "%-8s %-12s %-20s %-16s %-22s %10s  %s%n";
            System.out.printf(row, "pid", "user", "application", "client", "state", "xact_s", "query");
            for (var s : a.sessions()) {
                System.out.printf(
                        row,
                        s.pid(),
                        Printable.of(s.user()),
                        Printable.of(s.applicationName()),
                        s.clientAddr() == null ? "local" : s.clientAddr(),
                        s.state(),
                        s.transactionSeconds() == null ? "" : s.transactionSeconds(),
                        s.query() == null ? "" : Printable.of(s.query().replaceAll("\\s+", " ")));
            }
            System.err.println(a.sessions().size() + " session(s) idle in transaction or with a transaction older than "
                    + a.olderThanSeconds() + " s");
        }
    }

    /** {@code lifeboat pitr window}. */
    @Command(
            name = "window",
            description = {
                "Show when mass writes started and stopped: rows created and written per time bucket.",
                "Counts create_date and write_date (UTC) of the tables given, or of the largest tables that have"
                        + " both, per bucket between --from and --to. Buckets without writes are left out."
            })
    static final class Window extends PitrSubcommand<PitrWindowResult> {
        @Option(names = "--table", paramLabel = "TABLE", description = "A table to count (repeatable).")
        java.util.List<String> tables = new java.util.ArrayList<>();

        @Option(
                names = "--largest",
                paramLabel = "N",
                defaultValue = "10",
                description = "Without --table, the N largest tables. Default: ${DEFAULT-VALUE}.")
        int largest;

        @Option(
                names = "--from",
                paramLabel = "TIME",
                required = true,
                description = "Start (UTC), e.g. 2026-03-02T09:00.")
        String from;

        @Option(names = "--to", paramLabel = "TIME", required = true, description = "End (UTC, excluded).")
        String to;

        @Option(
                names = "--bucket",
                paramLabel = "SECONDS",
                defaultValue = "60",
                description = "Bucket width. Default: ${DEFAULT-VALUE}.")
        long bucket;

        @Override
        PitrWindowResult run(Lifeboat lifeboat, Observer observer) {
            return lifeboat.pitrWindow(
                    database,
                    new PitrWindowRequest(tables, largest, time("--from", from), time("--to", to), bucket),
                    observer);
        }

        @Override
        void print(PitrWindowResult w) {
            for (var t : w.tables()) {
                System.out.println(Printable.of(t.table()));
                for (var b : t.buckets()) {
                    System.out.printf("  %s  created %8d  written %8d%n", b.start(), b.createdRows(), b.writtenRows());
                }
            }
        }
    }

    /** {@code lifeboat pitr counts}. */
    @Command(
            name = "counts",
            description = {
                "Compare row counts of production and the side copy, largest difference first.",
                "Exact counts (count(*)) of the tables given; without --table, the planner's estimates"
                        + " (reltuples) of all tables."
            })
    static final class Counts extends PitrSubcommand<PitrCountsResult> {
        @picocli.CommandLine.Mixin
        SideOptions side;

        @Option(names = "--table", paramLabel = "TABLE", description = "A table to count exactly (repeatable).")
        java.util.List<String> tables = new java.util.ArrayList<>();

        @Override
        PitrCountsResult run(Lifeboat lifeboat, Observer observer) {
            return lifeboat.pitrCounts(database, side.side(), tables, observer);
        }

        @Override
        void print(PitrCountsResult c) {
            System.out.printf("%-40s %14s %14s %12s%n", "table", "production", "side", "delta");
            for (var t : c.tables()) {
                System.out.printf(
                        "%-40s %14s %14s %12s%n",
                        Printable.of(t.table()), n(t.production()), n(t.side()), n(t.delta()));
            }
            if (!c.exact()) System.err.println("estimates (reltuples); give --table for exact counts");
        }

        private static String n(Long v) {
            return v == null ? "-" : v.toString();
        }
    }
}
