package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.check.CheckOptions;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.FilestoreChecker;
import io.lifeboat.check.Finding;
import io.lifeboat.repair.ContentProvider;
import io.lifeboat.repair.FilestoreQuarantine;
import io.lifeboat.repair.FilestoreRepair;
import io.lifeboat.repair.IrrecoverableExport;
import io.lifeboat.repair.PlannedFile;
import io.lifeboat.repair.RepairOptions;
import io.lifeboat.repair.RepairPlan;
import io.lifeboat.repair.RepairResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
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

    /** What --json prints. */
    record Output(
            CheckReport before,
            RepairPlan plan,
            List<Finding> orphans,
            boolean applied,
            RepairResult result,
            FilestoreQuarantine.Result quarantine,
            CheckReport after) {}

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
        var target = instance.resolve(database);
        PrintStream human = out.human() ? System.out : null;
        List<ContentProvider> sources = new ArrayList<>();
        RepositoryOptions.Opened opened = null;
        try (TerminalProgress progress = out.progress()) {
            // 1. Open the sources first: a bad path should fail before the instance is read.
            for (Path p : from) sources.add(source(p));
            if (repository.given()) {
                opened = repository.open(true);
                sources.add(ContentProvider.repository(opened.repo()));
            }
            // 2. Find what is missing, then where its content is.
            CheckReport before = FilestoreChecker.check(
                    target.connection(), target.database(), target.filestore(), CheckOptions.fast(), progress);
            FilestoreRepair repair = new FilestoreRepair(target.filestore(), sources);
            RepairPlan plan = repair.plan(before, progress);
            List<Finding> orphans = quarantineOrphans ? FilestoreQuarantine.orphans(before) : List.of();
            if (exportIrrecoverable != null) IrrecoverableExport.write(exportIrrecoverable, plan.irrecoverable());
            if (human != null) printPlan(human, before, plan, orphans);
            if (!apply) {
                if (human != null) human.println("dry run: nothing was written; run again with --apply to repair");
                if (out.json())
                    OutputOptions.printJson(System.out, new Output(before, plan, orphans, false, null, null, null));
                return before.clean() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
            }
            // 3. Apply: place the files, quarantine orphans, then prove the result with a fresh check.
            RepairResult result = repair.apply(plan, new RepairOptions(batchSize), progress);
            FilestoreQuarantine.Result quarantined = null;
            if (quarantineOrphans) {
                Path base = quarantineDir != null
                        ? quarantineDir
                        : dataDir(target).resolve("filestore-quarantine").resolve(target.database());
                quarantined =
                        FilestoreQuarantine.quarantine(before, target.filestore(), base, target.connection(), progress);
            }
            CheckReport after = FilestoreChecker.check(
                    target.connection(), target.database(), target.filestore(), CheckOptions.fast(), progress);
            if (human != null) printResult(human, result, quarantined, after);
            if (out.json()) {
                OutputOptions.printJson(
                        System.out, new Output(before, plan, orphans, true, result, quarantined, after));
            }
            return after.clean() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
        } finally {
            for (ContentProvider s : sources) s.close();
            if (opened != null) opened.close();
        }
    }

    private int moveBack() throws IOException {
        Path filestore = database != null ? instance.resolve(database).filestore() : null;
        FilestoreQuarantine.RestoreResult r;
        try (TerminalProgress progress = out.progress()) {
            r = FilestoreQuarantine.unquarantine(unquarantine, filestore, progress);
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

    private static Path dataDir(InstanceOptions.ResolvedInstance target) {
        return target.dataDir() != null
                ? target.dataDir()
                : target.filestore().toAbsolutePath().getParent().getParent();
    }

    /** A zip (by its first bytes) or a directory. */
    static ContentProvider source(Path p) throws IOException {
        if (Files.isDirectory(p)) return ContentProvider.directory(p);
        if (!Files.isRegularFile(p)) {
            throw new LifeboatException(
                    Kind.USAGE, "repair source " + p + " does not exist", "Give an Odoo .zip or a directory.");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return ContentProvider.zip(p);
        }
        throw new LifeboatException(
                Kind.USAGE,
                "repair source " + p + " is neither a zip nor a directory",
                "Give an Odoo backup .zip or a directory holding filestore files.");
    }

    private static void printPlan(PrintStream o, CheckReport before, RepairPlan plan, List<Finding> orphans) {
        o.printf("database %s, filestore %s%n", before.database(), before.filestore());
        o.println("check: " + CheckCommand.verdict(before));
        o.println("sources: "
                + (plan.sources().isEmpty() ? "none (give --from or --repo)" : String.join(", ", plan.sources())));
        if (!plan.files().isEmpty()) {
            o.println();
            o.printf("restorable: %d files, %s%n", plan.files().size(), Units.bytes(plan.bytes()));
            CheckCommand.Table t =
                    new CheckCommand.Table("STORE_FNAME", "SIZE", "ROWS", "RES_MODELS", "SOURCE").right(1, 2);
            for (PlannedFile f : plan.files()) {
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
            for (Finding f : plan.irrecoverable()) {
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

    private static void printResult(PrintStream o, RepairResult r, FilestoreQuarantine.Result q, CheckReport after) {
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
