package io.lifeboat.cli;

import io.lifeboat.restore.Rollbacks;
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
                    + "points; --discard deletes them for good."
        })
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Parameters(index = "0", paramLabel = "DATABASE", description = "Database whose rollback point to use.")
    String database;

    @Option(names = "--list", description = "List rollback points; change nothing.")
    boolean list;

    @Option(names = "--discard", description = "Drop the rollback databases and delete the rollback filestores.")
    boolean discard;

    @Override
    public Integer call() throws Exception {
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
