package io.lifeboat.cli;

import io.lifeboat.repository.RepositoryStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
        RepositoryStats s;
        String id;
        try (RepositoryOptions.Opened repo = repository.open(false)) {
            s = repo.repo().stats();
            id = repo.repo().id();
        }
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repository", id);
            m.put("location", repository.displayLocation());
            m.put("snapshots", s.snapshots());
            m.put("logicalBytes", s.logicalBytes());
            m.put("blobs", s.blobs());
            m.put("uniqueBytes", s.uniqueBytes());
            m.put("packs", s.packs());
            m.put("packBytes", s.packBytes());
            m.put("storedBytes", s.storedBytes());
            m.put("dedupRatio", s.dedupRatio());
            m.put("compressionRatio", s.compressionRatio());
            RepoJson.print(System.out, m);
        } else if (out.human()) {
            var o = System.out;
            o.printf("repository %s at %s%n", id.substring(0, 8), repository.displayLocation());
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
