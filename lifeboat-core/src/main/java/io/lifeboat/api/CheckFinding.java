package io.lifeboat.api;

/**
 * One thing a check found. Row findings carry the {@code ir_attachment} columns; file findings
 * (orphans, stray entries) have a null {@code id} and give the path relative to the filestore in
 * {@code storeFname} and the file's actual size in {@code fileSize}.
 *
 * @param createDate the row's {@code create_date} (UTC, ISO-8601 without zone), or null
 * @param detail what exactly differs, e.g. {@code file has 1200 bytes, file_size says 1300}; may be null
 */
public record CheckFinding(
        CheckFindingKind kind,
        Long id,
        String resModel,
        Long resId,
        String resField,
        String name,
        String storeFname,
        Long fileSize,
        String createDate,
        String detail) {}
