package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.ExportRequest;
import io.lifeboat.api.ExportResult;
import io.lifeboat.api.SnapshotRecord;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat export}: a repository snapshot as an Odoo-standard zip. */
@Command(
        name = "export",
        description = {
            "Write a repository snapshot as an Odoo-standard backup zip.",
            "The zip (dump.sql, filestore/, manifest.json) is what Odoo's database manager, odoo-bin db "
                    + "load and lifeboat restore accept. The dump is converted to plain SQL with the newest local "
                    + "pg_restore (no database server needed). Streams to a file or to standard output; a file "
                    + "appears only complete and verified. Needs the secret key."
        })
final class ExportCommand implements Callable<Integer> {

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = SnapshotsCommand.REF_HELP)
    String snapshot;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Output zip, or - for standard output (default: <db>_<snapshot time>.zip).")
    String output;

    @Option(
            names = "--level",
            defaultValue = "3",
            description = "Deflate level 1-9 for compressible entries. Default: ${DEFAULT-VALUE}.")
    int level;

    @Option(names = "--no-verify", description = "Skip re-reading the finished zip before it is renamed into place.")
    boolean noVerify;

    @Option(
            names = {"-j", "--jobs"},
            defaultValue = "2",
            description = "Files fetched from the repository in parallel. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory holding pg_restore.")
    Path pgBin;

    @Override
    public Integer call() throws Exception {
        if ("-".equals(output) && out.json()) {
            throw new LifeboatException(
                    Kind.USAGE, "--json and -o - both want standard output", "Write the export to a file.");
        }
        boolean toStdout = "-".equals(output);
        ExportRequest request = new ExportRequest(
                snapshot,
                output == null || toStdout ? null : Path.of(output),
                toStdout ? Terminal.rawOut() : null,
                level,
                !noVerify,
                jobs,
                pgBin);
        ExportResult result;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.export(request, OutputOptions.observer(progress));
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else if (out.human()) {
            SnapshotRecord info = result.snapshot();
            System.err.printf(
                    "exported snapshot %s (%s/%s, %s) to %s%n",
                    info.shortId(),
                    info.instance(),
                    info.database(),
                    SnapshotsCommand.time(info.time()),
                    result.target());
            System.err.printf(
                    "  dump.sql       %s%s%n",
                    Units.bytes(result.dumpBytes()),
                    "PLAIN".equals(result.sourceFormat())
                            ? ""
                            : " (converted from " + result.sourceFormat().toLowerCase(Locale.ROOT) + " format)");
            System.err.printf("  filestore      %d files, %s%n", result.files(), Units.bytes(result.fileBytes()));
            System.err.printf("  total          %.1f s%n", result.millis() / 1000.0);
        }
        return ExitCode.OK;
    }
}
