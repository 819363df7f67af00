package io.lifeboat.api;

/**
 * One progress report of a running operation, for a terminal bar or a stream of server-sent events.
 *
 * <p>{@code PHASE} starts a phase ({@code total} in {@code unit}, -1 when unknown); {@code ADVANCE}
 * says {@code delta} more units of {@code phase} are done ({@code done} counts them all); {@code
 * WARNING} carries a message that is also part of the final result. Phases may overlap (a restore loads
 * the database while it writes the filestore): events are delivered on the thread doing the work, and
 * a phase counts on the thread that began it and the threads that thread started.
 *
 * @param operation the operation's id, as the result and the run ledger name it
 * @param unit {@code "B"} for bytes, {@code "files"}, {@code "objects"}, or another count
 * @param item the item being worked on (a file name, a table), or null
 */
public record ProgressEvent(
        String operation,
        Type type,
        String phase,
        String unit,
        long done,
        long total,
        long delta,
        String item,
        String message) {

    /** What the event reports. */
    public enum Type {
        PHASE,
        ADVANCE,
        WARNING
    }

    private boolean bytes() {
        return "B".equals(unit) || "bytes".equals(unit);
    }

    private boolean files() {
        return "files".equals(unit);
    }

    /** Bytes done in this phase, or -1 when the phase counts something else. */
    public long bytesDone() {
        return bytes() ? done : -1;
    }

    /** Bytes this phase will do, or -1 when unknown or counting something else. */
    public long bytesTotal() {
        return bytes() ? total : -1;
    }

    /** Files done in this phase, or -1 when the phase counts something else. */
    public long filesDone() {
        return files() ? done : -1;
    }

    /** Files this phase will do, or -1 when unknown or counting something else. */
    public long filesTotal() {
        return files() ? total : -1;
    }
}
