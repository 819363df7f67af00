package io.lifeboat.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cluster's WAL: {@code --system-id}, or the data directory whose pg_control names it. */
final class WalClusterOptions {
    @Option(
            names = "--system-id",
            paramLabel = "N",
            description = "The cluster's database system identifier (pg_controldata prints it); default: read from"
                    + " --pgdata.")
    String systemId;

    @Option(
            names = "--pgdata",
            paramLabel = "DIR",
            description = "The cluster's data directory; default: the working directory, as PostgreSQL runs"
                    + " archive_command and restore_command there.")
    Path pgdata;
}
