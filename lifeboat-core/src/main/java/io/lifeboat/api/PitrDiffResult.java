package io.lifeboat.api;

import java.util.List;

/**
 * A diff's summary ({@code lifeboat pitr diff}); the plan itself is in the file {@code plan}.
 *
 * @param plan the plan file written
 * @param sql the SQL script written, or null
 * @param changedRows rows the repair would change
 * @param millis how long the diff took
 * @param tables per table
 */
public record PitrDiffResult(String plan, String sql, long changedRows, long millis, List<Table> tables) {
    public PitrDiffResult {
        tables = List.copyOf(tables);
    }

    /**
     * One table of a diff.
     *
     * @param table the table
     * @param filter the rows compared, or null for all
     * @param productionRows rows compared in production
     * @param sideRows rows compared in the side copy
     * @param reinsert rows to re-insert
     * @param restore rows whose columns to restore
     * @param skipped changed rows outside the incident window, kept
     * @param extra rows only production has
     * @param deleteExtra whether those are deleted
     * @param productionOnlyColumns columns only production has
     * @param sideOnlyColumns columns only the side copy has
     */
    public record Table(
            String table,
            String filter,
            long productionRows,
            long sideRows,
            long reinsert,
            long restore,
            long skipped,
            long extra,
            boolean deleteExtra,
            List<String> productionOnlyColumns,
            List<String> sideOnlyColumns) {}
}
