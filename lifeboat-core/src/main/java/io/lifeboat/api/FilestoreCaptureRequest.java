package io.lifeboat.api;

import java.time.Duration;

/**
 * Capture the filestore files written since the last capture (Odoo's checklist markers) into the
 * repository, once or every {@code every}. Works with a writer key.
 *
 * @param database the Odoo database whose filestore is captured
 * @param instance the instance name snapshots are recorded under
 * @param every the interval between captures; null for one capture
 */
public record FilestoreCaptureRequest(String database, String instance, Duration every) {}
