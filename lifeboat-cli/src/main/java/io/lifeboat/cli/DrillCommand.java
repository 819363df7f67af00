package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.DrillRequest;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.PitrDrillRequest;
import io.lifeboat.api.RestoreRequest;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat drill}: proves a backup restores, in a scratch copy that is removed afterwards. */
@Command(
        name = "drill",
        description = {
            "Prove that a backup restores: restore it into a scratch database and filestore, verify it, measure RTO and RPO, and remove it.",
            "The copy is neutralized and checked: module base installed and users present, the row counts of the"
                    + " largest tables equal to those the dump holds, every referenced file present and hashed"
                    + " against its SHA-1 name (or a random sample with --sample-files), and with --probe-command"
                    + " an Odoo serving the copy answers over HTTP. The scratch copy is removed afterwards, after a"
                    + " failure or Ctrl-C too, unless --keep is given. Exit code 0 when the drill passed, 4 when it"
                    + " failed (see docs/drills.md).",
            "BACKUP is a backup file or dump directory, or - to read a backup file from standard input; with"
                    + " --repo, or with --snapshot, a snapshot of the repository: an id (or a unique prefix of at"
                    + " least 4 digits), latest, or latest:[INSTANCE/]DATABASE. Drilling a snapshot needs the"
                    + " repository's secret key.",
            "With --pitr, no BACKUP: a point-in-time drill recovers a side copy of the cluster from the newest"
                    + " base backup and the WAL archive at the newest point it holds (or --at TIME), verifies the"
                    + " Odoo database (--database) and its filestore placed from the repository, measures RTO and"
                    + " RPO (the age of the recovered point at the start), and stops and removes the side copy."
                    + " It needs the repository's secret key."
        })
final class DrillCommand implements Callable<Integer> {

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
            arity = "0..1",
            paramLabel = "BACKUP",
            description =
                    "Backup file or dump directory, or - for standard input; with --repo, a snapshot id or latest:[INSTANCE/]DATABASE.")
    String backup;

    @Option(
            names = "--snapshot",
            paramLabel = "REF",
            description =
                    "Drill this snapshot of the repository instead of a file: an id, latest or latest:[INSTANCE/]DATABASE.")
    String snapshot;

    @Option(
            names = "--scratch",
            paramLabel = "NAME",
            description = "The scratch database; it must not exist. Default: lifeboat_drill_<UTC time>_<4 hex digits>.")
    String scratch;

    @Option(
            names = "--tables",
            paramLabel = "N",
            defaultValue = "10",
            description = "Compare the row counts of the N largest tables with the dump's. Default: ${DEFAULT-VALUE}.")
    int tables;

    @Option(
            names = "--sample-files",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Check every file for presence and size, and hash only N of them chosen at random. Default: 0, hash every file.")
    long sampleFiles;

    @Option(
            names = "--probe-command",
            paramLabel = "CMD",
            description = "Start this command (an odoo-bin serving the copy) and poll --probe-url until it answers;"
                    + " split like a shell command line, or repeated once per argument. {database}, {port} and"
                    + " {data_dir} are replaced.")
    List<String> probeCommand;

    @Option(
            names = "--probe-url",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:{port}/web/login",
            description =
                    "The URL the probe polls; {port} is replaced. Any status below 400 passes. Default: ${DEFAULT-VALUE}.")
    String probeUrl;

    @Option(
            names = "--probe-timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "How long the probe waits for an answer. Default: ${DEFAULT-VALUE}.")
    long probeTimeout;

    @Option(
            names = "--pitr",
            description = "Drill point-in-time recovery instead of a backup: recover a side copy from the base"
                    + " backups and the WAL archive of the repository.")
    boolean pitr;

    @Option(
            names = "--at",
            paramLabel = "TIME",
            description = "With --pitr: recover to this time, with a zone (2026-12-01T10:31:00+01:00). Default:"
                    + " the newest point the archive holds.")
    String at;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "DB",
            description = "With --pitr: the Odoo database to verify in the side copy (default: the only one).")
    String database;

    @Option(
            names = "--directory",
            paramLabel = "DIR",
            description = "With --pitr: a new or empty directory for the side copy (default: a new one in the"
                    + " system's temporary directory).")
    Path directory;

    @Option(
            names = "--keep",
            description =
                    "Keep the scratch database and filestore (with --pitr: the running side copy) for inspection.")
    boolean keep;

    @Option(
            names = {"-j", "--jobs"},
            defaultValue = "2",
            description = "Parallel jobs (load, filestore, hashing). Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Override
    public Integer call() throws Exception {
        if (pitr) return pointInTime();
        if (at != null || database != null || directory != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--at, --database and --directory go with --pitr",
                    "A backup drill restores into --scratch; name --pitr to drill point-in-time recovery.");
        }
        if (scratch != null) InstanceOptions.checkDatabaseName(scratch);
        if ((backup == null) == (snapshot == null)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    backup == null ? "no backup given" : "BACKUP and --snapshot exclude each other",
                    "Name a backup file (lifeboat drill BACKUP) or a snapshot (lifeboat drill --snapshot REF).");
        }
        if (tables < 0 || sampleFiles < 0 || jobs < 1 || probeTimeout < 1) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--tables and --sample-files must not be negative, --jobs and --probe-timeout at least 1",
                    null);
        }
        BackupSource from = snapshot != null
                ? new BackupSource(RestoreRequest.Source.snapshot(snapshot), true)
                : BackupSource.of(backup, repository, "Drill");
        Integer stanzaJobs = instance.stanzaJobs("--jobs");
        DrillRequest request = DrillRequest.of(from.source())
                .withScratchDatabase(scratch)
                .withLargestTables(tables)
                .withSampleFiles(sampleFiles)
                .withKeep(keep)
                .withJobs(stanzaJobs != null ? stanzaJobs : jobs);
        if (probeCommand != null && !probeCommand.isEmpty()) {
            request = request.withProbe(
                    new DrillRequest.Probe(argv(probeCommand), probeUrl, Duration.ofSeconds(probeTimeout)));
        }
        DrillResult result;
        try (Lifeboat lifeboat = Facades.open(instance, from.fromRepository() ? repository : null);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.drill(request, OutputOptions.observer(progress));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return report(result);
    }

    private Integer pointInTime() throws Exception {
        if (backup != null || snapshot != null || scratch != null || probeCommand != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--pitr excludes BACKUP, --snapshot, --scratch and --probe-command",
                    "A point-in-time drill recovers from the WAL archive: lifeboat drill --pitr [--at TIME].");
        }
        if (database != null) InstanceOptions.checkDatabaseName(database);
        PitrDrillRequest request = PitrDrillRequest.of(database)
                .withTargetTime(at)
                .withDirectory(directory)
                .withKeep(keep);
        DrillResult result;
        try (Lifeboat lifeboat = Facades.open(instance, repository);
                TerminalProgress progress = out.progress()) {
            result = lifeboat.drillPointInTime(request, OutputOptions.observer(progress));
        }
        return report(result);
    }

    /** Prints the result (JSON or the summary) and returns the exit code: 0 passed, 4 failed. */
    private Integer report(DrillResult result) {
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) printSummary(result);
        return result.passed() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
    }

    /** One command given once is split like a shell would split it; given several times, each is one argument. */
    static List<String> argv(List<String> given) {
        return given.size() == 1 ? split(given.get(0)) : List.copyOf(given);
    }

    /** Splits a command line at blanks, keeping what single or double quotes hold together (no expansions). */
    static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\'
                        && quote == '"'
                        && i + 1 < line.length()
                        && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                    cur.append(line.charAt(++i));
                } else cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inArg = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) args.add(cur.toString());
                cur.setLength(0);
                inArg = false;
            } else {
                cur.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "unbalanced quote in --probe-command: " + line,
                    "Close the quote, or repeat --probe-command once per argument.");
        }
        if (inArg) args.add(cur.toString());
        if (args.isEmpty()) throw new LifeboatException(Kind.USAGE, "--probe-command is empty", null);
        return args;
    }

    private static void printSummary(DrillResult r) {
        var err = System.err;
        err.printf("drill of %s into %s: %s%n", r.source(), r.scratchDatabase(), r.passed() ? "passed" : "FAILED");
        err.printf("  RTO            %s (restore and verification)%n", seconds(r.rtoMillis()));
        for (DrillResult.Step s : r.steps()) {
            err.printf("    %-18s %8s  %s%s%n", s.name(), seconds(s.millis()), s.ok() ? "" : "FAILED: ", s.detail());
        }
        err.printf(
                "  RPO            %s%n",
                r.rpoMillis() == null
                        ? "unknown (no point time)"
                        : seconds(r.rpoMillis()) + " (newest recoverable point " + r.pointTime() + ")");
        DrillResult.Counts c = r.counts();
        err.printf("  database       base installed: %s, users: %d%n", c.baseInstalled() ? "yes" : "no", c.users());
        if (r.steps().stream().anyMatch(s -> s.name().equals("verify_rows"))) {
            long equal = c.tables().stream()
                    .filter(t -> t.expected() != null && t.expected() == t.actual())
                    .count();
            long compared =
                    c.tables().stream().filter(t -> t.expected() != null).count();
            err.printf(
                    "  rows           %d of %d tables compared equal (%d counted)%n",
                    equal, compared, c.tables().size());
        }
        err.printf(
                "  files          %d/%d present, %d missing, %d corrupt, %d hashed%s%n",
                c.presentFiles(),
                c.referencedFiles(),
                c.missingFiles(),
                c.corruptFiles(),
                c.filesHashed(),
                c.sampled() ? " (a random sample)" : "");
        for (String f : r.failures()) err.printf("  failure        %s%n", f);
    }

    private static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }
}
