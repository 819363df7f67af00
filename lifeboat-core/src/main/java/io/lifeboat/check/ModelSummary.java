package io.lifeboat.check;

/**
 * Findings of one kind for one {@code res_model}, for triage.
 *
 * @param resModel the model, or empty for rows without one
 * @param rows rows with this finding
 * @param files distinct files those rows reference
 * @param bytes size of those distinct files per {@code file_size} (for database-stored rows: of the rows)
 */
public record ModelSummary(FindingKind kind, String resModel, long rows, long files, long bytes) {}
