package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.ImportRequest;
import io.lifeboat.api.ImportResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat import}: existing backups into a repository, one snapshot each. */
@Command(
        name = "import",
        description = {
            "Store existing Odoo backups in a repository as snapshots.",
            "Deduplicated; accepts Odoo zips (from Odoo, Odoo.sh, click-odoo or Lifeboat), pg_dump "
                    + "custom-format files and plain SQL dumps. Each becomes a snapshot of kind import, dated by "
                    + "the file's modification time unless --time is given. Filestore files whose content does "
                    + "not match their name are left out and reported (exit code 3). Works with a writer key."
        })
final class ImportCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Mixin
    SnapshotMetaOptions snapshotMeta;

    @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Backup files to import.")
    List<Path> archives;

    @Option(
            names = {"-d", "--database"},
            description = "Database name to record (default: db_name from the manifest, else the file name).")
    String database;

    @Option(
            names = "--time",
            paramLabel = "INSTANT",
            description = "Snapshot time, e.g. 2025-01-31T02:00:00Z (default: the file's modification time).")
    Instant time;

    @Override
    public Integer call() throws Exception {
        ImportRequest request = new ImportRequest(
                archives,
                snapshotMeta.instance(),
                database,
                snapshotMeta.tags(),
                time,
                out.human() ? ImportCommand::print : null);
        ImportResult result;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.importArchives(request, OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        return result.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    /** The summary of one archive, as soon as it is imported. */
    private static void print(ImportResult.Imported r) {
        var s = r.stats();
        System.err.printf(
                "imported %s as snapshot %s (%s, %s)%n",
                r.archive(), r.snapshotId().substring(0, 8), r.database(), r.time());
        System.err.printf(
                "  dump           %s (%s)%n",
                Units.bytes(r.dumpBytes()), r.dumpFormat().toLowerCase(Locale.ROOT));
        System.err.printf(
                "  filestore      %d files, %s%s%n",
                r.files(),
                Units.bytes(r.fileBytes()),
                r.skippedFiles() > 0 ? ", " + r.skippedFiles() + " left out (content does not match name)" : "");
        System.err.printf(
                "  new data       %s of %s, %s written%n",
                Units.bytes(s.bytesNew()), Units.bytes(r.dumpBytes() + r.fileBytes()), Units.bytes(s.storedBytes()));
    }
}
