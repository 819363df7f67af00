package io.lifeboat.postgres;

import java.util.List;

/**
 * Session settings for loading a dump into a database that nobody uses yet (a restore's temporary
 * copy). Only settings an ordinary role may change for its own session; none of them weakens the
 * durability of what is committed after the load:
 *
 * <ul>
 *   <li>{@code synchronous_commit = off}: a load statement's commit does not wait for its WAL to reach
 *       disk. A crash of the server can lose the last moments of the load, never corrupt it; the load
 *       is thrown away on any failure anyway. The restore's later steps commit synchronously, and a
 *       synchronous commit flushes the WAL up to its own record, which includes every earlier
 *       asynchronous one: once the copy is verified and swapped in, all of it is on disk.
 *   <li>{@code maintenance_work_mem}: sorts of index builds stay in memory instead of spilling to
 *       temporary files.
 *   <li>{@code work_mem}: the joins that validate foreign keys use hash tables in memory.
 * </ul>
 *
 * <p>The memory settings are per connection; a load opens {@code jobs + 1} connections.
 */
public final class LoadTuning {
    /** Memory for one index build. */
    public static final String MAINTENANCE_WORK_MEM = "256MB";
    /** Memory for one sort or hash of a foreign-key validation. */
    public static final String WORK_MEM = "64MB";

    private LoadTuning() {}

    /** The settings as {@code SET} statements, to run on each connection before the load. */
    public static List<String> statements() {
        return List.of(
                "SET synchronous_commit = off",
                "SET maintenance_work_mem = '" + MAINTENANCE_WORK_MEM + "'",
                "SET work_mem = '" + WORK_MEM + "'");
    }

    /** The same settings as a {@code PGOPTIONS} value, for {@code pg_restore} and {@code psql}. */
    public static String pgOptions() {
        return "-c synchronous_commit=off -c maintenance_work_mem=" + MAINTENANCE_WORK_MEM + " -c work_mem=" + WORK_MEM;
    }
}
