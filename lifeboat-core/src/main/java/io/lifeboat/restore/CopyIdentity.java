package io.lifeboat.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Gives a restored database its own identity, as Odoo does when it restores "as a copy": a new
 * {@code database.uuid} (a time-based UUID, like Python's {@code uuid1}), a new {@code database.secret}
 * ({@code uuid4}) and a new {@code database.create_date} (UTC, {@code YYYY-MM-DD HH:MM:SS}). Without it,
 * a copy shares its identity with production (enterprise subscription, signed tokens and links).
 */
public final class CopyIdentity {
    private CopyIdentity() {}

    /** Replaces the three parameters in the caller's transaction and returns the new uuid. */
    public static String apply(Connection conn) throws SQLException {
        String uuid = timeBasedUuid().toString();
        String now = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        set(conn, "database.uuid", uuid);
        set(conn, "database.secret", UUID.randomUUID().toString());
        set(conn, "database.create_date", now);
        return uuid;
    }

    private static void set(Connection conn, String key, String value) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement("INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                        + " VALUES (?, ?, now() at time zone 'UTC', now() at time zone 'UTC')"
                        + " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
                        + " write_date = EXCLUDED.write_date")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    /** A version-1 UUID from the current time and a random node, as Python's uuid.uuid1() without a MAC. */
    static UUID timeBasedUuid() {
        long ticks = (System.currentTimeMillis() * 10_000L) + 0x01B21DD213814000L + (System.nanoTime() / 100 % 10_000);
        long timeLow = ticks & 0xFFFFFFFFL;
        long timeMid = (ticks >>> 32) & 0xFFFFL;
        long timeHi = (ticks >>> 48) & 0x0FFFL;
        long msb = (timeLow << 32) | (timeMid << 16) | (1L << 12) | timeHi;
        var random = new java.security.SecureRandom();
        long clockSeq = random.nextInt(1 << 14);
        long node = random.nextLong() & 0xFFFFFFFFFFFFL | 0x010000000000L; // multicast bit: random node
        long lsb = (0x8000L | clockSeq) << 48 | node;
        return new UUID(msb, lsb);
    }
}
