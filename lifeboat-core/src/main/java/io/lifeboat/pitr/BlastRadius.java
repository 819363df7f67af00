package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.pitr.Catalog.Table;
import io.lifeboat.postgres.SqlNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The first hour of an incident: which sessions may still be writing, when the mass writes happened, and
 * how far production and the side copy differ in row counts. Read-only queries.
 */
public final class BlastRadius {
    private BlastRadius() {}

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

    /** The sessions of {@link #sessions}, and the threshold they were listed by. */
    public record Activity(long olderThanSeconds, List<Session> sessions) {
        public Activity {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * Sessions of the server other than this one whose transaction is older than {@code olderThan}, and
     * sessions idle in a transaction, oldest transaction first; queries cut to {@code queryChars} characters.
     * Without superuser or {@code pg_read_all_stats}, other roles' queries read {@code <insufficient
     * privilege>}.
     */
    public static Activity sessions(Connection conn, Duration olderThan, int queryChars) throws SQLException {
        String sql = "SELECT pid, usename, datname, application_name, host(client_addr), state,"
                + " extract(epoch FROM clock_timestamp() - xact_start)::float8,"
                + " CASE WHEN state LIKE 'idle in transaction%' THEN 'idle in transaction' ELSE 'long transaction' END,"
                + " left(query, ?) FROM pg_catalog.pg_stat_activity"
                + " WHERE pid <> pg_catalog.pg_backend_pid() AND backend_type = 'client backend'"
                + " AND (state LIKE 'idle in transaction%' OR xact_start < clock_timestamp() - make_interval(secs => ?))"
                + " ORDER BY xact_start NULLS LAST, pid";
        List<Session> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, queryChars);
            ps.setDouble(2, olderThan.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double age = rs.getDouble(7);
                    out.add(new Session(
                            rs.getInt(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.wasNull() ? null : Math.round(age * 10) / 10.0,
                            rs.getString(8),
                            rs.getString(9)));
                }
            }
        }
        return new Activity(olderThan.toSeconds(), out);
    }

    /** How many rows of a table were created and written in one time bucket starting at {@code start} (UTC). */
    public record Bucket(String start, long created, long written) {}

    /** The buckets of one table with writes in the range. */
    public record TableWindow(String table, List<Bucket> buckets) {
        public TableWindow {
            buckets = List.copyOf(buckets);
        }
    }

    /** The histograms of {@link #window}, from {@code from} to {@code to} (UTC, ISO-8601). */
    public record Window(String from, String to, long bucketSeconds, List<TableWindow> tables) {
        public Window {
            tables = List.copyOf(tables);
        }
    }

    /**
     * Per table, the rows whose {@code create_date} and whose {@code write_date} fall in each bucket of {@code
     * bucket} in {@code [from, to)} (Odoo's UTC timestamps); buckets without writes are left out. {@code
     * tables} empty: the {@code largest} largest tables (by estimate) that have both columns.
     */
    public static Window window(
            Connection conn, List<String> tables, int largest, LocalDateTime from, LocalDateTime to, Duration bucket)
            throws SQLException {
        if (bucket.toSeconds() < 1) throw new LifeboatException(Kind.USAGE, "the bucket must be at least a second");
        List<Table> chosen = new ArrayList<>();
        if (tables.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
                            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND pg_catalog.pg_table_is_visible(c.oid)"
                            + " AND (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped"
                            + " AND a.attname IN ('create_date', 'write_date')) = 2 ORDER BY c.reltuples DESC, c.relname LIMIT ?")) {
                ps.setInt(1, largest);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) chosen.add(Catalog.find(conn, rs.getString(1), rs.getString(2)));
                }
            }
        } else {
            for (String t : tables) chosen.add(Catalog.table(conn, t));
        }
        List<TableWindow> out = new ArrayList<>();
        for (Table t : chosen) {
            if (t.column("create_date") == null || t.column("write_date") == null) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "table " + t.display() + " has no create_date and write_date",
                        "Name tables of Odoo models.");
            }
            TreeMap<LocalDateTime, long[]> buckets = new TreeMap<>();
            count(conn, t, "create_date", from, to, bucket, buckets, 0);
            count(conn, t, "write_date", from, to, bucket, buckets, 1);
            List<Bucket> list = new ArrayList<>();
            buckets.forEach((start, n) -> list.add(new Bucket(start.toString(), n[0], n[1])));
            out.add(new TableWindow(t.display(), list));
        }
        return new Window(from.toString(), to.toString(), bucket.toSeconds(), out);
    }

    private static void count(
            Connection conn,
            Table t,
            String column,
            LocalDateTime from,
            LocalDateTime to,
            Duration bucket,
            Map<LocalDateTime, long[]> into,
            int slot)
            throws SQLException {
        String c = SqlNames.ident(column);
        String sql = "SELECT ?::timestamp + (floor(extract(epoch FROM " + c + " - ?::timestamp) / ?) * ?)::float8"
                + " * interval '1 second', count(*) FROM " + t.sql() + " WHERE " + c + " >= ? AND " + c + " < ?"
                + " GROUP BY 1";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, from);
            ps.setObject(2, from);
            ps.setLong(3, bucket.toSeconds());
            ps.setLong(4, bucket.toSeconds());
            ps.setObject(5, from);
            ps.setObject(6, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.computeIfAbsent(rs.getObject(1, LocalDateTime.class), k -> new long[2])[slot] = rs.getLong(2);
                }
            }
        }
    }

    /**
     * The row counts of one table on both sides.
     *
     * @param table the table
     * @param production its rows in production (null: no such table there)
     * @param side its rows in the side copy (null: no such table there)
     * @param delta production minus side (null when a side lacks the table)
     */
    public record TableCount(String table, Long production, Long side, Long delta) {}

    /**
     * The counts of {@link #counts}.
     *
     * @param exact whether these are {@code count(*)} (else estimates from {@code reltuples})
     * @param tables largest absolute delta first; tables missing on one side last
     */
    public record Counts(boolean exact, List<TableCount> tables) {
        public Counts {
            tables = List.copyOf(tables);
        }
    }

    /**
     * Row counts of production and the side copy: exact ({@code count(*)}, both sides at once) for {@code
     * tables}, or estimated ({@code reltuples}) for all tables when {@code tables} is empty.
     */
    public static Counts counts(Connection production, Connection side, List<String> tables) throws SQLException {
        List<TableCount> out = new ArrayList<>();
        if (tables.isEmpty()) {
            Map<String, Long> p = estimates(production);
            Map<String, Long> s = estimates(side);
            TreeMap<String, Long> all = new TreeMap<>(p);
            s.forEach(all::putIfAbsent);
            for (String t : all.keySet()) out.add(count(t, p.get(t), s.get(t)));
        } else {
            for (String name : tables) {
                Table t = Catalog.table(production, name);
                Table st = Catalog.find(side, t.schema(), t.name());
                CompletableFuture<Long> sideCount = CompletableFuture.supplyAsync(() -> {
                    try {
                        return st == null ? null : exact(side, st);
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                long pc = exact(production, t);
                Long sc;
                try {
                    sc = sideCount.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof SQLException se) throw se;
                    throw e;
                }
                out.add(count(t.display(), pc, sc));
            }
        }
        out.sort(Comparator.comparing((TableCount c) -> c.delta() == null)
                .thenComparing(c -> c.delta() == null ? 0 : -Math.abs(c.delta()))
                .thenComparing(TableCount::table));
        return new Counts(!tables.isEmpty(), out);
    }

    private static TableCount count(String table, Long p, Long s) {
        return new TableCount(table, p, s, p == null || s == null ? null : p - s);
    }

    private static long exact(Connection conn, Table t) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM " + t.sql());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> estimates(Connection conn) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT CASE WHEN n.nspname = 'public' THEN c.relname"
                        + " ELSE n.nspname || '.' || c.relname END, greatest(c.reltuples, 0)::bigint"
                        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                        + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }
}
