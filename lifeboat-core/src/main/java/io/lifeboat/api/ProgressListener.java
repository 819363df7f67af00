package io.lifeboat.api;

/**
 * Receives the progress events of an operation, on the thread doing the work: implementations must be
 * thread-safe and quick (a terminal bar redraws at most ten times a second; a server queues the event).
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores everything. */
    ProgressListener NONE = event -> {};

    void onEvent(ProgressEvent event);
}
