package io.lifeboat.api;

import io.lifeboat.LifeboatException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A backup of every Odoo database of the instance, one file each ({@code <database>_<local time>.zip}
 * or {@code .dump}) into {@code directory}. A failed backup does not stop the others.
 *
 * @param directory an existing directory
 * @param options how each database is backed up: a zip or dump request whose database, output and
 *     stream are unset
 * @param onEach told of each database as soon as its backup ended, in order; or null
 */
public record BackupAllRequest(Path directory, BackupRequest options, Consumer<BackupAllResult.Entry> onEach) {

    public BackupAllRequest {
        if (directory == null) throw new LifeboatException(LifeboatException.Kind.USAGE, "no directory given");
        if (options == null) options = BackupRequest.zip(null, null);
        if (options.target() == BackupRequest.Target.SNAPSHOT) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "a backup of every database goes to files, not snapshots",
                    "Back up one database.");
        }
        if (options.database() != null || options.output() != null || options.stream() != null) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE, "a backup of every database names no database and no output");
        }
        if (onEach == null) onEach = entry -> {};
    }
}
