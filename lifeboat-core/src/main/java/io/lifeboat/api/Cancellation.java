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
        synchronized (this) {
            if (this.reason == null) this.reason = reason == null ? "cancelled" : reason;
            notifyAll();
        }
    }

    /**
     * Waits until the token is tripped or {@code timeout} has passed (for resident loops that pause
     * between passes); returns whether it is tripped.
     */
    public boolean await(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (reason == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel("interrupted");
                }
            }
            return reason != null;
        }
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
