package io.lifeboat.cli;

/** Exit codes scripts can rely on; documented in docs/exit-codes.md. */
public final class ExitCode {
    /** Done, nothing to report. */
    public static final int OK = 0;
    /** Failed; nothing was changed unless the message says otherwise. */
    public static final int FAILED = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** Done, with warnings (for example referenced files missing from a backup). */
    public static final int WARNINGS = 3;
    /** A check or verification found problems (divergence, damage). */
    public static final int PROBLEMS_FOUND = 4;
    /** Refused because it would clash with existing data or a lock held by another process. */
    public static final int CONFLICT = 5;

    private ExitCode() {}
}
