package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.backup.BackupEngine;
import io.lifeboat.backup.BackupReport;
import io.lifeboat.backup.FilestoreMode;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoozip.DumpFileSink;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.repository.SnapshotWriter;
import io.lifeboat.repository.WriteStats;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat backup}: a consistent backup of one Odoo database and its filestore. */
@Command(
        name = "backup",
        description = {
            "Back up an Odoo database and its filestore.",
            "The backup is an Odoo-standard zip (or a pg_dump custom-format file). The dump and the "
                    + "filestore come from one database snapshot; referenced files that are missing or whose "
                    + "SHA-1 does not match their name are reported (exit code 3) or, with --strict, fatal.",
            "With --repo (or $LIFEBOAT_REPO and no -o), the backup becomes a deduplicated, encrypted "
                    + "snapshot in a repository instead; a writer key suffices."
        })
final class BackupCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    SnapshotMetaOptions snapshotMeta;

    @Option(
            names = "--kind",
            defaultValue = "manual",
            description = "Snapshot kind with --repo: manual, scheduled or pre-restore. Default: ${DEFAULT-VALUE}.")
    String kind;

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
            defaultValue = "3",
            description = "Deflate level 1-9 for compressible entries. Default: ${DEFAULT-VALUE}.")
    int level;

    @Option(names = "--no-verify", description = "Skip re-reading the finished zip before it is renamed into place.")
    boolean noVerify;

    @Option(
            names = "--all",
            description = "Back up every Odoo database of the instance, one file each (<db>_<timestamp>.zip) into the"
                    + " directory -o names. Goes on after a failure; exit code 1 if any failed.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        if (all) return backupAll();
        var target = instance.resolve(database);
        boolean zip = zip();
        FilestoreMode mode = zip ? parseMode(filestore) : FilestoreMode.NONE;
        PgTools tools = instance.tools();
        if (repository.given() && (output == null || repository.givenOnCommandLine())) {
            if (output != null) {
                throw new LifeboatException(
                        Kind.USAGE, "-o and --repo exclude each other", "Write either a file or a snapshot.");
            }
            return toRepository(target, tools, mode);
        }
        String file = output != null ? output : defaultName(target.database(), zip);
        boolean toStdout = file.equals("-");
        if (toStdout && out.json()) {
            throw new LifeboatException(
                    Kind.USAGE, "--json and -o - both want standard output", "Write the backup to a file.");
        }
        BackupReport report = backup(target, tools, file, zip, mode);
        if (out.json()) OutputOptions.printJson(System.out, report);
        else if (out.human()) printSummary(report);
        return report.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    /** Whether --format asks for a zip (else a custom-format dump). */
    private boolean zip() {
        return switch (format) {
            case "zip" -> true;
            case "dump" -> false;
            default -> throw new LifeboatException(Kind.USAGE, "unknown format: " + format, "Use zip or dump.");
        };
    }

    /** {@code <db>_<local time>.zip} (or {@code .dump}). */
    private static String defaultName(String database, boolean zip) {
        return database + "_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"))
                + (zip ? ".zip" : ".dump");
    }

    /** --all: every database the instance lists, into the directory -o names; goes on after failures. */
    private int backupAll() throws Exception {
        if (database != null) throw new LifeboatException(Kind.USAGE, "--all and -d exclude each other", null);
        if (output == null || output.equals("-")) {
            throw new LifeboatException(
                    Kind.USAGE, "--all needs a directory", "Name the directory for the backups with -o DIR.");
        }
        if (repository.givenOnCommandLine()) {
            throw new LifeboatException(Kind.USAGE, "--all and --repo exclude each other", "Back up one database.");
        }
        Path dir = Path.of(output);
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new LifeboatException(
                    Kind.USAGE, "no such directory: " + dir, "Create it first, or name an existing one with -o.");
        }
        boolean zip = zip();
        FilestoreMode mode = zip ? parseMode(filestore) : FilestoreMode.NONE;
        var inst = instance.instance();
        List<String> dbs = io.lifeboat.odoo.DatabaseLister.list(
                inst.connection(), io.lifeboat.odoo.DatabaseLister.Options.of(inst), null);
        if (dbs.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE, "no Odoo database found on " + inst.connection(), "Check the instance settings.");
        }
        PgTools tools = instance.tools();
        List<Map<String, Object>> results = new ArrayList<>();
        int failed = 0;
        boolean warnings = false;
        for (String db : dbs) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("database", db);
            try {
                BackupReport report = backup(
                        instance.resolve(db),
                        tools,
                        dir.resolve(defaultName(db, zip)).toString(),
                        zip,
                        mode);
                warnings |= report.hasWarnings();
                r.put("ok", true);
                r.put("report", report);
                if (out.human()) printSummary(report);
            } catch (LifeboatException e) {
                failed++;
                r.put("ok", false);
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("message", e.getMessage());
                error.put("hint", e.hint());
                r.put("error", error);
                Main.log().fileOnly("error: backup of " + db + ": " + e.getMessage());
                if (!out.json()) System.err.printf("lifeboat: backup of %s failed: %s%n", db, e.getMessage());
            }
            results.add(r);
        }
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("databases", results);
            json.put("failed", failed);
            OutputOptions.printJson(System.out, json);
        } else if (out.human()) {
            System.err.printf("backed up %d of %d databases into %s%n", dbs.size() - failed, dbs.size(), dir);
        }
        return failed > 0 ? ExitCode.FAILED : warnings ? ExitCode.WARNINGS : ExitCode.OK;
    }

    /** One backup of {@code target} to {@code file} (or - for standard output). */
    private BackupReport backup(
            InstanceOptions.ResolvedInstance target, PgTools tools, String file, boolean zip, FilestoreMode mode)
            throws Exception {
        if (mode != FilestoreMode.NONE) instance.requireFilestore(target);
        boolean toStdout = file.equals("-");
        ZipOptions zipOptions = ZipOptions.defaults().withLevel(level);
        CaptureSink sink = zip
                ? (toStdout
                        ? ZipCaptureSink.toStream(Terminal.rawOut(), zipOptions)
                        : ZipCaptureSink.toFile(Path.of(file), zipOptions, !noVerify))
                : (toStdout ? DumpFileSink.toStream(Terminal.rawOut()) : DumpFileSink.toFile(Path.of(file)));
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
        return report;
    }

    /** The same capture, into a repository snapshot (custom-format dump, uncompressed so it deduplicates). */
    private int toRepository(InstanceOptions.ResolvedInstance target, PgTools tools, FilestoreMode mode)
            throws Exception {
        SnapshotKind k = SnapshotKind.parse(kind);
        if (k == SnapshotKind.IMPORT || k == SnapshotKind.BASE_BACKUP) {
            throw new LifeboatException(
                    Kind.USAGE, "--kind " + kind + " is not for backups", "Use manual, scheduled or pre-restore.");
        }
        if (mode != FilestoreMode.NONE) instance.requireFilestore(target);
        BackupReport report;
        WriteStats stats;
        long adopted;
        try (RepositoryOptions.Opened repo = repository.open(false);
                TerminalProgress progress = out.progress()) {
            SnapshotMeta meta = new SnapshotMeta(
                    snapshotMeta.instance(), target.database(), k, snapshotMeta.tags(), null, null, null, null);
            SnapshotWriter writer = repo.repo().newSnapshot(meta, progress);
            var engine = new BackupEngine(
                    new BackupEngine.Instance(
                            target.connection(),
                            target.database(),
                            target.filestore(),
                            tools.pgDump().path()),
                    new BackupEngine.Options(DumpFormat.CUSTOM, 0, mode, strict),
                    progress);
            report = engine.run(
                    writer,
                    (conn, db) -> OutputOptions.JSON.valueToTree(
                            OdooDatabaseInfo.read(conn).toManifest()));
            stats = writer.stats();
            adopted = writer.adoptedPacks();
        }
        report.snapshot = report.target;
        report.target = repository.displayLocation();
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("logicalBytes", stats.logicalBytes());
        written.put("bytesNew", stats.bytesNew());
        written.put("storedBytes", stats.storedBytes());
        written.put("blobs", stats.blobs());
        written.put("blobsNew", stats.blobsNew());
        written.put("packs", stats.packs());
        written.put("adoptedPacks", adopted);
        if (out.json()) {
            var json = OutputOptions.JSON.valueToTree(report);
            ((com.fasterxml.jackson.databind.node.ObjectNode) json)
                    .set("written", OutputOptions.JSON.valueToTree(written));
            OutputOptions.printJson(System.out, json);
        } else if (out.human()) {
            printSummary(report);
            System.err.printf("  snapshot       %s%n", report.snapshot.substring(0, 8));
            System.err.printf(
                    "  new data       %s of %s (%.1f%%), %s written in %d pack%s%s%n",
                    Units.bytes(stats.bytesNew()),
                    Units.bytes(report.dumpBytes + report.fileBytes),
                    100.0 * stats.bytesNew() / Math.max(1, report.dumpBytes + report.fileBytes),
                    Units.bytes(stats.storedBytes()),
                    stats.packs(),
                    stats.packs() == 1 ? "" : "s",
                    adopted > 0 ? ", reused " + adopted + " packs of an interrupted backup" : "");
        }
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
