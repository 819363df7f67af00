package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.VerifyRequest;
import io.lifeboat.api.VerifyResult;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat verify}: checks a repository's structure and, optionally, its data. */
@Command(
        name = "verify",
        description = {
            "Check a repository's structure and, with --read-data, its data.",
            "Every key, index, snapshot record and tree must decrypt and authenticate, every blob a "
                    + "snapshot needs must be indexed, every indexed pack must exist. --read-data also reads "
                    + "every pack (or a subset), checks its hash, decrypts every blob and re-computes its id. "
                    + "Damage is named by object, and by the snapshots and files it affects.",
            "Exit codes: 0 intact, 4 damage found. Needs the secret key."
        })
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @ArgGroup(exclusive = true)
    Data data = new Data();

    static final class Data {
        @Option(names = "--read-data", description = "Read and check all data.")
        boolean all;

        @Option(
                names = "--read-data-subset",
                paramLabel = "n/m|x%",
                description = "Read part of the data: n/m (packs in slice n of m, e.g. 1/7 on Mondays), x%% or a"
                        + " fraction (packs chosen at random).")
        String subset;
    }

    @Override
    public Integer call() throws Exception {
        VerifyRequest request = new VerifyRequest(data.all, data.subset);
        VerifyResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.verify(request, OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (!out.quiet || !r.ok()) print(System.out, r, request.readsData());
        return r.ok() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
    }

    private static void print(PrintStream o, VerifyResult r, boolean readData) {
        o.printf(
                "checked %d snapshot%s, %d pack%s%s%n",
                r.snapshotsChecked(),
                r.snapshotsChecked() == 1 ? "" : "s",
                r.packsChecked(),
                r.packsChecked() == 1 ? "" : "s",
                readData
                        ? String.format(
                                ", read %d pack%s and %d blobs",
                                r.packsRead(), r.packsRead() == 1 ? "" : "s", r.blobsChecked())
                        : "");
        if (!r.unindexedPacks().isEmpty()) {
            o.printf(
                    "%d pack%s left by interrupted backups (reused by the next backup, or removed by prune)%n",
                    r.unindexedPacks().size(), r.unindexedPacks().size() == 1 ? "" : "s");
        }
        if (r.ok()) {
            o.println("no problems found");
            return;
        }
        o.printf("%d problem%s:%n", r.problems().size(), r.problems().size() == 1 ? "" : "s");
        for (VerifyResult.Problem p : r.problems()) {
            o.printf(
                    "  %s%s: %s%n",
                    p.object(), p.blob() == null ? "" : " blob " + p.blob().substring(0, 12), p.message());
        }
        o.printf("%d snapshot%s affected:%n", r.affected().size(), r.affected().size() == 1 ? "" : "s");
        for (VerifyResult.Affected a : r.affected()) {
            o.printf(
                    "  %s  %s  %s/%s%s%n",
                    a.snapshotId().substring(0, Math.min(8, a.snapshotId().length())),
                    a.time() == null
                            ? "?"
                            : SnapshotsCommand.TIME.format(a.time().atZone(ZoneId.systemDefault())),
                    a.instance(),
                    a.database(),
                    a.whole() ? ": unreadable as a whole" : ":");
            for (String f : a.files()) o.printf("      %s%n", f);
        }
    }
}
