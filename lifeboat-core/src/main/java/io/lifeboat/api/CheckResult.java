package io.lifeboat.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a filestore check. {@code findings} lists every row or file found wrong, sorted by
 * kind, model and id; database-stored rows are listed only when {@code ir_attachment.location} is not
 * {@code db} (where they are the norm) but always counted.
 *
 * @param startedAt when the check began, ISO-8601 UTC
 * @param counts findings per kind, every kind present, in the order of {@link CheckFindingKind}
 * @param byModel row findings grouped by kind and {@code res_model}, largest first
 * @param warnings conditions worth knowing that are not findings (missing filestore directory, …)
 */
public record CheckResult(
        String database,
        String filestore,
        boolean deep,
        String startedAt,
        double seconds,
        Storage storage,
        Totals totals,
        Map<CheckFindingKind, Long> counts,
        List<ModelSummary> byModel,
        List<CheckFinding> findings,
        List<String> warnings) {

    public CheckResult {
        EnumMap<CheckFindingKind, Long> c = new EnumMap<>(CheckFindingKind.class);
        c.putAll(counts);
        counts = Collections.unmodifiableMap(c);
        byModel = List.copyOf(byModel);
        findings = List.copyOf(findings);
        warnings = List.copyOf(warnings);
    }

    /** Number of findings that are problems. */
    public long problems() {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().problem())
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Whether no problem was found. */
    public boolean clean() {
        return problems() == 0;
    }

    /** Findings of {@code kind}, listed or not. */
    public long count(CheckFindingKind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** The listed findings of one kind. */
    public List<CheckFinding> findings(CheckFindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /**
     * Where an instance keeps attachment content, as Odoo decides it: {@code ir_attachment.location}
     * ({@code file}, the default, or {@code db}; modules may add others) and how the rows are actually
     * stored right now.
     *
     * @param location the effective value of {@code ir_attachment.location}
     * @param configured whether the parameter is set (false: Odoo's default {@code file} applies)
     * @param rows all {@code ir_attachment} rows
     * @param fileRows rows with a {@code store_fname} in the local filestore
     * @param databaseRows rows with content in {@code db_datas}
     * @param urlRows {@code type = 'url'} rows without content
     * @param emptyRows binary rows without any content (empty attachments)
     * @param externalRows rows whose {@code store_fname} is a URI of another storage ({@code s3://…});
     *     not checked
     */
    public record Storage(
            String location,
            boolean configured,
            long rows,
            long fileRows,
            long databaseRows,
            long urlRows,
            long emptyRows,
            long externalRows) {

        /** One sentence stating the storage mode and the counts. */
        public String describe() {
            String where = switch (location) {
                case "file" -> "new attachments are stored in the filestore";
                case "db" -> "new attachments are stored in the database";
                default -> "new attachments are stored by a module ('" + location + "')";
            };
            return "ir_attachment.location = " + location + (configured ? "" : " (default)") + ": " + where + "; "
                    + rows + " rows: " + fileRows + " in the filestore, " + databaseRows + " in the database, "
                    + urlRows + " url, " + emptyRows + " empty"
                    + (externalRows > 0 ? ", " + externalRows + " in external storage (not checked)" : "");
        }
    }

    /**
     * Counts and timings of one check.
     *
     * @param files regular {@code xx/<sha1>} files in the filestore
     * @param bytes their total size
     * @param referencedFiles files at least one row references
     * @param missingFiles distinct files referenced by rows but absent
     * @param orphanFiles files no row references (marked for garbage collection or not)
     * @param orphanBytes their total size
     * @param markers {@code checklist/} garbage-collection markers
     * @param staleMarkers markers naming no existing file
     * @param strayEntries entries that are not Odoo files
     * @param hashedFiles files hashed (deep check only)
     * @param hashedBytes bytes hashed (deep check only)
     * @param filestoreSeconds time spent on the filestore: listing and stat'ing every file, or (deep)
     *     reading and hashing every file
     * @param databaseSeconds time spent reading the database
     */
    public record Totals(
            long files,
            long bytes,
            long referencedFiles,
            long missingFiles,
            long orphanFiles,
            long orphanBytes,
            long markers,
            long staleMarkers,
            long strayEntries,
            long hashedFiles,
            long hashedBytes,
            double filestoreSeconds,
            double databaseSeconds) {}

    /**
     * Findings of one kind for one {@code res_model}, for triage.
     *
     * @param resModel the model, or empty for rows without one
     * @param rows rows with this finding
     * @param files distinct files those rows reference
     * @param bytes size of those distinct files per {@code file_size} (for database-stored rows: of the rows)
     */
    public record ModelSummary(CheckFindingKind kind, String resModel, long rows, long files, long bytes) {}
}
