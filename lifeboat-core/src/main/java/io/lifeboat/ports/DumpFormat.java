package io.lifeboat.ports;

/** Forms of a PostgreSQL dump Lifeboat writes and reads. */
public enum DumpFormat {
    /** Plain SQL ({@code pg_dump -Fp}), loaded with psql; Odoo's {@code dump.sql}. */
    PLAIN,
    /** Custom format ({@code pg_dump -Fc}), loaded with pg_restore; Odoo's "dump" backup format. */
    CUSTOM,
    /** Directory format ({@code pg_dump -Fd}), a directory with {@code toc.dat}. */
    DIRECTORY
}
