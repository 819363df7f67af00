package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat restore}: restores a backup into a new database, or safely over an existing one. */
@Command(
        name = "restore",
        description = {
            "Restore an Odoo backup into a new database, or safely over an existing one.",
            "Accepts zips from Odoo, Odoo.sh, click-odoo or Lifeboat; pg_dump custom or directory "
                    + "format; plain dumps written by pg_dump. The dump is loaded as a throw-away role that "
                    + "owns nothing else (see docs/restore.md, 'Isolation'). Everything is restored aside and "
                    + "verified before it takes the target's name; with --replace the current database and "
                    + "filestore are kept as a rollback point.",
            "With --repo, BACKUP is a snapshot of that repository: an id (or a unique prefix of at least 4 "
                    + "digits), or latest:DATABASE / latest:INSTANCE/DATABASE for the newest snapshot of that "
                    + "database. Plain latest is refused when the repository holds more than one database: -d "
                    + "names the target only, never the snapshot's database. Restoring from a repository needs "
                    + "its secret key."
        })
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    BucketOptions bucket;

    @Parameters(
            index = "0",
            paramLabel = "BACKUP",
            description =
                    "Backup file or dump directory, or - to read a backup file from standard input; with --repo, a snapshot id or latest:[INSTANCE/]DATABASE.")
    String backup;

    @Option(
            names = {"-d", "--database"},
            description = "Target database (default: db_name from the backup's manifest).")
    String database;

    @Option(
            names = "--copy",
            negatable = true,
            description =
                    "Give the restored database a new identity (database.uuid, database.secret, database.create_date). Default: on when the target name differs from the backup's.")
    Boolean copy;

    @Option(
            names = "--neutralize",
            description =
                    "Neutralize the copy: scheduled actions off (except autovacuum), mail servers off, payment providers and carriers in test mode (see docs/restore.md).")
    boolean neutralize;

    @ArgGroup(exclusive = true)
    Part part = new Part();

    static final class Part {
        @Option(names = "--db-only", description = "Restore only the database.")
        boolean dbOnly;

        @Option(names = "--filestore-only", description = "Restore only the filestore.")
        boolean filestoreOnly;
    }

    @Option(
            names = {"-j", "--jobs"},
            defaultValue = "2",
            description = "Parallel jobs (pg_restore jobs; filestore workers). Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(
            names = "--replace",
            description =
                    "Replace an existing database/filestore: restore aside, verify, swap, keep the old one as a rollback point.")
    boolean replace;

    @Option(names = "--strict", description = "Fail (and change nothing) when referenced files are missing or corrupt.")
    boolean strict;

    @Option(names = "--allow-superuser", description = "Allow loading the dump as a superuser role.")
    boolean allowSuperuser;

    @Option(
            names = "--trusted-dump",
            description =
                    "Load the dump as the connecting role instead of a throw-away role that owns nothing else. Its SQL could then alter every database that role owns: only for backups you trust.")
    boolean trustedDump;

    @Option(
            names = "--owner",
            paramLabel = "ROLE",
            description =
                    "Role that owns the restored database. Default: the owner of the database being replaced, else the connecting role.")
    String owner;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Print the plan (source, target, mode, copy, neutralization, what would be replaced) and"
                    + " change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (database != null) InstanceOptions.checkDatabaseName(database);
        BackupSource from = BackupSource.of(backup, repository, "Restore");
        RestoreRequest.Source source = from.source();
        boolean fromRepo = from.fromRepository();
        RestoreRequest.Mode mode = part.dbOnly
                ? RestoreRequest.Mode.DB_ONLY
                : part.filestoreOnly ? RestoreRequest.Mode.FILESTORE_ONLY : RestoreRequest.Mode.FULL;
        Integer stanzaJobs = instance.stanzaJobs("--jobs");
        RestoreRequest request = new RestoreRequest(
                source,
                database,
                mode,
                copy,
                neutralize,
                stanzaJobs != null ? stanzaJobs : jobs,
                replace,
                strict,
                allowSuperuser,
                trustedDump,
                owner,
                dryRun,
                bucket.filestore());
        RestoreResult result;
        try (Lifeboat lifeboat = Facades.open(instance, fromRepo ? repository : null);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.restore(request, OutputOptions.observer(progress));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (result.dryRun()) return printPlan(result.plan());
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) printSummary(result.restored());
        return result.warnings().isEmpty() ? ExitCode.OK : ExitCode.WARNINGS;
    }

    private int printPlan(RestoreResult.Plan p) {
        if (out.json()) {
            OutputOptions.printJson(System.out, p);
        } else if (out.human()) {
            var err = System.err;
            err.printf("dry run: restore %s into %s; nothing was changed%n", p.source(), p.target());
            err.printf(
                    "  mode           %s%s%n",
                    p.mode(), p.dumpFormat() == null ? "" : " (" + p.dumpFormat() + " dump)");
            err.printf(
                    "  identity       %s%s%n",
                    p.copy() ? "a copy (new database.uuid and secret)" : "the backup's own",
                    p.neutralize() ? ", neutralized" : "");
            if (p.replacesDatabase() != null || p.replacesFilestore() != null) {
                err.printf(
                        "  replaces       %s%s (kept as a rollback point)%n",
                        p.replacesDatabase() == null ? "" : "database " + p.replacesDatabase(),
                        p.replacesFilestore() == null
                                ? ""
                                : (p.replacesDatabase() == null ? "" : " and ") + "filestore " + p.replacesFilestore());
            } else if (p.refused() == null) {
                err.printf("  replaces       nothing (the target does not exist)%n");
            }
            if (p.refused() != null) err.printf("  would refuse   %s%n", p.refused());
        }
        if (p.refused() == null) return ExitCode.OK;
        return p.refusal() == Kind.CONFLICT ? ExitCode.CONFLICT : ExitCode.FAILED;
    }

    private static void printSummary(RestoreResult.Restored r) {
        var err = System.err;
        err.printf(
                "restored %s into %s (%s%s%s)%n",
                r.source(),
                r.target(),
                r.mode(),
                r.copy() ? ", as a copy" : "",
                r.neutralized() ? ", neutralized" : "");
        err.printf("  database       loaded in %.1f s%n", r.loadMillis() / 1000.0);
        err.printf(
                "  filestore      %d files, %s in %.1f s%n",
                r.files(), Units.bytes(r.fileBytes()), r.filestoreMillis() / 1000.0);
        var v = r.verification();
        err.printf(
                "  verification   base installed: %s, users: %d, referenced files present: %s%n",
                v.baseInstalled() ? "yes" : "no",
                v.users(),
                v.filesChecked() ? v.presentFiles() + "/" + v.referencedFiles() : "not checked");
        for (String note : r.notes()) err.printf("  note           %s%n", note);
        if (r.rollbackDatabase() != null || r.rollbackFilestore() != null) {
            List<String> parts = new ArrayList<>();
            if (r.rollbackDatabase() != null) parts.add("database " + r.rollbackDatabase());
            if (r.rollbackFilestore() != null) parts.add("filestore " + r.rollbackFilestore());
            err.printf("  rollback point %s (lifeboat rollback %s)%n", String.join(", ", parts), r.target());
        }
        err.printf("  total          %.1f s%n", r.totalMillis() / 1000.0);
    }
}
