package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.StatsRequest;
import io.lifeboat.api.StatsResult;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat stats}: sizes and deduplication of a repository. */
@Command(
        name = "stats",
        description = {
            "Show a repository's sizes, deduplication and compression.",
            "Sizes: what restoring every snapshot would produce, the unique data stored, and what the "
                    + "backend holds; the deduplication and compression ratios. Works with a writer key."
        })
final class StatsCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Override
    public Integer call() throws Exception {
        StatsResult s;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            s = lifeboat.stats(new StatsRequest(), SnapshotsCommand.quiet());
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, s);
        } else if (out.human()) {
            var o = System.out;
            o.printf("repository %s at %s%n", s.repository().substring(0, 8), s.location());
            o.printf("  snapshots          %d%n", s.snapshots());
            o.printf("  logical size       %s (restoring every snapshot)%n", Units.bytes(s.logicalBytes()));
            o.printf(
                    "  unique data        %s in %d blobs (deduplication %s)%n",
                    Units.bytes(s.uniqueBytes()), s.blobs(), ratio(s.dedupRatio()));
            o.printf(
                    "  packs              %s in %d packs (compression %s)%n",
                    Units.bytes(s.packBytes()), s.packs(), ratio(s.compressionRatio()));
            o.printf("  stored in total    %s%n", Units.bytes(s.storedBytes()));
        }
        return ExitCode.OK;
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
