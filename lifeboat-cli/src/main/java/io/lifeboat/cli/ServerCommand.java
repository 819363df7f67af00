package io.lifeboat.cli;

import io.lifeboat.server.ServerConfig;
import io.lifeboat.server.ServerMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lifeboat server}: the REST API, scheduled jobs and worker of one machine. */
@Command(
        name = "server",
        description = {
            "Run the Lifeboat server: the REST API under /api/v1, live progress, scheduled backups, retention, checks"
                    + " and restores, with permissions and an audit log. Several servers share the work when their"
                    + " catalog is one PostgreSQL database. See docs/server.md.",
            "",
            "It runs until stopped (Ctrl-C or SIGTERM); a job running then is failed cleanly at the next start."
        })
final class ServerCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            required = true,
            description = "The server configuration file (YAML), validated before anything starts.")
    Path config;

    @Option(names = "--check", description = "Only validate the configuration file and print it, secrets hidden.")
    boolean check;

    @Override
    public Integer call() throws InterruptedException {
        if (check) {
            System.out.println("valid: " + ServerConfig.load(config));
            return ExitCode.OK;
        }
        ServerMain.run(config, System.out);
        return ExitCode.OK;
    }
}
