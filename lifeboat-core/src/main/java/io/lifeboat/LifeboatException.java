package io.lifeboat;

/**
 * A failure Lifeboat can explain to its user: the message says what failed (lowercase, no final
 * period) and {@link #hint()} what to do about it. The {@link Kind} lets front ends choose an exit
 * code or HTTP status.
 *
 * <p>Messages and hints quote untrusted input (names from a backup or a database, paths); control
 * characters in them are escaped by {@link Printable#of} when the exception is made, so any front end
 * can print them.
 */
public class LifeboatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What sort of failure this is. */
    public enum Kind {
        /** The request itself is wrong: bad option, invalid name, missing argument. */
        USAGE,
        /** An input (archive, dump, configuration, store_fname) is malformed or unsafe. */
        BAD_INPUT,
        /** The operation would destroy or clash with existing data (target exists, lock held). */
        CONFLICT,
        /** The environment does not allow it: tools missing or too old, server unreachable, disk full. */
        ENVIRONMENT,
        /** Data failed a verification: checksum mismatch, missing object, failed post-restore check. */
        INTEGRITY,
        /** The caller cancelled the operation (a tripped cancellation token, an interrupt signal). */
        CANCELLED,
        /** Anything else. */
        INTERNAL
    }

    private final Kind kind;
    private final String hint;

    public LifeboatException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public LifeboatException(Kind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public LifeboatException(Kind kind, String message, String hint, Throwable cause) {
        super(message == null ? null : Printable.of(message), cause);
        this.kind = kind;
        this.hint = hint == null ? null : Printable.of(hint);
    }

    public Kind kind() {
        return kind;
    }

    /** A full sentence telling the user what to do, or null. */
    public String hint() {
        return hint;
    }
}
