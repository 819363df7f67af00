package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressListener;
import io.lifeboat.api.SnapshotRecord;
import io.lifeboat.api.SnapshotsRequest;
import io.lifeboat.api.SnapshotsResult;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat snapshots}: lists a repository's snapshots, oldest first. */
@Command(
        name = "snapshots",
        description = {
            "List the snapshots of a repository, oldest first.",
            "NEW is what each snapshot added to the repository (before compression). Works with a " + "writer key."
        })
final class SnapshotsCommand implements Callable<Integer> {
    /** How the commands that take a snapshot describe it. */
    static final String REF_HELP = "Snapshot id (or a unique prefix of at least 4 digits), or latest:DATABASE or"
            + " latest:INSTANCE/DATABASE (the newest snapshot of that database; plain latest when the repository"
            + " holds only one).";

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(names = "--instance", description = "Only snapshots of this instance (default with --stanza: its name).")
    String instance;

    @Option(
            names = {"-d", "--database"},
            description = "Only snapshots of this database.")
    String database;

    @Option(names = "--tag", description = "Only snapshots with this tag (repeatable: any of them).")
    List<String> tags = new ArrayList<>();

    @Option(
            names = "--latest",
            description = "Only the newest snapshot of each instance and database (what latest:INSTANCE/DATABASE"
                    + " names), after the other filters.")
    boolean latest;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SNAPSHOT",
            description = "Only the snapshot this names, e.g. to see which one latest:DATABASE is. " + REF_HELP)
    String ref;

    @Override
    public Integer call() throws Exception {
        String instance = this.instance != null ? this.instance : stanza.name();
        SnapshotsResult result;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            result = lifeboat.snapshots(new SnapshotsRequest(instance, database, tags, latest, ref), quiet());
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) print(System.out, result.snapshots());
        return ExitCode.OK;
    }

    /** How commands without a progress bar report to the facade: only SIGINT/SIGTERM cancel. */
    static Observer quiet() {
        return Observer.of(ProgressListener.NONE, Main.cancellation());
    }

    static String time(Instant t) {
        return TIME.format(t.atZone(ZoneId.systemDefault()));
    }

    static void print(PrintStream o, List<SnapshotRecord> list) {
        String fmt = "%-8s  %-19s  %-14s  %-16s  %-11s  %9s  %9s  %s%n";
        o.printf(fmt, "ID", "TIME", "INSTANCE", "DATABASE", "KIND", "SIZE", "NEW", "TAGS");
        for (SnapshotRecord s : list) {
            o.printf(
                    fmt,
                    s.shortId(),
                    time(s.time()),
                    s.instance(),
                    s.database(),
                    s.kind(),
                    Units.bytes(s.summary().totalBytes()),
                    Units.bytes(s.summary().bytesNew()),
                    String.join(",", s.tags()));
        }
        o.printf("%d snapshot%s%n", list.size(), list.size() == 1 ? "" : "s");
    }
}
