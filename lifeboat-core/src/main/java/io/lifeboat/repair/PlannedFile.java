package io.lifeboat.repair;

import java.util.List;

/**
 * A missing file the plan can restore.
 *
 * @param relative its path in the filestore, {@code xx/<sha1>}
 * @param size the size its rows record ({@code file_size}), or -1 when unknown
 * @param source description of the first source that holds it
 * @param rowIds the {@code ir_attachment} rows waiting for it
 * @param models their {@code res_model}s, distinct, sorted
 */
public record PlannedFile(
        String sha1, String relative, long size, String source, List<Long> rowIds, List<String> models) {
    public PlannedFile {
        rowIds = List.copyOf(rowIds);
        models = List.copyOf(models);
    }
}
