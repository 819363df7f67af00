package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Moves the files a quarantine lists back into the filestore, never overwriting ({@code lifeboat repair
 * --unquarantine}). Running it again is harmless.
 *
 * @param manifest the quarantine's {@code manifest.json}
 * @param database the database whose filestore receives the files, or null for the filestore the
 *     manifest names
 */
public record RepairUnquarantineRequest(Path manifest, String database) {}
