package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.CleanupResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat cleanup}: finds and removes what interrupted or killed runs left behind. */
@Command(
        name = "cleanup",
        description = {
            "List and remove what interrupted or killed runs left behind.",
            "Leftovers are temporary databases (*_lbnew_*), restore roles (lifeboat_restore_*), temporary "
                    + "filestore directories and partial files. Those of runs known to be gone (their process no "
                    + "longer runs on this host) are removed; names that only look like leftovers (no record of "
                    + "the run that made them) only with --force."
        })
final class CleanupCommand implements Callable<Integer> {

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only list what would be removed.")
    boolean dryRun;

    @Option(
            names = "--force",
            description =
                    "Also remove leftovers of unknown origin (a run of an older version, or of another host using the same server: make sure none is running).")
    boolean force;

    @Override
    public Integer call() {
        CleanupResult result;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.cleanup(new CleanupRequest(dryRun, force), OutputOptions.observer(progress));
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else if (out.human()) {
            if (result.leftovers().isEmpty()) System.err.println("no leftovers");
            for (CleanupResult.Leftover l : result.leftovers()) {
                System.out.printf("%-9s %-40s %-16s %s%n", l.type(), l.name(), l.action(), l.origin());
            }
        }
        return result.kept() > 0 ? ExitCode.WARNINGS : ExitCode.OK;
    }
}
