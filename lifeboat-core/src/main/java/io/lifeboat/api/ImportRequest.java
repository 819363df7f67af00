package io.lifeboat.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Store existing Odoo backups in a repository, one snapshot of kind {@code import} each, deduplicated:
 * Odoo zips, {@code pg_dump} custom-format files and plain SQL dumps. Works with a writer key.
 *
 * @param archives the backup files, imported in this order
 * @param instance the instance name recorded in the snapshots, or null for this machine's name
 * @param database the database name recorded, or null for {@code db_name} of the manifest, else the
 *     file name
 * @param tags tags of the snapshots
 * @param time the snapshots' time, or null for each file's modification time
 * @param onImported told of each archive as soon as it is imported (before the next one starts), or
 *     null
 */
public record ImportRequest(
        List<Path> archives,
        String instance,
        String database,
        List<String> tags,
        Instant time,
        Consumer<ImportResult.Imported> onImported) {

    public ImportRequest {
        archives = List.copyOf(archives);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** {@code archives} with the defaults. */
    public static ImportRequest of(Path... archives) {
        return new ImportRequest(List.of(archives), null, null, List.of(), null, null);
    }
}
