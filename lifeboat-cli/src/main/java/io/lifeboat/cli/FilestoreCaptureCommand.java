package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.FilestoreCaptureRequest;
import io.lifeboat.api.FilestoreCaptureResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat filestore capture}: new filestore files into the repository, for point-in-time recovery. */
@Command(
        name = "capture",
        description = {
            "Store the filestore files written since the last capture in the repository, once or every --every"
                    + " seconds, so that a point-in-time side copy finds every file its database references.",
            "Odoo marks each file it writes in the filestore's checklist/ directory until its next garbage"
                    + " collection; each capture stores the marked files not captured before (their SHA-1s are kept in"
                    + " <data_dir>/lifeboat/filestore-captured-<database>.txt) as a small snapshot of the group"
                    + " <database>+files. A file whose content does not match its name is reported, not stored."
                    + " 'lifeboat recover --filestore-of DATABASE' places the files. Works with the writer key.",
            "Exit codes: 0, or 3 when files did not match their names."
        })
final class FilestoreCaptureCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    SnapshotMetaOptions meta;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "NAME",
            description = "The Odoo database (default: the only one, or db_name of odoo.conf).")
    String database;

    @Option(
            names = "--every",
            paramLabel = "SECONDS",
            description = "Capture again every SECONDS until stopped (60 keeps the filestore's RPO at a minute);"
                    + " default: once.")
    Long everySeconds;

    @Override
    public Integer call() throws Exception {
        FilestoreCaptureResult r;
        try (Lifeboat lifeboat = Facades.open(instance, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.filestoreCapture(
                    new FilestoreCaptureRequest(
                            database, meta.instance(), everySeconds == null ? null : Duration.ofSeconds(everySeconds)),
                    OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) {
            System.out.printf(
                    "captured %d new file%s (%s) of %s in %d snapshot%s%n",
                    r.files(),
                    r.files() == 1 ? "" : "s",
                    Units.bytes(r.bytes()),
                    r.database(),
                    r.snapshots().size(),
                    r.snapshots().size() == 1 ? "" : "s");
            for (String bad : r.corrupt())
                System.out.printf("  not captured (content does not match the name): %s%n", bad);
        }
        return r.corrupt().isEmpty() ? ExitCode.OK : ExitCode.WARNINGS;
    }
}
