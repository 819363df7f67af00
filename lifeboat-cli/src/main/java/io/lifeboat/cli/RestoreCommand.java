package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.restore.RestoreEngine;
import io.lifeboat.restore.RestoreReport;
import java.nio.file.Path;
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

    /** What a restore would do, for --dry-run. */
    record Plan(
            boolean dryRun,
            String source,
            String dumpFormat,
            String target,
            String mode,
            boolean copy,
            boolean neutralize,
            boolean replace,
            String replacesDatabase,
            String replacesFilestore,
            String refused) {}

    @Override
    public Integer call() throws Exception {
        if (database != null) InstanceOptions.checkDatabaseName(database);
        boolean fromStdin = backup.equals("-");
        if (fromStdin && repository.givenOnCommandLine()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "- (standard input) and --repo exclude each other",
                    "Restore either a backup from standard input or a snapshot of the repository.");
        }
        boolean fromRepo = !fromStdin
                && (repository.givenOnCommandLine()
                        || (repository.given() && !java.nio.file.Files.exists(Path.of(backup))));
        RestoreReport report;
        // The progress line starts before the repository is opened: reading a snapshot takes a while.
        try (TerminalProgress progress = out.progress();
                StdinSpool stdin = fromStdin
                        ? StdinSpool.copy(System.in, instance.instance().dataDir(), progress)
                        : null) {
            if (fromRepo) progress.phase("reading snapshot", -1, "");
            try (RepositoryOptions.Opened repo = fromRepo ? repository.open(true) : null;
                    RestoreSource source = fromRepo
                            ? repo.repo().openSnapshot(backup)
                            : fromStdin ? stdin.open() : DumpRestoreSource.open(Path.of(backup))) {
                String target = database != null
                        ? database
                        : source.manifest()
                                .map(m -> m.path("db_name").asText(null))
                                .orElseThrow(() -> new LifeboatException(
                                        Kind.USAGE,
                                        "the backup does not name its database",
                                        "Name the target database with -d."));
                DatabaseNames.check(target, Kind.USAGE, " in the backup's manifest", null);
                var inst = instance.instance();
                PgTools tools = instance.tools();
                var mode = part.dbOnly
                        ? RestoreEngine.Mode.DB_ONLY
                        : part.filestoreOnly ? RestoreEngine.Mode.FILESTORE_ONLY : RestoreEngine.Mode.FULL;
                if (dryRun) return printPlan(plan(source, target, mode, inst));
                report = new RestoreEngine(
                                RestoreEngine.Target.of(inst.connection(), inst.dataDir(), tools),
                                new RestoreEngine.Options(
                                        target,
                                        mode,
                                        copy,
                                        neutralize,
                                        instance.stanzaJobs("--jobs") != null ? instance.stanzaJobs("--jobs") : jobs,
                                        replace,
                                        strict,
                                        allowSuperuser,
                                        trustedDump,
                                        owner),
                                progress)
                        .neutralizeWith(inst.odooBin(), inst.odooBin() == null ? null : inst.configFile())
                        .run(source);
            }
        }
        if (out.json()) OutputOptions.printJson(System.out, report);
        else if (out.human()) printSummary(report);
        return report.warnings.isEmpty() ? ExitCode.OK : ExitCode.WARNINGS;
    }

    /** The plan, from the source and the server's and data_dir's current state; changes nothing. */
    private Plan plan(RestoreSource source, String target, RestoreEngine.Mode mode, io.lifeboat.odoo.OdooInstance inst)
            throws java.sql.SQLException {
        InstanceOptions.checkDatabaseName(target);
        boolean wantDb = mode != RestoreEngine.Mode.FILESTORE_ONLY;
        boolean wantFiles = mode != RestoreEngine.Mode.DB_ONLY;
        String sourceDb =
                source.manifest().map(m -> m.path("db_name").asText(null)).orElse(null);
        boolean asCopy = copy != null ? copy : sourceDb == null || !sourceDb.equals(target);
        boolean dbExists;
        try (java.sql.Connection c = inst.connection().open("postgres");
                var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, target);
            try (var rs = ps.executeQuery()) {
                dbExists = rs.next();
            }
        }
        Path dir = inst.filestore(target);
        boolean dirExists = java.nio.file.Files.exists(dir);
        String refused = null;
        if (wantDb && source.dumpFormat().isEmpty()) {
            refused = source.describe() + " holds no database dump";
        } else if (!replace && ((wantDb && dbExists) || (wantFiles && dirExists))) {
            refused = (wantDb && dbExists ? "database " + target : "filestore " + dir) + " already exists";
        }
        return new Plan(
                true,
                source.describe(),
                source.dumpFormat()
                        .map(f -> f.name().toLowerCase(java.util.Locale.ROOT))
                        .orElse(null),
                target,
                mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                asCopy,
                neutralize,
                replace,
                replace && wantDb && dbExists ? target : null,
                replace && wantFiles && dirExists ? dir.toString() : null,
                refused);
    }

    private int printPlan(Plan p) {
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
        return p.refused().endsWith("already exists") ? ExitCode.CONFLICT : ExitCode.FAILED;
    }

    private static void printSummary(RestoreReport r) {
        var err = System.err;
        err.printf(
                "restored %s into %s (%s%s%s)%n",
                r.source, r.target, r.mode, r.copy ? ", as a copy" : "", r.neutralized ? ", neutralized" : "");
        err.printf("  database       loaded in %.1f s%n", r.loadMillis / 1000.0);
        err.printf(
                "  filestore      %d files, %s in %.1f s%n",
                r.files, Units.bytes(r.fileBytes), r.filestoreMillis / 1000.0);
        var v = r.verification;
        err.printf(
                "  verification   base installed: %s, users: %d, referenced files present: %s%n",
                v.baseInstalled ? "yes" : "no",
                v.users,
                v.filesChecked ? v.presentFiles + "/" + v.referencedFiles : "not checked");
        for (String note : r.notes) err.printf("  note           %s%n", note);
        if (r.rollbackDatabase != null || r.rollbackFilestore != null) {
            List<String> parts = new ArrayList<>();
            if (r.rollbackDatabase != null) parts.add("database " + r.rollbackDatabase);
            if (r.rollbackFilestore != null) parts.add("filestore " + r.rollbackFilestore);
            err.printf("  rollback point %s (lifeboat rollback %s)%n", String.join(", ", parts), r.target);
        }
        err.printf("  total          %.1f s%n", r.totalMillis / 1000.0);
    }
}
