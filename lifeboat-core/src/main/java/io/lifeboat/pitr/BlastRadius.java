package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.PitrActivityResult;
import io.lifeboat.api.PitrCountsResult;
import io.lifeboat.api.PitrWindowResult;
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
     * Sessions of the server other than this one whose transaction is older than {@code olderThan}, and
     * sessions idle in a transaction, oldest transaction first; queries cut to {@code queryChars} characters.
     * Without superuser or {@code pg_read_all_stats}, other roles' queries read {@code <insufficient
     * privilege>}.
     */
    public static PitrActivityResult sessions(Connection conn, Duration olderThan, int queryChars) throws SQLException {
        String sql = "SELECT pid, usename, datname, application_name, host(client_addr), state,"
                + " extract(epoch FROM clock_timestamp() - xact_start)::float8,"
                + " CASE WHEN state LIKE 'idle in transaction%' THEN 'idle in transaction' ELSE 'long transaction' END,"
                + " left(query, ?) FROM pg_catalog.pg_stat_activity"
                + " WHERE pid <> pg_catalog.pg_backend_pid() AND backend_type = 'client backend'"
                + " AND (state LIKE 'idle in transaction%' OR xact_start < clock_timestamp() - make_interval(secs => ?))"
                + " ORDER BY xact_start NULLS LAST, pid";
        List<PitrActivityResult.Session> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, queryChars);
            ps.setDouble(2, olderThan.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double age = rs.getDouble(7);
                    out.add(new PitrActivityResult.Session(
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
        return new PitrActivityResult(olderThan.toSeconds(), out);
    }

    /**
     * Per table, the rows whose {@code create_date} and whose {@code write_date} fall in each bucket of {@code
     * bucket} in {@code [from, to)} (Odoo's UTC timestamps); buckets without writes are left out. {@code
     * tables} empty: the {@code largest} largest tables (by estimate) that have both columns.
     */
    public static PitrWindowResult window(
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
        List<PitrWindowResult.Table> out = new ArrayList<>();
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
            List<PitrWindowResult.Bucket> list = new ArrayList<>();
            buckets.forEach((start, n) -> list.add(new PitrWindowResult.Bucket(start.toString(), n[0], n[1])));
            out.add(new PitrWindowResult.Table(t.display(), list));
        }
        return new PitrWindowResult(from.toString(), to.toString(), bucket.toSeconds(), out);
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
     * Row counts of production and the side copy: exact ({@code count(*)}, both sides at once) for {@code
     * tables}, or estimated ({@code reltuples}) for all tables when {@code tables} is empty.
     */
    public static PitrCountsResult counts(Connection production, Connection side, List<String> tables)
            throws SQLException {
        List<PitrCountsResult.Table> out = new ArrayList<>();
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
        out.sort(Comparator.comparing((PitrCountsResult.Table c) -> c.delta() == null)
                .thenComparing(c -> c.delta() == null ? 0 : -Math.abs(c.delta()))
                .thenComparing(PitrCountsResult.Table::table));
        return new PitrCountsResult(!tables.isEmpty(), out);
    }

    private static PitrCountsResult.Table count(String table, Long p, Long s) {
        return new PitrCountsResult.Table(table, p, s, p == null || s == null ? null : p - s);
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
