package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.WalArchiverRequest;
import io.lifeboat.api.WalArchiverResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat wal archiver}: empties the WAL spool into the repository. */
@Command(
        name = "archiver",
        description = {
            "Move the WAL files lifeboat-wal-spool spooled into the repository; runs until stopped.",
            "With archive_command = '/usr/lib/lifeboat/lifeboat-wal-spool SPOOL %%p %%f' PostgreSQL gets its answer as"
                    + " soon as the file is flushed to the local spool; this resident process pushes each spooled file"
                    + " and deletes it from the spool only once the repository holds it durably. A file the repository"
                    + " refuses (a different file under an archived name, a segment of another cluster) is moved to"
                    + " SPOOL/rejected/ and counted as an alarm; storage failures are retried with back-off. Nothing is"
                    + " ever dropped. Works with the writer key.",
            "Exit codes: 0, or 3 when files were rejected."
        })
final class WalArchiverCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(
            names = "--spool",
            required = true,
            paramLabel = "DIR",
            description = "The spool lifeboat-wal-spool writes to.")
    Path spool;

    @Option(
            names = "--metrics-file",
            paramLabel = "FILE",
            description = "Rewrite FILE with Prometheus metrics after every pass (node exporter textfile collector):"
                    + " files waiting, archived, rejected, errors, time of the last archived file.")
    Path metricsFile;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            defaultValue = "2",
            description = "Files pushed at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
            names = "--poll",
            paramLabel = "MS",
            defaultValue = "200",
            description = "Milliseconds between looks at an empty spool (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--once", description = "One pass over the spool, then exit.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        WalArchiverResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.walArchiver(
                    new WalArchiverRequest(spool, metricsFile, parallel, Duration.ofMillis(pollMillis), once),
                    OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) {
            System.out.printf(
                    "archived %d, already archived %d, rejected %d, retried errors %d, waiting %d%n",
                    r.pushed(), r.alreadyArchived(), r.rejected(), r.errors(), r.waiting());
        }
        return r.rejected() > 0 ? ExitCode.WARNINGS : ExitCode.OK;
    }
}
