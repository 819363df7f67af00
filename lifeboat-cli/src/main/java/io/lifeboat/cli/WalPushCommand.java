package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.WalPushRequest;
import io.lifeboat.api.WalPushResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat wal push}: a synchronous archive_command. */
@Command(
        name = "push",
        description = {
            "Archive one WAL file into the repository (a synchronous archive_command).",
            "archive_command = 'lifeboat wal push --stanza NAME %%p'. Returns 0 only once the file is durable in the"
                    + " repository; pushing the same file again succeeds, a different file under an archived name is"
                    + " refused (exit 5). The cluster's system identifier is read from global/pg_control in the"
                    + " working directory (PostgreSQL runs archive_command in the data directory). Works with the"
                    + " writer key. Starting a JVM per file takes a few hundred milliseconds: for busy clusters use"
                    + " lifeboat-wal-spool with 'lifeboat wal archiver' (docs/pitr.md)."
        })
final class WalPushCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Parameters(index = "0", paramLabel = "FILE", description = "The WAL file (%%p).")
    Path file;

    @Option(names = "--name", paramLabel = "NAME", description = "Its name (%%f); default: the file's name.")
    String name;

    @Mixin
    WalClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        WalPushResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            r = lifeboat.walPush(new WalPushRequest(file, name, cluster.systemId, cluster.pgdata));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) System.out.printf("%s %s (%s)%n", r.outcome(), r.name(), Units.bytes(r.bytes()));
        return ExitCode.OK;
    }
}
