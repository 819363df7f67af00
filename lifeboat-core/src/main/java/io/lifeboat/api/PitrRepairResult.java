package io.lifeboat.api;

import java.util.List;

/**
 * What {@code lifeboat pitr repair} did (or, dry, would do).
 *
 * @param plan the plan file
 * @param sql the SQL script written, or null
 * @param report the repair's report
 */
public record PitrRepairResult(String plan, String sql, Report report) {

    /**
     * The repair's report.
     *
     * @param applied whether the changes were committed
     * @param dryRun whether this was a dry run
     * @param statements the statements run or, dry, that would run (settings and checks included)
     * @param tables one entry per table with changes
     */
    public record Report(boolean applied, boolean dryRun, int statements, List<Table> tables) {
        public Report {
            tables = List.copyOf(tables);
        }

        /** Rows inserted, updated and deleted. */
        public long changedRows() {
            return tables.stream()
                    .mapToLong(t -> t.inserted() + t.updated() + t.deleted())
                    .sum();
        }
    }

    /**
     * What the repair did (or, dry, would do) to one table.
     *
     * @param table the table
     * @param rowsBefore its rows before
     * @param rowsAfter its rows after (dry run: expected)
     * @param inserted rows re-inserted
     * @param updated rows whose columns were restored
     * @param deleted rows deleted
     * @param keptExtra rows only production has that were kept
     */
    public record Table(
            String table, long rowsBefore, long rowsAfter, long inserted, long updated, long deleted, long keptExtra) {}
}
