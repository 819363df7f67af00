package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Recover a side copy of a cluster at a target. Needs the secret key.
 *
 * @param from the base backup snapshot; null for the newest suitable one of {@code instance}
 * @param instance limits the automatic choice to one instance's base backups; null for any
 * @param directory a new (or empty) directory for the side copy
 * @param target the value for TIME, XID, LSN and NAME targets; null otherwise
 * @param fetchThreads WAL files fetched at once ahead of replay
 * @param filestoreOf an Odoo database of the cluster whose referenced files are placed in
 *     {@code directory/filestore/<database>} from the repository's snapshots; null for none
 * @param pgBin the PostgreSQL server binaries (pg_ctl, postgres, pg_waldump) of production's major
 *     version; null for the highest installed under /usr/lib/postgresql
 */
public record RecoverRequest(
        String from,
        String instance,
        Path directory,
        TargetKind targetKind,
        String target,
        Action action,
        int fetchThreads,
        String filestoreOf,
        Path pgBin) {

    /** Kinds of recovery target, as PostgreSQL's {@code recovery_target*} settings. */
    public enum TargetKind {
        IMMEDIATE,
        LATEST,
        TIME,
        XID,
        LSN,
        NAME
    }

    /** What the side copy does at the target. */
    public enum Action {
        PAUSE,
        PROMOTE,
        SHUTDOWN
    }
}
