package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.Observer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the {@code pitr} subcommands share: production's instance and database, output options, a progress
 * display while they work, the result as JSON or for people.
 *
 * @param <R> the result
 */
abstract class PitrSubcommand<R> implements Callable<Integer> {
    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-d", "--database"},
            description = "Production database (default: the only one).")
    String database;

    /** Does the work with {@code lifeboat}. */
    abstract R run(Lifeboat lifeboat, Observer observer);

    /** Prints {@code result} for people. */
    abstract void print(R result);

    /** The exit code of {@code result}. */
    int exitCode(R result) {
        return ExitCode.OK;
    }

    @Override
    public Integer call() {
        R result;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            result = run(lifeboat, OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) print(result);
        return exitCode(result);
    }
}
