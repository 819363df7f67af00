package io.lifeboat.api;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The whole cycle with no Odoo at hand: a throwaway PostgreSQL, a synthetic Odoo-like database, a
 * backup to a zip, a restore of that zip as a neutralized copy, its verification.
 *
 * @param directory the work directory (created if need be): the zip stays there, the temporary
 *     data_dir made there is removed
 * @param attachments attachments to generate (at least 8)
 * @param filestoreBytes the size of the filestore to generate
 * @param bulkRows rows in the bulk business tables
 * @param onStep told of each step as soon as it is done, on the calling thread; or null
 */
public record DemoRequest(
        Path directory, int attachments, long filestoreBytes, long bulkRows, Consumer<DemoStep> onStep) {

    public DemoRequest {
        if (directory == null) directory = Path.of("lifeboat-demo");
        if (onStep == null) onStep = step -> {};
    }

    /** The default demo: 500 attachments, 20 MiB of files, 20,000 bulk rows, in {@code directory}. */
    public static DemoRequest defaults(Path directory) {
        return new DemoRequest(directory, 500, 20L << 20, 20_000, null);
    }
}
