package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.restore.Rollbacks;
import java.util.List;
import java.util.Map;
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
        if (database == null) {
            throw new LifeboatException(
                    Kind.USAGE, "no database given", "Name the database: lifeboat rollback -d DATABASE.");
        }
        InstanceOptions.checkDatabaseName(database);
        var inst = instance.instance();
        Rollbacks rollbacks = Rollbacks.of(inst.dataDir());
        if (list) {
            var points = rollbacks.list(database);
            if (out.json()) OutputOptions.printJson(System.out, points);
            else
                points.forEach(p -> System.out.printf(
                        "%s  database %s  filestore %s  (from %s)%n",
                        p.createdAt(), p.database(), p.filestore(), p.source()));
            return ExitCode.OK;
        }
        if (dryRun) {
            var points = rollbacks.list(database);
            if (points.isEmpty()) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "no rollback point for " + database,
                        "Rollback points are created by 'lifeboat restore --replace'.");
            }
            var chosen = discard ? points : List.of(points.get(points.size() - 1));
            if (out.json()) {
                OutputOptions.printJson(
                        System.out, Map.of("dryRun", true, discard ? "wouldDiscard" : "wouldRestore", chosen));
            } else if (out.human()) {
                System.err.printf(
                        "dry run: would %s %d rollback point%s of %s; nothing was changed%n",
                        discard ? "discard" : "swap in", chosen.size(), chosen.size() == 1 ? "" : "s", database);
                chosen.forEach(p -> System.err.printf(
                        "  %s  database %s  filestore %s  (from %s)%n",
                        p.createdAt(), p.database(), p.filestore(), p.source()));
            }
            return ExitCode.OK;
        }
        if (discard) {
            var gone = rollbacks.discard(inst.connection(), database);
            if (out.json()) OutputOptions.printJson(System.out, Map.of("discarded", gone));
            else if (out.human()) System.err.printf("discarded %d rollback points of %s%n", gone.size(), database);
            return ExitCode.OK;
        }
        var point = rollbacks.rollback(inst.connection(), database);
        if (out.json()) OutputOptions.printJson(System.out, Map.of("restored", point));
        else if (out.human())
            System.err.printf(
                    "%s is back to the state of %s (database %s)%n", database, point.createdAt(), point.database());
        return ExitCode.OK;
    }
}
