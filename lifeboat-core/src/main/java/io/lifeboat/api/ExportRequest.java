package io.lifeboat.api;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Write a repository snapshot as an Odoo-standard backup zip ({@code dump.sql}, {@code filestore/},
 * {@code manifest.json}). A non-plain dump is converted to plain SQL with the newest local {@code
 * pg_restore}. Needs the secret key.
 *
 * @param snapshot the snapshot: an id, a unique prefix of at least 4 hex digits, {@code latest}, {@code
 *     latest:DATABASE} or {@code latest:INSTANCE/DATABASE}
 * @param output the zip to write; it appears only complete (and verified, with {@code verify}). Null
 *     for {@code <database>_<snapshot time>.zip} in the working directory, unless {@code stream} is set
 * @param stream where to stream the zip instead of a file (left open), or null
 * @param level deflate level 1-9 for compressible entries
 * @param verify re-read the finished zip before it is renamed into place
 * @param jobs files fetched from the repository in parallel
 * @param pgBin the directory holding {@code pg_restore}, or null to search for it
 */
public record ExportRequest(
        String snapshot, Path output, OutputStream stream, int level, boolean verify, int jobs, Path pgBin) {

    /** Default deflate level. */
    public static final int DEFAULT_LEVEL = 3;

    /** Default parallel fetches. */
    public static final int DEFAULT_JOBS = 2;

    /** {@code snapshot} to {@code output} with the defaults. */
    public static ExportRequest toFile(String snapshot, Path output) {
        return new ExportRequest(snapshot, output, null, DEFAULT_LEVEL, true, DEFAULT_JOBS, null);
    }
}
