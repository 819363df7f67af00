package io.lifeboat.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A restore drill: proves that a backup can be restored by restoring it into a scratch database and
 * filestore, neutralized, verifying the copy, measuring RTO and RPO, and removing it (docs/drills.md).
 *
 * @param source the backup to prove (a file or dump directory, a repository snapshot, or a stream)
 * @param scratchDatabase the scratch database; null: {@code lifeboat_drill_<yyyyMMdd_HHmmss UTC>_<4 hex>}. It
 *     must not exist yet
 * @param pointTime the time of the newest recoverable point in this backup, for the RPO; null: derived where
 *     possible (a snapshot's time, a backup file's modification time), else the RPO is unknown
 * @param largestTables how many of the largest tables get their row counts compared with the dump's
 * @param sampleFiles 0: every referenced file is hashed; more: every file is checked for presence and size,
 *     and at most this many, chosen at random, are hashed against their SHA-1 name
 * @param probe an HTTP probe of an Odoo serving the copy; null: none
 * @param keep keep the scratch copy for inspection instead of removing it
 * @param jobs parallel jobs, as in {@link RestoreRequest#jobs()}
 */
public record DrillRequest(
        RestoreRequest.Source source,
        String scratchDatabase,
        Instant pointTime,
        int largestTables,
        long sampleFiles,
        Probe probe,
        boolean keep,
        int jobs) {

    /** How many of the largest tables are compared by default. */
    public static final int DEFAULT_LARGEST_TABLES = 10;

    public DrillRequest {
        Objects.requireNonNull(source, "source");
        if (largestTables < 0) throw new IllegalArgumentException("largestTables must not be negative");
        if (sampleFiles < 0) throw new IllegalArgumentException("sampleFiles must not be negative");
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
    }

    /** A drill of {@code source} with the defaults: a generated scratch name, 10 tables, every file hashed. */
    public static DrillRequest of(RestoreRequest.Source source) {
        return new DrillRequest(
                source, null, null, DEFAULT_LARGEST_TABLES, 0, null, false, RestoreRequest.DEFAULT_JOBS);
    }

    public DrillRequest withScratchDatabase(String name) {
        return new DrillRequest(source, name, pointTime, largestTables, sampleFiles, probe, keep, jobs);
    }

    public DrillRequest withPointTime(Instant t) {
        return new DrillRequest(source, scratchDatabase, t, largestTables, sampleFiles, probe, keep, jobs);
    }

    public DrillRequest withLargestTables(int n) {
        return new DrillRequest(source, scratchDatabase, pointTime, n, sampleFiles, probe, keep, jobs);
    }

    public DrillRequest withSampleFiles(long n) {
        return new DrillRequest(source, scratchDatabase, pointTime, largestTables, n, probe, keep, jobs);
    }

    public DrillRequest withProbe(Probe p) {
        return new DrillRequest(source, scratchDatabase, pointTime, largestTables, sampleFiles, p, keep, jobs);
    }

    public DrillRequest withKeep(boolean k) {
        return new DrillRequest(source, scratchDatabase, pointTime, largestTables, sampleFiles, probe, k, jobs);
    }

    public DrillRequest withJobs(int n) {
        return new DrillRequest(source, scratchDatabase, pointTime, largestTables, sampleFiles, probe, keep, n);
    }

    /**
     * An HTTP probe: the drill starts {@code command} (an odoo-bin serving the copy), polls {@code url} until
     * it answers with a status below 400 (a redirect to {@code /web/login} is fine) or {@code timeout} passes,
     * then stops the process and its children.
     *
     * @param command the program and its arguments; {@code {database}}, {@code {port}} and {@code {data_dir}}
     *     are replaced in each
     * @param url the URL to poll; {@code {port}} is replaced
     * @param timeout how long to wait for an answer; null: 120 seconds
     */
    public record Probe(List<String> command, String url, Duration timeout) {

        /** The timeout when none is given. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

        public Probe {
            command = List.copyOf(Objects.requireNonNull(command, "command"));
            if (command.isEmpty()) throw new IllegalArgumentException("a probe needs a command");
            Objects.requireNonNull(url, "url");
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
        }
    }
}
