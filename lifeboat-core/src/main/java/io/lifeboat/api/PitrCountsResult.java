package io.lifeboat.api;

import java.util.List;

/**
 * Row counts of production and the side copy ({@code lifeboat pitr counts}).
 *
 * @param exact whether these are {@code count(*)} (else estimates from {@code reltuples})
 * @param tables largest absolute delta first; tables missing on one side last
 */
public record PitrCountsResult(boolean exact, List<Table> tables) {
    public PitrCountsResult {
        tables = List.copyOf(tables);
    }

    /**
     * The row counts of one table on both sides.
     *
     * @param table the table
     * @param production its rows in production (null: no such table there)
     * @param side its rows in the side copy (null: no such table there)
     * @param delta production minus side (null when a side lacks the table)
     */
    public record Table(String table, Long production, Long side, Long delta) {}
}
