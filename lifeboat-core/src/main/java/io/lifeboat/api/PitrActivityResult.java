package io.lifeboat.api;

import java.util.List;

/**
 * Sessions of production's server that may still be writing ({@code lifeboat pitr activity}).
 *
 * @param olderThanSeconds transactions open longer than this are listed
 * @param sessions the sessions, oldest transaction first
 */
public record PitrActivityResult(long olderThanSeconds, List<Session> sessions) {
    public PitrActivityResult {
        sessions = List.copyOf(sessions);
    }

    /**
     * A session of {@code pg_stat_activity} worth a look.
     *
     * @param pid its backend pid
     * @param user its role
     * @param database its database
     * @param applicationName its application_name
     * @param clientAddr its client address, or null (Unix socket)
     * @param state its state ({@code active}, {@code idle in transaction}, …)
     * @param transactionSeconds how long its transaction has been open, or null
     * @param reason why it is listed: {@code long transaction}, {@code idle in transaction}
     * @param query its latest query, truncated
     */
    public record Session(
            int pid,
            String user,
            String database,
            String applicationName,
            String clientAddr,
            String state,
            Double transactionSeconds,
            String reason,
            String query) {}
}
