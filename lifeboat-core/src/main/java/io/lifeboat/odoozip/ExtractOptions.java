package io.lifeboat.odoozip;

/**
 * How {@link OdooArchive#extractFilestore} works.
 *
 * @param sha1Check what to do when a file's content does not hash to its name
 * @param fsync force every file and touched directory to disk before returning
 * @param threads files extracted concurrently
 */
public record ExtractOptions(Sha1Check sha1Check, boolean fsync, int threads) {

    /** What to do when a filestore file's SHA-1 differs from its name. */
    public enum Sha1Check {
        /** Do not hash. */
        OFF,
        /** Extract it anyway, report it in the summary and as a progress warning. */
        WARN,
        /** Stop with a {@link io.lifeboat.LifeboatException} of kind INTEGRITY. */
        FAIL
    }

    public ExtractOptions {
        if (sha1Check == null) {
            throw new IllegalArgumentException("sha1Check is required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** Fail on a mismatch, fsync, two threads. */
    public static ExtractOptions defaults() {
        return new ExtractOptions(Sha1Check.FAIL, true, 2);
    }

    public ExtractOptions withSha1Check(Sha1Check check) {
        return new ExtractOptions(check, fsync, threads);
    }

    public ExtractOptions withFsync(boolean sync) {
        return new ExtractOptions(sha1Check, sync, threads);
    }

    public ExtractOptions withThreads(int n) {
        return new ExtractOptions(sha1Check, fsync, n);
    }
}
