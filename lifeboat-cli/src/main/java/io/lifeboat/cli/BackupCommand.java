package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.archive.ZipOptions;
import io.lifeboat.backup.BackupEngine;
import io.lifeboat.backup.BackupReport;
import io.lifeboat.backup.CaptureSink;
import io.lifeboat.backup.DumpFileSink;
import io.lifeboat.backup.DumpFormat;
import io.lifeboat.backup.FilestoreMode;
import io.lifeboat.backup.ZipCaptureSink;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.postgres.PgTools;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat backup}: a consistent backup of one Odoo database and its filestore. */
@Command(
        name = "backup",
        description = {
            "Back up an Odoo database and its filestore as an Odoo-standard zip (or a pg_dump custom-format file).",
            "The dump and the filestore come from one database snapshot; referenced files that are missing or",
            "whose SHA-1 does not match their name are reported (exit code 3) or, with --strict, fatal."
        })
final class BackupCommand implements Callable<Integer> {

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-d", "--database"},
            description = "Database to back up (default: the only one).")
    String database;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Output file, or - for standard output (default: <db>_<timestamp>.zip or .dump).")
    String output;

    @Option(
            names = "--format",
            defaultValue = "zip",
            description =
                    "zip (Odoo's dump.sql + filestore + manifest.json) or dump (pg_dump custom format, no filestore). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--filestore",
            defaultValue = "referenced",
            description =
                    "referenced (exactly the files the database references, the default), all (the whole directory, as Odoo copies it) or none.")
    String filestore;

    @Option(names = "--strict", description = "Fail when a referenced file is missing, corrupt or unsafely named.")
    boolean strict;

    @Option(
            names = "--level",
            defaultValue = "6",
            description = "Deflate level 1-9 for compressible entries. Default: ${DEFAULT-VALUE}.")
    int level;

    @Option(names = "--no-verify", description = "Skip re-reading the finished zip before it is renamed into place.")
    boolean noVerify;

    @Override
    public Integer call() throws Exception {
        var target = instance.resolve(database);
        boolean zip = switch (format) {
            case "zip" -> true;
            case "dump" -> false;
            default -> throw new LifeboatException(Kind.USAGE, "unknown format: " + format, "Use zip or dump.");
        };
        FilestoreMode mode = zip ? parseMode(filestore) : FilestoreMode.NONE;
        PgTools tools = instance.tools();
        String file = output != null
                ? output
                : target.database() + "_"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"))
                        + (zip ? ".zip" : ".dump");
        boolean toStdout = file.equals("-");
        if (toStdout && out.json()) {
            throw new LifeboatException(
                    Kind.USAGE, "--json and -o - both want standard output", "Write the backup to a file.");
        }
        ZipOptions zipOptions = ZipOptions.defaults().withLevel(level);
        CaptureSink sink = zip
                ? (toStdout
                        ? ZipCaptureSink.toStream(System.out, zipOptions)
                        : ZipCaptureSink.toFile(Path.of(file), zipOptions, !noVerify))
                : (toStdout ? DumpFileSink.toStream(System.out) : DumpFileSink.toFile(Path.of(file)));
        BackupReport report;
        try (TerminalProgress progress = out.progress()) {
            var engine = new BackupEngine(
                    new BackupEngine.Instance(
                            target.connection(),
                            target.database(),
                            target.filestore(),
                            tools.pgDump().path()),
                    new BackupEngine.Options(zip ? DumpFormat.PLAIN : DumpFormat.CUSTOM, -1, mode, strict),
                    progress);
            report = engine.run(
                    sink,
                    (conn, db) -> OutputOptions.JSON.valueToTree(
                            OdooDatabaseInfo.read(conn).toManifest()));
        }
        if (out.json()) OutputOptions.printJson(System.out, report);
        else if (out.human()) printSummary(report);
        return report.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    static FilestoreMode parseMode(String s) {
        try {
            return FilestoreMode.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(Kind.USAGE, "unknown --filestore mode: " + s, "Use referenced, all or none.");
        }
    }

    private static void printSummary(BackupReport r) {
        var err = System.err;
        err.printf("backup of %s written to %s%n", r.database, r.target);
        err.printf("  database dump  %s in %.1f s%n", Units.bytes(r.dumpBytes), r.dumpMillis / 1000.0);
        err.printf("  filestore      %d files, %s (%s mode)%n", r.files, Units.bytes(r.fileBytes), r.filestoreMode);
        if (r.missingFiles + r.corruptFiles + r.unsafeNames > 0) {
            err.printf(
                    "  problems       %d missing, %d corrupt, %d unsafe names; attachment ids %s%n",
                    r.missingFiles, r.corruptFiles, r.unsafeNames, r.affectedAttachmentIds);
        }
        err.printf("  total          %.1f s%n", r.totalMillis / 1000.0);
    }
}
