package io.lifeboat.api;

import java.time.LocalDateTime;
import java.util.List;

/**
 * What {@code lifeboat pitr window} counts.
 *
 * @param tables tables to count; empty for the {@code largest} largest tables with create_date and write_date
 * @param largest how many tables without {@code tables}
 * @param from start (UTC)
 * @param to end (UTC), excluded
 * @param bucketSeconds bucket width
 */
public record PitrWindowRequest(
        List<String> tables, int largest, LocalDateTime from, LocalDateTime to, long bucketSeconds) {}
