package io.lifeboat.cli;

import io.lifeboat.repository.SnapshotGroup;
import io.lifeboat.repository.SnapshotInfo;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        try (RepositoryOptions.Opened o = repository.open(false)) {
            List<SnapshotInfo> all =
                    ref == null ? o.repo().snapshots() : List.of(o.repo().snapshot(ref));
            List<SnapshotInfo> list = all.stream()
                    .filter(s -> instance == null || instance.equals(s.instance()))
                    .filter(s -> database == null || database.equals(s.database()))
                    .filter(s -> tags.isEmpty() || s.tags().stream().anyMatch(tags::contains))
                    .toList();
            if (latest) {
                list = SnapshotGroup.newestFirst(list).values().stream()
                        .map(g -> g.get(0))
                        .sorted(Comparator.comparing(SnapshotInfo::time).thenComparing(SnapshotInfo::id))
                        .toList();
            }
            if (out.json())
                RepoJson.print(
                        System.out, list.stream().map(SnapshotsCommand::json).toList());
            else if (out.human()) print(System.out, list);
            return ExitCode.OK;
        }
    }

    /** A snapshot as shown in JSON (the tree's blob ids left out). */
    static Map<String, Object> json(SnapshotInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("shortId", s.shortId());
        m.put("time", s.time().toString());
        m.put("instance", s.instance());
        m.put("database", s.database());
        m.put("host", s.host());
        m.put("kind", s.kind().label());
        m.put("tags", s.tags());
        m.put("odooVersion", s.odooVersion());
        m.put("postgresVersion", s.postgresVersion());
        m.put("warnings", s.warnings());
        m.put("summary", s.summary());
        return m;
    }

    static String time(SnapshotInfo s) {
        return TIME.format(s.time().atZone(ZoneId.systemDefault()));
    }

    static void print(PrintStream o, List<SnapshotInfo> list) {
        String fmt = "%-8s  %-19s  %-14s  %-16s  %-11s  %9s  %9s  %s%n";
        o.printf(fmt, "ID", "TIME", "INSTANCE", "DATABASE", "KIND", "SIZE", "NEW", "TAGS");
        for (SnapshotInfo s : list) {
            o.printf(
                    fmt,
                    s.shortId(),
                    time(s),
                    s.instance(),
                    s.database(),
                    s.kind().label(),
                    Units.bytes(s.summary().totalBytes()),
                    Units.bytes(s.summary().bytesNew()),
                    String.join(",", s.tags()));
        }
        o.printf("%d snapshot%s%n", list.size(), list.size() == 1 ? "" : "s");
    }
}
