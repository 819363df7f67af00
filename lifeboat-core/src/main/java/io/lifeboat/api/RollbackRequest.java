package io.lifeboat.api;

/**
 * A rollback of a database replaced by a restore ({@link RestoreRequest#replace()}), or a look at or
 * removal of its rollback points.
 *
 * @param database the database whose rollback points to use
 * @param action what to do
 * @param dryRun for {@link Action#ROLLBACK} and {@link Action#DISCARD}: say which points would be used,
 *     change nothing
 */
public record RollbackRequest(String database, Action action, boolean dryRun) {

    /** What to do with the rollback points. */
    public enum Action {
        /** Swap the newest rollback point back in; the current data becomes the newest rollback point. */
        ROLLBACK,
        /** List the rollback points, oldest first; change nothing. */
        LIST,
        /** Drop the rollback databases and delete the rollback filestores, for good. */
        DISCARD
    }

    public RollbackRequest {
        if (action == null) action = Action.ROLLBACK;
    }

    /** Swaps the newest rollback point of {@code database} back in. */
    public static RollbackRequest rollback(String database) {
        return new RollbackRequest(database, Action.ROLLBACK, false);
    }

    /** Lists the rollback points of {@code database}. */
    public static RollbackRequest list(String database) {
        return new RollbackRequest(database, Action.LIST, false);
    }

    /** Discards the rollback points of {@code database}. */
    public static RollbackRequest discard(String database) {
        return new RollbackRequest(database, Action.DISCARD, false);
    }

    public RollbackRequest withDryRun(boolean d) {
        return new RollbackRequest(database, action, d);
    }
}
