package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.PruneRequest;
import io.lifeboat.api.PruneResult;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat prune}: deletes data no snapshot references. */
@Command(
        name = "prune",
        description = {
            "Delete repository data that no snapshot uses.",
            "Packs left by forgotten snapshots or interrupted backups are deleted; packs that are "
                    + "mostly unused are rewritten. Takes an exclusive lock: it refuses to run while a backup, "
                    + "restore or verify holds a lock (exit code 5), so it never deletes data of a backup in "
                    + "progress. Locks of processes that died are stale and ignored. An interrupted prune leaves "
                    + "every snapshot readable. Needs the secret key: for a writer key the repository is "
                    + "append-only."
        })
final class PruneCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only show what would be deleted.")
    boolean dryRun;

    @Option(
            names = "--repack-threshold",
            paramLabel = "PERCENT",
            defaultValue = "10",
            description = "Rewrite packs with more than this share of unused bytes. Default: ${DEFAULT-VALUE}%%.")
    double repackThreshold;

    @Override
    public Integer call() throws Exception {
        if (repackThreshold < 0 || repackThreshold > 100) {
            throw new LifeboatException(Kind.USAGE, "--repack-threshold must be within 0..100", "Give a percentage.");
        }
        PruneResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.prune(new PruneRequest(repackThreshold, dryRun), OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) print(System.out, r);
        return ExitCode.OK;
    }

    static void print(PrintStream o, PruneResult r) {
        String verb = r.dryRun() ? "would " : "";
        o.printf(
                "prune%s: %sdelete %d pack%s, %srewrite %d (%d new), drop %d unused blob%s, free %s%n",
                r.dryRun() ? " (dry run)" : "",
                verb,
                r.packsDeleted(),
                r.packsDeleted() == 1 ? "" : "s",
                verb,
                r.packsRepacked(),
                r.packsWritten(),
                r.blobsRemoved(),
                r.blobsRemoved() == 1 ? "" : "s",
                Units.bytes(Math.max(0, r.bytesFreed())));
    }
}
