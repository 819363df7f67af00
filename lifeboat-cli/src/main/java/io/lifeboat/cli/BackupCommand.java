package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.BackupAllRequest;
import io.lifeboat.api.BackupAllResult;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.BucketFilestore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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

    @Mixin
    BucketOptions bucket;

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
        if (all) {
            if (bucket.filestore() != null) {
                throw new LifeboatException(
                        LifeboatException.Kind.USAGE,
                        "--all and --bucket exclude each other",
                        "Back up the database whose files are in the bucket with -d NAME --bucket LOCATION.");
            }
            return backupAll();
        }
        boolean zip = zip();
        BackupRequest.Filestore mode = zip ? parseMode(filestore) : BackupRequest.Filestore.NONE;
        BackupRequest request;
        if (repository.given() && (output == null || repository.givenOnCommandLine())) {
            if (output != null) {
                throw new LifeboatException(
                        LifeboatException.Kind.USAGE,
                        "-o and --repo exclude each other",
                        "Write either a file or a snapshot.");
            }
            request = new BackupRequest(
                    database,
                    BackupRequest.Target.SNAPSHOT,
                    null,
                    null,
                    mode,
                    strict,
                    level,
                    !noVerify,
                    kind,
                    snapshotMeta.named(),
                    snapshotMeta.tags());
        } else {
            boolean toStdout = "-".equals(output);
            if (toStdout && out.json()) {
                throw new LifeboatException(
                        LifeboatException.Kind.USAGE,
                        "--json and -o - both want standard output",
                        "Write the backup to a file.");
            }
            request = new BackupRequest(
                    database,
                    zip ? BackupRequest.Target.ZIP : BackupRequest.Target.DUMP,
                    output == null || toStdout ? null : Path.of(output),
                    toStdout ? Terminal.rawOut() : null,
                    mode,
                    strict,
                    level,
                    !noVerify,
                    null,
                    null,
                    null);
        }
        BucketFilestore objects = bucket.filestore();
        if (objects != null) request = request.withBucket(objects);
        BackupResult result;
        // a backup to a file needs no repository settings
        RepositoryOptions repo = request.target() == BackupRequest.Target.SNAPSHOT ? repository : null;
        try (Lifeboat lifeboat = Facades.open(instance, repo);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.backup(request, OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) {
            printSummary(result);
            if (result.written() != null) printWritten(result);
        }
        return result.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    /** Whether --format asks for a zip (else a custom-format dump). */
    private boolean zip() {
        return switch (format) {
            case "zip" -> true;
            case "dump" -> false;
            default ->
                throw new LifeboatException(
                        LifeboatException.Kind.USAGE, "unknown format: " + format, "Use zip or dump.");
        };
    }

    /** --all: every database the instance lists, into the directory -o names; goes on after failures. */
    private int backupAll() throws Exception {
        if (database != null) {
            throw new LifeboatException(LifeboatException.Kind.USAGE, "--all and -d exclude each other", null);
        }
        if (output == null || output.equals("-")) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "--all needs a directory",
                    "Name the directory for the backups with -o DIR.");
        }
        if (repository.givenOnCommandLine()) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE, "--all and --repo exclude each other", "Back up one database.");
        }
        Path dir = Path.of(output);
        if (!Files.isDirectory(dir)) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "no such directory: " + dir,
                    "Create it first, or name an existing one with -o.");
        }
        boolean zip = zip();
        BackupRequest.Filestore mode = zip ? parseMode(filestore) : BackupRequest.Filestore.NONE;
        BackupRequest options = new BackupRequest(
                null,
                zip ? BackupRequest.Target.ZIP : BackupRequest.Target.DUMP,
                null,
                null,
                mode,
                strict,
                level,
                !noVerify,
                null,
                null,
                null);
        BackupAllResult result;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.backupAll(
                    new BackupAllRequest(dir, options, entry -> {
                        // each backup's phases end before its summary, as a backup of its own
                        progress.close();
                        if (entry.ok()) {
                            if (out.human()) printSummary(entry.report());
                        } else {
                            Main.log()
                                    .fileOnly("error: backup of " + entry.database() + ": "
                                            + entry.error().message());
                            if (!out.json()) {
                                System.err.printf(
                                        "lifeboat: backup of %s failed: %s%n",
                                        entry.database(), entry.error().message());
                            }
                        }
                    }),
                    OutputOptions.observer(progress));
        }
        int failed = result.failed();
        int total = result.databases().size();
        if (out.json()) {
            OutputOptions.printJson(System.out, result);
        } else if (out.human()) {
            System.err.printf("backed up %d of %d databases into %s%n", total - failed, total, dir);
        }
        return failed > 0 ? ExitCode.FAILED : result.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    static BackupRequest.Filestore parseMode(String s) {
        try {
            return BackupRequest.Filestore.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE, "unknown --filestore mode: " + s, "Use referenced, all or none.");
        }
    }

    private static void printSummary(BackupResult r) {
        var err = System.err;
        err.printf("backup of %s written to %s%n", r.database(), r.target());
        err.printf("  database dump  %s in %.1f s%n", Units.bytes(r.dumpBytes()), r.dumpMillis() / 1000.0);
        err.printf(
                "  filestore      %d files, %s (%s mode)%n", r.files(), Units.bytes(r.fileBytes()), r.filestoreMode());
        if (r.missingFiles() + r.corruptFiles() + r.unsafeNames() > 0) {
            err.printf(
                    "  problems       %d missing, %d corrupt, %d unsafe names; attachment ids %s%n",
                    r.missingFiles(), r.corruptFiles(), r.unsafeNames(), r.affectedAttachmentIds());
        }
        err.printf("  total          %.1f s%n", r.totalMillis() / 1000.0);
    }

    /** What a snapshot added to the repository. */
    private static void printWritten(BackupResult r) {
        BackupResult.Written w = r.written();
        long logical = r.dumpBytes() + r.fileBytes();
        System.err.printf("  snapshot       %s%n", r.snapshot().substring(0, 8));
        System.err.printf(
                "  new data       %s of %s (%.1f%%), %s written in %d pack%s%s%n",
                Units.bytes(w.bytesNew()),
                Units.bytes(logical),
                100.0 * w.bytesNew() / Math.max(1, logical),
                Units.bytes(w.storedBytes()),
                w.packs(),
                w.packs() == 1 ? "" : "s",
                w.adoptedPacks() > 0 ? ", reused " + w.adoptedPacks() + " packs of an interrupted backup" : "");
    }
}
