package io.lifeboat.cli;

import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.pitr.PitrRepair;
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

    /** Does the work with {@code pitr}. */
    abstract R run(PitrRepair pitr) throws Exception;

    /** Prints {@code result} for people. */
    abstract void print(R result);

    /** The exit code of {@code result}. */
    int exitCode(R result) {
        return ExitCode.OK;
    }

    @Override
    public Integer call() throws Exception {
        R result;
        try (TerminalProgress progress = out.progress()) {
            PitrRepair pitr = new PitrRepair(
                    new LifeboatSettings(instance.settings(), null, System.getenv()),
                    database,
                    phase -> progress.phase(phase, -1, null));
            result = run(pitr);
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) print(result);
        return exitCode(result);
    }
}
