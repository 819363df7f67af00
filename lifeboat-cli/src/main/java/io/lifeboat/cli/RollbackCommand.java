package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressListener;
import io.lifeboat.api.RollbackPoint;
import io.lifeboat.api.RollbackRequest;
import io.lifeboat.api.RollbackResult;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat rollback}: undoes a {@code restore --replace}, or lists / discards rollback points. */
@Command(
        name = "rollback",
        description = {
            "Swap the rollback point left by 'restore --replace' back in.",
            "The current data becomes the rollback point, so this can be undone too. --list shows the "
                    + "points; --discard deletes them for good; --dry-run shows what would be done."
        })
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DATABASE",
            description = "Database whose rollback point to use (or -d DATABASE, as in other commands).")
    String positional;

    @Option(
            names = {"-d", "--database"},
            description = "Database whose rollback point to use.")
    String option;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Show the rollback point that would be swapped in (or, with --discard, discarded); change"
                    + " nothing.")
    boolean dryRun;

    @Option(names = "--list", description = "List rollback points; change nothing.")
    boolean list;

    @Option(names = "--discard", description = "Drop the rollback databases and delete the rollback filestores.")
    boolean discard;

    @Override
    public Integer call() throws Exception {
        if (positional != null && option != null && !positional.equals(option)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "two databases given: " + positional + " and " + option,
                    "Name the database once, as DATABASE or with -d.");
        }
        String database = positional != null ? positional : option;
        RollbackRequest.Action action = list
                ? RollbackRequest.Action.LIST
                : discard ? RollbackRequest.Action.DISCARD : RollbackRequest.Action.ROLLBACK;
        RollbackResult result;
        try (Lifeboat lifeboat = Facades.open(instance, null)) {
            result = lifeboat.rollback(
                    new RollbackRequest(database, action, dryRun),
                    Observer.of(ProgressListener.NONE, Main.cancellation()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else if (action == RollbackRequest.Action.LIST) {
            result.points()
                    .forEach(p -> System.out.printf(
                            "%s  database %s  filestore %s  (from %s)%n",
                            p.createdAt(), p.database(), p.filestore(), p.source()));
        } else if (out.human()) {
            printSummary(result);
        }
        return ExitCode.OK;
    }

    private static void printSummary(RollbackResult result) {
        List<RollbackPoint> points = result.points();
        String database = result.database();
        boolean discard = result.action() == RollbackRequest.Action.DISCARD;
        if (result.dryRun()) {
            System.err.printf(
                    "dry run: would %s %d rollback point%s of %s; nothing was changed%n",
                    discard ? "discard" : "swap in", points.size(), points.size() == 1 ? "" : "s", database);
            points.forEach(p -> System.err.printf(
                    "  %s  database %s  filestore %s  (from %s)%n",
                    p.createdAt(), p.database(), p.filestore(), p.source()));
        } else if (discard) {
            System.err.printf("discarded %d rollback points of %s%n", points.size(), database);
        } else {
            RollbackPoint point = result.restored();
            System.err.printf(
                    "%s is back to the state of %s (database %s)%n", database, point.createdAt(), point.database());
        }
    }
}
