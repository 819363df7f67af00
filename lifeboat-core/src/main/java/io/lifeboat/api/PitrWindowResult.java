package io.lifeboat.api;

import java.util.List;

/**
 * When mass writes happened ({@code lifeboat pitr window}): per table, rows created and written per time
 * bucket.
 *
 * @param from start (UTC, ISO-8601)
 * @param to end, excluded
 * @param bucketSeconds bucket width
 * @param tables one entry per table
 */
public record PitrWindowResult(String from, String to, long bucketSeconds, List<Table> tables) {
    public PitrWindowResult {
        tables = List.copyOf(tables);
    }

    /** The buckets of one table with writes in the range. */
    public record Table(String table, List<Bucket> buckets) {
        public Table {
            buckets = List.copyOf(buckets);
        }
    }

    /** How many rows were created and written in the bucket starting at {@code start} (UTC). */
    public record Bucket(String start, long createdRows, long writtenRows) {}
}
