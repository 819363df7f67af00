package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.WalGetRequest;
import io.lifeboat.api.WalGetResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lifeboat wal get}: a restore_command. */
@Command(
        name = "get",
        description = {
            "Fetch one archived WAL file from the repository (a restore_command).",
            "restore_command = 'lifeboat wal get --stanza NAME %%f %%p'. The file is authenticated and checked before it"
                    + " is written (under a temporary name, then renamed). Exit 2 when it is not archived, which"
                    + " PostgreSQL reads as the end of the archive. 'lifeboat recover' does not need it: it fetches"
                    + " WAL ahead of replay itself. Needs the secret key."
        })
final class WalGetCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file's name (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p).")
    Path destination;

    @Mixin
    WalClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        WalGetResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            r = lifeboat.walGet(new WalGetRequest(name, destination, cluster.systemId, cluster.pgdata));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) System.out.printf("fetched %s (%s)%n", r.name(), Units.bytes(r.bytes()));
        return ExitCode.OK;
    }
}
