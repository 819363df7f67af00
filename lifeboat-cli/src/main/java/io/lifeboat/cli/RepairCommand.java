package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BucketFilestore;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.RepairRequest;
import io.lifeboat.api.RepairResult;
import io.lifeboat.api.RepairUnquarantineRequest;
import io.lifeboat.api.RepairUnquarantineResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat repair}: restores only the missing filestore files; a plan unless --apply. */
@Command(
        name = "repair",
        description = {
            "Restore the filestore files an Odoo database references but lacks.",
            "The files come from an Odoo zip, a directory (a filestore, an extracted backup, a "
                    + "data_dir) or any snapshot of a Lifeboat repository (--repo, --key). Without --apply it "
                    + "only prints the plan. With --apply it writes only missing files: never overwrites, "
                    + "verifies each SHA-1 before placing, works in re-checked batches, then checks again. "
                    + "Orphans can be moved to a quarantine (--quarantine-orphans) and back (--unquarantine); "
                    + "nothing is ever deleted.",
            "Exit codes: 0 clean, 4 problems remain (or, without --apply, were found), 1 error."
        })
final class RepairCommand implements Callable<Integer> {
    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    BucketOptions bucket;

    @Option(
            names = {"-d", "--database"},
            description = "Database to repair (default: the only one).")
    String database;

    @Option(
            names = "--from",
            paramLabel = "PATH",
            description = "A source of content: an Odoo .zip or a directory. Repeatable; searched in order.")
    List<Path> from = new ArrayList<>();

    @Option(names = "--apply", description = "Write the missing files (and move orphans with --quarantine-orphans).")
    boolean apply;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only print the plan (what happens without --apply), as other commands spell it.")
    boolean dryRun;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "200",
            description = "Files placed between two re-checks. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--export-irrecoverable",
            paramLabel = "FILE",
            description = "Write the rows no source can restore to FILE (.csv, otherwise JSON), to tell their owners.")
    Path exportIrrecoverable;

    @Option(
            names = "--quarantine-orphans",
            description =
                    "Move files no row references to <data_dir>/filestore-quarantine/<db>/<time>/ (with --apply).")
    boolean quarantineOrphans;

    @Option(
            names = "--quarantine-dir",
            paramLabel = "DIR",
            description =
                    "Quarantine base directory instead of <data_dir>/filestore-quarantine/<db>; same file system.")
    Path quarantineDir;

    @Option(
            names = "--unquarantine",
            paramLabel = "MANIFEST",
            description = "Move the files a quarantine manifest.json lists back into the filestore (never overwrites).")
    Path unquarantine;

    @Override
    public Integer call() throws Exception {
        if (dryRun && apply) {
            throw new LifeboatException(
                    Kind.USAGE, "--dry-run and --apply exclude each other", "Give --apply to repair, else nothing.");
        }
        if (dryRun && unquarantine != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--dry-run and --unquarantine exclude each other",
                    "The quarantine's manifest.json lists what --unquarantine would move back.");
        }
        if (unquarantine != null) return moveBack();
        if (batchSize < 1) throw new LifeboatException(Kind.USAGE, "--batch-size must be at least 1", null);
        RepairRequest request = new RepairRequest(
                database,
                from,
                repository.given(),
                apply,
                batchSize,
                exportIrrecoverable,
                quarantineOrphans,
                quarantineDir);
        BucketFilestore objects = bucket.filestore();
        if (objects != null) request = request.inBucket(objects);
        RepairResult r;
        try (Lifeboat lifeboat = Facades.open(instance, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.repair(request, OutputOptions.observer(progress));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        PrintStream human = out.human() ? System.out : null;
        if (human != null) printPlan(human, r.before(), r.plan(), r.orphans());
        if (!r.applied()) {
            if (human != null) human.println("dry run: nothing was written; run again with --apply to repair");
        } else if (human != null) {
            printResult(human, r.result(), r.quarantine(), r.after());
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        return r.clean() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
    }

    private int moveBack() throws IOException {
        RepairUnquarantineResult r;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.unquarantine(
                    new RepairUnquarantineRequest(unquarantine, database), OutputOptions.observer(progress));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) {
            System.out.printf(
                    "moved back %d files; %d left in quarantine because the filestore has a file of that name;"
                            + " %d not in the quarantine%n",
                    r.restored().size(), r.present().size(), r.absent().size());
        }
        return r.present().isEmpty() ? ExitCode.OK : ExitCode.WARNINGS;
    }

    private static void printPlan(
            PrintStream o, CheckResult before, RepairResult.Plan plan, List<CheckFinding> orphans) {
        o.printf("database %s, filestore %s%n", before.database(), before.filestore());
        o.println("check: " + CheckCommand.verdict(before));
        o.println("sources: "
                + (plan.sources().isEmpty() ? "none (give --from or --repo)" : String.join(", ", plan.sources())));
        if (!plan.files().isEmpty()) {
            o.println();
            o.printf("restorable: %d files, %s%n", plan.files().size(), Units.bytes(plan.bytes()));
            CheckCommand.Table t =
                    new CheckCommand.Table("STORE_FNAME", "SIZE", "ROWS", "RES_MODELS", "SOURCE").right(1, 2);
            for (RepairResult.PlannedFile f : plan.files()) {
                t.row(
                        f.relative(),
                        f.size() < 0 ? null : f.size(),
                        f.rowIds().size(),
                        String.join(",", f.models()),
                        f.source());
            }
            t.print(o);
        }
        if (!plan.irrecoverable().isEmpty()) {
            o.println();
            o.printf(
                    "irrecoverable: %d files, %d rows (no source holds them)%n",
                    plan.irrecoverableFiles(), plan.irrecoverable().size());
            CheckCommand.Table t =
                    new CheckCommand.Table("ID", "RES_MODEL", "RES_ID", "RES_FIELD", "NAME", "STORE_FNAME").right(0, 2);
            for (CheckFinding f : plan.irrecoverable()) {
                t.row(
                        f.id(),
                        f.resModel(),
                        f.resId(),
                        f.resField(),
                        CheckCommand.Table.clip(f.name(), 40),
                        f.storeFname());
            }
            t.print(o);
        }
        if (!orphans.isEmpty()) {
            o.println();
            o.printf(
                    "orphans to quarantine: %d files, %s%n",
                    orphans.size(),
                    Units.bytes(orphans.stream()
                            .mapToLong(f -> f.fileSize() == null ? 0 : f.fileSize())
                            .sum()));
        }
        o.println();
    }

    private static void printResult(
            PrintStream o, RepairResult.Applied r, RepairResult.Quarantine q, CheckResult after) {
        o.printf(
                "restored %d files (%s) in %d batches; %d already present (left untouched); %d failed%n",
                r.placed().size(),
                Units.bytes(r.bytes()),
                r.batches(),
                r.present().size(),
                r.failed().size());
        for (RepairResult.Failed f : r.failed()) o.printf("  failed %s: %s%n", f.relative(), f.reason());
        if (q != null && q.directory() != null) {
            o.printf(
                    "quarantined %d orphans (%s) into %s; %d kept (referenced again or changed)%n",
                    q.moved().size(),
                    Units.bytes(q.bytes()),
                    q.directory(),
                    q.kept().size());
            o.printf("  undo with: lifeboat repair --unquarantine %s%n", q.manifest());
        }
        o.println("check after repair: " + CheckCommand.verdict(after));
    }
}
