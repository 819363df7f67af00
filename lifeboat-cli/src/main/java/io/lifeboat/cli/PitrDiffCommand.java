package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.Printable;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrDiffRequest;
import io.lifeboat.api.PitrDiffResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat pitr diff}: compares production with the side copy and writes a repair plan. */
@Command(
        name = "diff",
        description = {
            "Compare tables of production with the side copy and write a repair plan.",
            "Compares rows by primary key (all columns for relation tables without one): both sides hash key"
                    + " ranges at the same time and only differing ranges are fetched. The plan lists rows to"
                    + " re-insert, columns to restore (old value and the value seen in production) and rows only"
                    + " production has (deleted only with --delete-extra). --sql also writes it as a psql script.",
            "Exit codes: 0 no differences, 4 differences found (a plan to repair), 1 error."
        })
final class PitrDiffCommand extends PitrSubcommand<PitrDiffResult> {
    @Mixin
    PitrCommand.SideOptions side;

    @Option(names = "--table", paramLabel = "TABLE", description = "A table to compare (repeatable).")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--model",
            paramLabel = "MODEL",
            description =
                    "An Odoo model to compare: its table, many2many tables, attachments and messages (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(
            names = "--delete-extra",
            paramLabel = "TABLE",
            description = "Let the repair delete rows only production has in TABLE (repeatable). Off by default: rows"
                    + " created after the accident must survive.")
    List<String> deleteExtra = new ArrayList<>();

    @Option(
            names = "--window-from",
            paramLabel = "TIME",
            description = "Start of the incident (UTC): changed rows are restored only when their write_date in"
                    + " production lies in the window; the others were written by someone else and are kept.")
    String windowFrom;

    @Option(names = "--window-to", paramLabel = "TIME", description = "End of the incident (UTC).")
    String windowTo;

    @Option(
            names = "--window-column",
            paramLabel = "COLUMN",
            defaultValue = "write_date",
            description = "The column --window-from and --window-to apply to. Default: ${DEFAULT-VALUE}.")
    String windowColumn;

    @Option(
            names = "--rows-per-range",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Rows per hashed key range. Default: ${DEFAULT-VALUE}.")
    int rowsPerRange;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "PLAN",
            required = true,
            description = "Write the repair plan (JSON) to PLAN, a new file.")
    Path plan;

    @Option(names = "--sql", paramLabel = "FILE", description = "Also write the plan as a psql script to FILE.")
    Path sql;

    @Override
    PitrDiffResult run(Lifeboat lifeboat, Observer observer) {
        return lifeboat.pitrDiff(
                database,
                new PitrDiffRequest(
                        side.side(),
                        tables,
                        models,
                        new LinkedHashSet<>(deleteExtra),
                        windowColumn,
                        PitrCommand.time("--window-from", windowFrom),
                        PitrCommand.time("--window-to", windowTo),
                        rowsPerRange,
                        plan,
                        sql),
                observer);
    }

    @Override
    void print(PitrDiffResult r) {
        System.out.printf(
                "%-32s %12s %12s %10s %10s %8s %8s%n",
                "table", "production", "side", "re-insert", "restore", "kept", "extra");
        for (PitrDiffResult.Table t : r.tables()) {
            String name = t.table() + (t.filter() == null ? "" : " (" + t.filter() + ")");
            System.out.printf(
                    "%-32s %12d %12d %10d %10d %8d %8s%n",
                    Printable.of(name),
                    t.productionRows(),
                    t.sideRows(),
                    t.reinsert(),
                    t.restore(),
                    t.skipped(),
                    t.extra() + (t.deleteExtra() ? " del" : ""));
            if (!t.productionOnlyColumns().isEmpty() || !t.sideOnlyColumns().isEmpty()) {
                System.out.println("  not compared: production only "
                        + Printable.of(t.productionOnlyColumns().toString()) + ", side only "
                        + Printable.of(t.sideOnlyColumns().toString()));
            }
        }
        System.err.printf(
                "%d row(s) to repair; plan written to %s%s (%.1f s)%n",
                r.changedRows(), r.plan(), r.sql() == null ? "" : ", SQL script to " + r.sql(), r.millis() / 1000.0);
    }

    @Override
    int exitCode(PitrDiffResult r) {
        return r.changedRows() > 0 ? ExitCode.PROBLEMS_FOUND : ExitCode.OK;
    }
}
