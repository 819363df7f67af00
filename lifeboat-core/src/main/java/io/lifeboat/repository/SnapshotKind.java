package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import java.util.Locale;

/** Why a snapshot was taken. Stored as its lowercase, hyphenated {@link #label()}. */
public enum SnapshotKind {
    SCHEDULED,
    MANUAL,
    /** Taken automatically before a restore replaced data: a rollback point. */
    PRE_RESTORE,
    /** Imported from an Odoo zip or dump file. */
    IMPORT,
    /** Reserved: a PostgreSQL base backup for point-in-time recovery. */
    BASE_BACKUP;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SnapshotKind parse(String label) {
        for (SnapshotKind k : values()) if (k.label().equals(label)) return k;
        throw new LifeboatException(
                LifeboatException.Kind.USAGE,
                "unknown snapshot kind: " + label,
                "Use one of scheduled, manual, pre-restore, import.");
    }
}
