package io.lifeboat.api;

import io.lifeboat.LifeboatException;

/**
 * A token the caller trips to stop an operation. The operation looks at it at safe points (every
 * progress report) and then fails with {@link LifeboatException.Kind#CANCELLED}, which runs exactly the
 * cleanup any failure runs: no temporary database, filestore directory or partial file stays behind.
 * Thread-safe; tripping it twice is harmless.
 */
public final class Cancellation {
    private volatile String reason;

    /** A token nobody trips. */
    public static Cancellation none() {
        return new Cancellation();
    }

    /** Asks the operation to stop; {@code reason} (e.g. "interrupted") ends up in its error message. */
    public void cancel(String reason) {
        if (this.reason == null) this.reason = reason == null ? "cancelled" : reason;
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Fails with {@code CANCELLED} when tripped. */
    public void check() {
        String r = reason;
        if (r != null) {
            throw new LifeboatException(LifeboatException.Kind.CANCELLED, "operation cancelled: " + r);
        }
    }
}
