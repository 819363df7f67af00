package io.lifeboat.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run the resident archiver that empties the spool {@code lifeboat-wal-spool} fills.
 *
 * @param metricsFile a Prometheus textfile-collector file to rewrite after every pass, or null
 * @param parallel pushes at once
 * @param poll pause between passes that found nothing
 * @param once one pass, then return
 */
public record WalArchiverRequest(Path spool, Path metricsFile, int parallel, Duration poll, boolean once) {}
