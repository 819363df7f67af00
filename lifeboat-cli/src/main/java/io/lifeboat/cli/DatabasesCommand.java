package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.DatabasesResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat databases}: what Lifeboat sees of an instance. */
@Command(
        name = "databases",
        description = {
            "List the Odoo databases of an instance as Odoo lists them.",
            "Applies list_db, db_name and dbfilter as Odoo does, and shows each database's data_dir and "
                    + "filestore paths."
        })
final class DatabasesCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(names = "--host", paramLabel = "HTTP_HOST", description = "HTTP host name for dbfilter's %%h and %%d.")
    String httpHost;

    @Override
    public Integer call() {
        DatabasesResult result;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.databases(new DatabasesRequest(httpHost), OutputOptions.observer(progress));
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else {
            System.err.printf("server %s, data_dir %s%n", result.connection(), result.dataDir());
            result.databases().forEach((d, filestore) -> System.out.printf("%s\t%s%n", d, filestore));
        }
        return ExitCode.OK;
    }
}
