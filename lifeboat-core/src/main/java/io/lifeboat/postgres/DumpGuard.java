package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;

/**
 * What {@link ParallelPlainLoader} accepts in a plain dump beyond what {@link PlainDumpFilter} already
 * checked: its limits, the psql meta-commands it lets through, and the refusal it throws for anything
 * else.
 */
final class DumpGuard {
    /** Largest entry (and line) of SQL accepted, in characters. */
    static final int MAX_ENTRY_CHARS = 16 * 1024 * 1024;

    /** The hint of a failure while running the dump's statements. */
    static final String HINT = "The dump stopped at the first SQL error; the target was not changed.";

    static final String REFUSE_HINT = "Lifeboat loads only what pg_dump writes; check where this dump came from.";

    private DumpGuard() {}

    /** The refusal of something a dump written by pg_dump does not hold. */
    static LifeboatException refuse(String message) {
        return new LifeboatException(Kind.BAD_INPUT, message, REFUSE_HINT);
    }

    /**
     * Accepts the psql meta-command {@code line} (starting with a backslash) if it is one pg_dump
     * writes ({@code \restrict}, {@code &#92;unrestrict}), which the loader then skips; refuses any other.
     */
    static void checkMetaCommand(String line, long lineNo) {
        String cmd = line.split("\\s", 2)[0];
        if (cmd.equals("\\restrict") || cmd.equals("\\unrestrict")) return;
        throw refuse("dump line " + lineNo + ": psql meta-command " + abbreviate(cmd) + " is not allowed");
    }

    /** Whether {@code s} holds nothing but blank lines and {@code --} comments. */
    static boolean isBlank(String s) {
        for (String line : s.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("--")) return false;
        }
        return true;
    }

    /** {@code s} on one line, shortened for a message. */
    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 120) + "…" : one;
    }
}
