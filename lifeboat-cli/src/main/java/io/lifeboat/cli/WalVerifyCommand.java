package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.WalVerifyRequest;
import io.lifeboat.api.WalVerifyResult;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat wal verify}: the archive's continuity and the recoverable windows. */
@Command(
        name = "verify",
        description = {
            "Show the WAL archive's continuity: per cluster and timeline the archived segments and the gaps, and the"
                    + " recoverable window of every base backup.",
            "A base backup can be recovered to any point from its end (its stop LSN) to the end of the last segment"
                    + " reachable from it without a gap. Works with the writer key.",
            "Exit codes: 0 no gap, 4 a gap in some timeline."
        })
final class WalVerifyCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(
            names = "--system-id",
            paramLabel = "N",
            description = "Only this cluster (default: every cluster archived).")
    String systemId;

    @Override
    public Integer call() throws Exception {
        WalVerifyResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            r = lifeboat.walVerify(new WalVerifyRequest(systemId));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (!out.quiet || r.hasGaps()) print(System.out, r);
        return r.hasGaps() ? ExitCode.PROBLEMS_FOUND : ExitCode.OK;
    }

    private static void print(PrintStream o, WalVerifyResult r) {
        if (r.systems().isEmpty()) o.println("no WAL archived yet");
        for (WalVerifyResult.ClusterArchive s : r.systems()) {
            o.printf("cluster %s%n", s.systemId());
            o.printf("  %-9s %-25s %-25s %9s  %s%n", "timeline", "first segment", "last segment", "segments", "gaps");
            for (WalVerifyResult.Timeline t : s.timelines()) {
                String gaps = t.gaps().isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                t.gaps().stream()
                                        .map(g -> g.from().equals(g.to()) ? g.from() : g.from() + "–" + g.to())
                                        .toList());
                o.printf(
                        "  %-9d %-25s %-25s %9d  %s%n",
                        t.timeline(),
                        t.first() == null ? "-" : t.first(),
                        t.last() == null ? "-" : t.last(),
                        t.segments(),
                        gaps);
            }
            if (s.baseBackups().isEmpty())
                o.println("  no base backup of this cluster: take one with 'lifeboat basebackup'");
            for (WalVerifyResult.Window w : s.baseBackups()) {
                o.printf(
                        "  base backup %s (%s, timeline %d): recoverable from %s to %s%s%n",
                        w.snapshot().substring(0, 8),
                        w.time(),
                        w.timeline(),
                        w.from(),
                        w.to(),
                        w.lastSegment() == null
                                ? " (its stop segment " + w.gapAfter() + " is not archived yet)"
                                : w.gapAfter() != null ? " (gap at " + w.gapAfter() + ")" : "");
            }
        }
    }
}
