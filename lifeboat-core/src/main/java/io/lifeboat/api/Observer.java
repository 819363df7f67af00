package io.lifeboat.api;

/**
 * How a caller follows one operation: its progress events and the token that cancels it.
 *
 * @param operation the operation's id for progress events, or null to let the facade choose one
 */
public record Observer(String operation, ProgressListener listener, Cancellation cancellation) {

    public Observer {
        if (listener == null) listener = ProgressListener.NONE;
        if (cancellation == null) cancellation = Cancellation.none();
    }

    /** No progress, never cancelled. */
    public static Observer none() {
        return new Observer(null, ProgressListener.NONE, Cancellation.none());
    }

    public static Observer of(ProgressListener listener, Cancellation cancellation) {
        return new Observer(null, listener, cancellation);
    }
}
