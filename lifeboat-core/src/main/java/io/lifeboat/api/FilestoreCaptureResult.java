package io.lifeboat.api;

import java.util.List;

/**
 * What the captures stored: snapshots made, files and bytes, and files whose content does not match
 * their name (not stored, reported).
 */
public record FilestoreCaptureResult(
        String database, int captures, List<String> snapshots, int files, long bytes, List<String> corrupt) {}
