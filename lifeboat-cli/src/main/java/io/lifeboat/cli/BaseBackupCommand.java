package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.BaseBackupRequest;
import io.lifeboat.api.BaseBackupResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat basebackup}: a PostgreSQL base backup into the repository. */
@Command(
        name = "basebackup",
        description = {
            "Take a base backup of the instance's PostgreSQL cluster into the repository, for point-in-time recovery.",
            "Streams pg_basebackup (tar format, with the WAL needed for consistency) into a snapshot of kind"
                    + " base-backup; unchanged data deduplicates against earlier base backups. The role needs the"
                    + " REPLICATION attribute and pg_hba.conf a replication line for it. Works with the writer key."
        })
final class BaseBackupCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    SnapshotMetaOptions meta;

    @Mixin
    OutputOptions out;

    @Override
    public Integer call() throws Exception {
        BaseBackupResult r;
        try (Lifeboat lifeboat = Facades.open(instance, repository);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.baseBackup(
                    new BaseBackupRequest(meta.instance(), meta.tags()), OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) {
            System.out.printf(
                    "base backup %s of cluster %s: %s, %s new in the repository, %.1f s%n",
                    r.snapshot().substring(0, 8),
                    r.wal().systemId(),
                    Units.bytes(r.bytes()),
                    Units.bytes(r.storedNew()),
                    r.seconds());
            System.out.printf(
                    "  timeline %d, WAL %s – %s (recoverable once %s is archived)%n",
                    r.wal().timeline(),
                    r.wal().startLsn(),
                    r.wal().stopLsn(),
                    r.wal().stopWal());
        }
        return ExitCode.OK;
    }
}
