package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.Printable;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrRepairResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat pitr repair}: checks a repair plan against production and applies it with --apply. */
@Command(
        name = "repair",
        description = {
            "Repair production from a plan pitr diff wrote, in one transaction.",
            "Checks first that every row the plan touches is still as the diff saw it, then inserts (parents"
                    + " first), restores columns, deletes (children first), checks every repaired row and each"
                    + " table's row count, and commits only if all checks pass. Without --apply it runs the first"
                    + " checks only and changes nothing. Needs the tables' owner, never a superuser.",
            "Exit codes: 0 repaired (or, without --apply, would repair), 5 production changed since the diff"
                    + " (nothing changed), 1 error."
        })
final class PitrRepairCommand extends PitrSubcommand<PitrRepairResult> {
    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file pitr diff wrote.")
    Path plan;

    @Option(names = "--apply", description = "Repair production (without it: check and print only).")
    boolean apply;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only check and print what would change (what happens without --apply).")
    boolean dryRun;

    @Option(names = "--sql", paramLabel = "FILE", description = "Write the statements as a psql script to FILE.")
    Path sql;

    @Override
    PitrRepairResult run(Lifeboat lifeboat, Observer observer) {
        if (dryRun && apply) {
            throw new LifeboatException(
                    Kind.USAGE, "--dry-run and --apply exclude each other", "Give --apply to repair, else nothing.");
        }
        return lifeboat.pitrRepair(database, plan, apply, sql, observer);
    }

    @Override
    void print(PitrRepairResult r) {
        PitrRepairResult.Report report = r.report();
        System.out.printf(
                "%-32s %12s %12s %10s %10s %8s %8s%n",
                "table", "rows before", "rows after", "inserted", "restored", "deleted", "kept");
        for (PitrRepairResult.Table t : report.tables()) {
            System.out.printf(
                    "%-32s %12d %12d %10d %10d %8d %8d%n",
                    Printable.of(t.table()),
                    t.rowsBefore(),
                    t.rowsAfter(),
                    t.inserted(),
                    t.updated(),
                    t.deleted(),
                    t.keptExtra());
        }
        System.out.println(
                report.applied()
                        ? "repaired " + report.changedRows() + " row(s) in one transaction; all checks passed"
                        : "dry run: production is as the diff saw it; nothing was changed; run again with --apply to repair "
                                + report.changedRows() + " row(s)");
    }
}
