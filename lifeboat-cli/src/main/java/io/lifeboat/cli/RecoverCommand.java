package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.RecoverRequest;
import io.lifeboat.api.RecoverResult;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat recover}: a side copy of a cluster at a point in time. */
@Command(
        name = "recover",
        description = {
            "Recover a side copy of a cluster at a point in time, next to production, and leave it running.",
            "Restores the newest base backup before the target (or --from) into a new directory, fetches the archived"
                    + " WAL in parallel ahead of replay, starts PostgreSQL on a free local port with archiving off (the"
                    + " side copy never writes into production's archive) and waits until the target is reached. A"
                    + " target outside the recoverable window is refused before anything is written. Production is"
                    + " never contacted. Needs the secret key.",
            "Exit codes: 0 target reached (the side copy runs), 2 target refused, 1 recovery ended before the target"
                    + " (nothing is left behind)."
        })
final class RecoverCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(names = "--into", required = true, paramLabel = "DIR", description = "A new directory for the side copy.")
    Path into;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TargetOptions target;

    static final class TargetOptions {
        @Option(
                names = "--time",
                paramLabel = "TIME",
                description = "Recover to this moment, with its time zone: 2026-12-01T10:31:00+01:00 or"
                        + " '2026-12-01 10:31:00 Europe/Brussels'.")
        String time;

        @Option(names = "--xid", paramLabel = "XID", description = "Recover up to and including this transaction.")
        String xid;

        @Option(names = "--lsn", paramLabel = "LSN", description = "Recover up to this WAL location (16/B374D848).")
        String lsn;

        @Option(
                names = "--restore-point",
                paramLabel = "NAME",
                description = "Recover to a point made with pg_create_restore_point.")
        String name;

        @Option(names = "--immediate", description = "Stop as soon as the base backup is consistent.")
        boolean immediate;

        @Option(names = "--latest", description = "Replay all the archived WAL.")
        boolean latest;
    }

    @Option(
            names = "--action",
            paramLabel = "ACTION",
            defaultValue = "pause",
            description = "At the target: pause (read-only, inspect; default), promote (accepts writes) or shutdown.")
    String action;

    @Option(
            names = "--from",
            paramLabel = "SNAPSHOT",
            description = "The base backup to start from (default: the newest one before the target).")
    String from;

    @Option(names = "--instance", paramLabel = "NAME", description = "Choose among this instance's base backups only.")
    String instance;

    @Option(
            names = "--fetch-threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "WAL files fetched at once (default: ${DEFAULT-VALUE}).")
    int fetchThreads;

    @Option(
            names = "--filestore-of",
            paramLabel = "DATABASE",
            description = "Also place the files the recovered DATABASE references in DIR/filestore/DATABASE, from the"
                    + " repository's snapshots and filestore captures; the ones no snapshot holds are reported.")
    String filestoreOf;

    @Option(
            names = "--pg-bin",
            paramLabel = "DIR",
            description = "PostgreSQL server binaries of production's major version (default: the highest under"
                    + " /usr/lib/postgresql).")
    Path pgBin;

    @Override
    public Integer call() throws Exception {
        RecoverRequest.Action a;
        try {
            a = RecoverRequest.Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--action must be pause, promote or shutdown, not " + action);
        }
        RecoverRequest.TargetKind kind;
        String value = null;
        if (target.time != null) {
            kind = RecoverRequest.TargetKind.TIME;
            value = target.time;
        } else if (target.xid != null) {
            kind = RecoverRequest.TargetKind.XID;
            value = target.xid;
        } else if (target.lsn != null) {
            kind = RecoverRequest.TargetKind.LSN;
            value = target.lsn;
        } else if (target.name != null) {
            kind = RecoverRequest.TargetKind.NAME;
            value = target.name;
        } else if (target.immediate) {
            kind = RecoverRequest.TargetKind.IMMEDIATE;
        } else {
            kind = RecoverRequest.TargetKind.LATEST;
        }
        RecoverResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.recover(
                    new RecoverRequest(from, instance, into, kind, value, a, fetchThreads, filestoreOf, pgBin),
                    OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) {
            var o = System.out;
            o.printf("side copy %s at %s:%d (%s)%n", r.state(), r.host(), r.port(), r.stop());
            o.printf("  last replayed transaction: %s%n", r.lastReplayed() == null ? "none" : r.lastReplayed());
            o.printf(
                    "  from base backup %s, %d WAL files fetched, %.1f s%n",
                    r.baseBackup().substring(0, 8), r.walFetched(), r.seconds());
            o.printf("  data directory %s%n", r.dataDir());
            o.printf(
                    "  connect: psql -h %s -p %d -U <role> <database>   (as root or the server's user; or -h %s with the role's password)%n",
                    r.socketDir(), r.port(), r.host());
            o.printf("  stop:    pg_ctl -D %s stop   (as the PostgreSQL server's user)%n", r.dataDir());
            if (r.filestore() != null) {
                o.printf(
                        "  filestore %s: %d of %d referenced files placed, %d missing%n",
                        java.nio.file.Path.of(r.dataDir())
                                .resolveSibling("filestore")
                                .resolve(filestoreOf),
                        r.filestore().placed(),
                        r.filestore().referenced(),
                        r.filestore().missing().size());
                r.filestore().missing().stream().limit(20).forEach(m -> o.printf("    missing %s%n", m));
            }
            for (String w : r.warnings()) o.printf("  warning: %s%n", w);
        }
        return ExitCode.OK;
    }
}
