package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.pitr.Catalog.Column;
import io.lifeboat.pitr.Catalog.Table;
import io.lifeboat.pitr.RepairPlan.Change;
import io.lifeboat.pitr.RepairPlan.Row;
import io.lifeboat.pitr.RepairPlan.TablePlan;
import io.lifeboat.pitr.RepairPlan.Update;
import io.lifeboat.postgres.SqlNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Compares tables of production with the side copy and makes a {@link RepairPlan}.
 *
 * <p>With an integer key: both sides hash key ranges at the same time (the sum of the 64-bit {@code
 * hashtextextended} of each row's text {@code ROW(columns)::text}, with the range's row count: no sort
 * needed), the ranges whose hashes differ are hashed row by row ({@code md5}), and only the rows whose
 * hashes differ are fetched. Without a key
 * (relation tables), each side counts its rows per row hash and the differing hashes are fetched. Only the
 * columns both sides have are compared; the others are reported.
 *
 * <p>Both connections must stay open for the diff; their session settings are set to {@link
 * Catalog#SETTINGS}.
 */
public final class Differ {

    /**
     * What to compare and how.
     *
     * @param rowsPerRange rows per hashed key range (about)
     * @param deleteExtra tables (as named in their {@link Target}) whose rows only production has are deleted
     *     by the repair
     * @param window the incident window, or null: changed rows are restored only when production's value of
     *     the window's column lies in it
     */
    public record Options(int rowsPerRange, Set<String> deleteExtra, Window window) {
        public Options {
            if (rowsPerRange < 1) throw new IllegalArgumentException("rowsPerRange " + rowsPerRange);
            deleteExtra = Set.copyOf(deleteExtra);
        }

        public static Options defaults() {
            return new Options(1000, Set.of(), null);
        }

        public Options withDeleteExtra(Set<String> tables) {
            return new Options(rowsPerRange, tables, window);
        }

        public Options withWindow(Window w) {
            return new Options(rowsPerRange, deleteExtra, w);
        }
    }

    /**
     * When the accident wrote: a changed row whose production value of {@code column} (a timestamp, Odoo's
     * {@code write_date} in UTC) is outside {@code [from, to]} was written by someone else and is kept. Tables
     * without the column are restored whole.
     */
    public record Window(String column, LocalDateTime from, LocalDateTime to) {
        boolean contains(String value) {
            if (value == null) return false;
            LocalDateTime t;
            try {
                t = LocalDateTime.parse(value.replace(' ', 'T'));
            } catch (DateTimeParseException e) {
                return true; // not a plain timestamp: restore, as without a window
            }
            return !t.isBefore(from) && !t.isAfter(to);
        }
    }

    /**
     * A table to compare, as a user named it, with an optional filter: only rows whose {@code column} equals
     * {@code value} (as text).
     */
    public record Target(String table, String filterColumn, String filterValue) {
        public static Target of(String table) {
            return new Target(table, null, null);
        }
    }

    private static final int FETCH_CHUNK = 5000;

    private final Connection production;
    private final Connection side;
    private final Options options;
    private final Consumer<String> progress;

    /**
     * @param production the production database
     * @param side the side copy
     * @param progress told which table is being compared
     */
    public Differ(Connection production, Connection side, Options options, Consumer<String> progress) {
        this.production = production;
        this.side = side;
        this.options = options;
        this.progress = progress;
    }

    /**
     * The targets of Odoo model {@code model}: its table, its many2many relation tables, and its rows of
     * {@code ir_attachment} ({@code res_model}) and {@code mail_message} ({@code model}) when those tables
     * exist.
     */
    public static List<Target> modelTargets(Connection production, String model) throws SQLException {
        List<Target> out = new ArrayList<>();
        for (Table t : Catalog.modelTables(production, model)) out.add(Target.of(t.display()));
        Table att = Catalog.find(production, null, "ir_attachment");
        if (att != null && att.column("res_model") != null) out.add(new Target("ir_attachment", "res_model", model));
        Table msg = Catalog.find(production, null, "mail_message");
        if (msg != null && msg.column("model") != null) out.add(new Target("mail_message", "model", model));
        return out;
    }

    /** Compares {@code targets} and returns the plan. */
    public RepairPlan diff(List<Target> targets) throws SQLException {
        Catalog.prepare(production);
        Catalog.prepare(side);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-pitr-side");
            t.setDaemon(true);
            return t;
        });
        try {
            List<TablePlan> tables = new ArrayList<>();
            for (Target target : targets) tables.add(diff(target, pool));
            return new RepairPlan(
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                    production.getCatalog(),
                    side.getCatalog(),
                    tables);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One table; the side copy's queries run on {@code pool} while production's run here. */
    private TablePlan diff(Target target, ExecutorService pool) throws SQLException {
        progress.accept(target.table());
        Table prod = Catalog.table(production, target.table());
        Table sideTable = Catalog.find(side, prod.schema(), prod.name());
        if (sideTable == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "the side copy " + side.getCatalog() + " has no table " + prod.display(),
                    "Compare tables both databases have.");
        }
        List<Column> columns = new ArrayList<>();
        List<String> prodOnly = new ArrayList<>();
        for (Column c : prod.columns()) {
            if (sideTable.column(c.name()) != null) columns.add(c);
            else prodOnly.add(c.name());
        }
        List<String> sideOnly = new ArrayList<>();
        for (Column c : sideTable.columns()) if (prod.column(c.name()) == null) sideOnly.add(c.name());
        String filter = null;
        if (target.filterColumn() != null) {
            if (prod.column(target.filterColumn()) == null || sideTable.column(target.filterColumn()) == null) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "table " + prod.display() + " has no column " + target.filterColumn() + " on both sides");
            }
            filter = target.filterColumn() + " = " + Script.literal(target.filterValue());
        }
        Query q = new Query(prod.sql(), columns, prod.key(), target.filterColumn(), target.filterValue());
        boolean deleteExtra = options.deleteExtra().contains(target.table());
        if (prod.key() != null
                && Objects.equals(prod.key(), sideTable.key())
                && columns.stream().anyMatch(c -> c.name().equals(prod.key()))) {
            return keyed(prod, q, filter, prodOnly, sideOnly, deleteExtra, pool);
        }
        if (!prodOnly.isEmpty() || !sideOnly.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "cannot compare table " + prod.display() + ": "
                            + (prod.keyProblem() != null ? prod.keyProblem() : "the sides have different keys")
                            + " and the two sides have different columns",
                    "Without a single integer primary key, all columns are the key: both sides need the same ones.");
        }
        return keyless(prod, q, filter, deleteExtra, pool);
    }

    private TablePlan keyed(
            Table t,
            Query q,
            String filter,
            List<String> prodOnly,
            List<String> sideOnly,
            boolean deleteExtra,
            ExecutorService pool)
            throws SQLException {
        // 1. the key span and the row counts
        Both<long[]> span = both(pool, c -> q.span(c));
        long prodRows = span.production()[2];
        long sideRows = span.side()[2];
        List<Row> inserts = new ArrayList<>();
        List<Update> updates = new ArrayList<>();
        List<Update> skipped = new ArrayList<>();
        List<Row> deletes = new ArrayList<>();
        int windowColumn = -1;
        if (options.window() != null) {
            for (int i = 0; i < q.columns().size(); i++) {
                if (q.columns().get(i).name().equals(options.window().column())) windowColumn = i;
            }
        }
        if (prodRows + sideRows > 0) {
            long base = Math.min(span.production()[0], span.side()[0]);
            long last = Math.max(span.production()[1], span.side()[1]);
            long ranges = Math.max(1, Math.max(prodRows, sideRows) / options.rowsPerRange());
            long width = Math.max(1, (last - base) / ranges + 1);
            // 2. hashes of key ranges
            Both<Map<Long, String>> rangeHashes = both(pool, c -> q.rangeHashes(c, base, width));
            TreeSet<Long> differing = new TreeSet<>();
            Set<Long> all = new HashSet<>(rangeHashes.production().keySet());
            all.addAll(rangeHashes.side().keySet());
            for (Long r : all) {
                if (!Objects.equals(
                        rangeHashes.production().get(r), rangeHashes.side().get(r))) differing.add(r);
            }
            // 3. hashes of the rows of differing ranges
            List<long[]> bounds = new ArrayList<>();
            for (Long r : differing) {
                long lo = base + r * width;
                long hi = lo + width;
                if (!bounds.isEmpty() && bounds.get(bounds.size() - 1)[1] == lo) bounds.get(bounds.size() - 1)[1] = hi;
                else bounds.add(new long[] {lo, hi});
            }
            Both<Map<Long, String>> rowHashes = both(pool, c -> q.rowHashes(c, bounds));
            TreeSet<Long> onlySide = new TreeSet<>();
            TreeSet<Long> onlyProd = new TreeSet<>();
            TreeSet<Long> changed = new TreeSet<>();
            for (var e : rowHashes.side().entrySet()) {
                String p = rowHashes.production().get(e.getKey());
                if (p == null) onlySide.add(e.getKey());
                else if (!p.equals(e.getValue())) changed.add(e.getKey());
            }
            for (Long k : rowHashes.production().keySet()) if (!rowHashes.side().containsKey(k)) onlyProd.add(k);
            // 4. the rows that differ, whole
            List<Long> sideKeys = new ArrayList<>(onlySide);
            sideKeys.addAll(changed);
            List<Long> prodKeys = new ArrayList<>(onlyProd);
            prodKeys.addAll(changed);
            var sideFetch = CompletableFuture.supplyAsync(() -> unchecked(() -> q.rows(side, sideKeys)), pool);
            Map<Long, Fetched> prodValues = q.rows(production, prodKeys);
            Map<Long, Fetched> sideValues = join(sideFetch);
            for (Long k : onlySide) {
                Fetched f = sideValues.get(k);
                inserts.add(new Row(Long.toString(k), f.values(), f.hash(), 1, 0));
            }
            for (Long k : onlyProd) {
                Fetched f = prodValues.get(k);
                deletes.add(new Row(Long.toString(k), f.values(), f.hash(), 1, 1));
            }
            for (Long k : changed) {
                Fetched p = prodValues.get(k);
                Fetched s = sideValues.get(k);
                List<Change> changes = new ArrayList<>();
                for (int i = 0; i < q.columns().size(); i++) {
                    if (!Objects.equals(p.values().get(i), s.values().get(i))) {
                        changes.add(new Change(
                                q.columns().get(i).name(),
                                s.values().get(i),
                                p.values().get(i)));
                    }
                }
                Update u = new Update(Long.toString(k), changes, p.hash(), s.hash());
                if (windowColumn < 0 || options.window().contains(p.values().get(windowColumn))) updates.add(u);
                else skipped.add(u);
            }
        }
        return new TablePlan(
                t.schema(),
                t.name(),
                t.key(),
                filter,
                q.columns(),
                prodOnly,
                sideOnly,
                prodRows,
                sideRows,
                deleteExtra,
                inserts,
                updates,
                skipped,
                deletes);
    }

    private TablePlan keyless(Table t, Query q, String filter, boolean deleteExtra, ExecutorService pool)
            throws SQLException {
        Both<Map<String, Long>> counts = both(pool, q::hashCounts);
        Set<String> hashes = new TreeSet<>(counts.production().keySet());
        hashes.addAll(counts.side().keySet());
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (String h : hashes) {
            long p = counts.production().getOrDefault(h, 0L);
            long s = counts.side().getOrDefault(h, 0L);
            if (s > p) missing.add(h);
            else if (p > s) extra.add(h);
        }
        var sideFetch = CompletableFuture.supplyAsync(() -> unchecked(() -> q.rowsByHash(side, missing)), pool);
        Map<String, List<String>> prodValues = q.rowsByHash(production, extra);
        Map<String, List<String>> sideValues = join(sideFetch);
        List<Row> inserts = new ArrayList<>();
        for (String h : missing) {
            long p = counts.production().getOrDefault(h, 0L);
            inserts.add(new Row(null, sideValues.get(h), h, counts.side().get(h) - p, p));
        }
        List<Row> deletes = new ArrayList<>();
        for (String h : extra) {
            long p = counts.production().get(h);
            deletes.add(new Row(null, prodValues.get(h), h, p - counts.side().getOrDefault(h, 0L), p));
        }
        long prodRows =
                counts.production().values().stream().mapToLong(Long::longValue).sum();
        long sideRows =
                counts.side().values().stream().mapToLong(Long::longValue).sum();
        return new TablePlan(
                t.schema(),
                t.name(),
                null,
                filter,
                q.columns(),
                List.of(),
                List.of(),
                prodRows,
                sideRows,
                deleteExtra,
                inserts,
                List.of(),
                List.of(),
                deletes);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Running the same query on both sides at once

    private record Both<T>(T production, T side) {}

    @FunctionalInterface
    private interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private <T> Both<T> both(ExecutorService pool, SqlFunction<T> f) throws SQLException {
        CompletableFuture<T> s = CompletableFuture.supplyAsync(() -> unchecked(() -> f.apply(side)), pool);
        T p;
        try {
            p = f.apply(production);
        } catch (SQLException | RuntimeException e) {
            join(s);
            throw e;
        }
        return new Both<>(p, join(s));
    }

    private static <T> T unchecked(SqlSupplier<T> s) {
        try {
            return s.get();
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) throws SQLException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // The queries

    private record Fetched(List<String> values, String hash) {}

    /** The queries of one table; the same text on both sides. */
    private record Query(String table, List<Column> columns, String key, String filterColumn, String filterValue) {

        /** {@code ROW(t.c1, …)::text}: a row's text form. */
        String rowExpr() {
            StringBuilder b = new StringBuilder("ROW(");
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) b.append(", ");
                b.append("t.").append(SqlNames.ident(columns.get(i).name()));
            }
            return b.append(")::text").toString();
        }

        /** The md5 of a row's text form: the row hash of plans. */
        String rowText() {
            return "md5(" + rowExpr() + ")";
        }

        String k() {
            return "t." + SqlNames.ident(key);
        }

        /** {@code WHERE} with the filter, or with {@code TRUE}. */
        String where() {
            return filterColumn == null ? " WHERE TRUE" : " WHERE t." + SqlNames.ident(filterColumn) + " = ?";
        }

        /** Binds the filter's value as parameter 1 when there is one; the next parameter's index. */
        int bind(PreparedStatement ps) throws SQLException {
            if (filterColumn == null) return 1;
            ps.setString(1, filterValue);
            return 2;
        }

        /** min(key), max(key), count(*). */
        long[] span(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT min(" + k() + "), max(" + k() + "), count(*) FROM " + table + " t" + where())) {
                bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                }
            }
        }

        /** Range number → row count and hash of its rows. */
        Map<Long, String> rangeHashes(Connection c, long base, long width) throws SQLException {
            // order-independent (no sort): the sum of 64-bit hashes of the rows' text, with the row count
            String sql = "SELECT (" + k() + "::bigint - ?) / ?, count(*) || ':' || sum(pg_catalog.hashtextextended("
                    + rowExpr()
                    + ", 0)::numeric) FROM " + table + " t" + where() + " GROUP BY 1";
            Map<Long, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, base);
                ps.setLong(2, width);
                if (filterColumn != null) ps.setString(3, filterValue);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
                }
            }
            return out;
        }

        /** Key → row hash of the rows in the key ranges [lo, hi). */
        Map<Long, String> rowHashes(Connection c, List<long[]> bounds) throws SQLException {
            Map<Long, String> out = new HashMap<>();
            String sql = "SELECT " + k() + ", " + rowText() + " FROM " + table + " t" + where() + " AND " + k()
                    + " >= ? AND " + k() + " < ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (long[] b : bounds) {
                    int i = bind(ps);
                    ps.setLong(i, b[0]);
                    ps.setLong(i + 1, b[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            return out;
        }

        /** The text values and hash of the rows with {@code keys}. */
        Map<Long, Fetched> rows(Connection c, List<Long> keys) throws SQLException {
            Map<Long, Fetched> out = new TreeMap<>();
            if (keys.isEmpty()) return out;
            String sql =
                    "SELECT " + k() + ", " + rowText() + values() + " FROM " + table + " t WHERE " + k() + " = ANY (?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int from = 0; from < keys.size(); from += FETCH_CHUNK) {
                    List<Long> chunk = keys.subList(from, Math.min(keys.size(), from + FETCH_CHUNK));
                    ps.setArray(1, c.createArrayOf("bigint", chunk.toArray(Long[]::new)));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getLong(1), new Fetched(texts(rs, 3), rs.getString(2)));
                    }
                }
            }
            return out;
        }

        /** Row hash → number of rows. */
        Map<String, Long> hashCounts(Connection c) throws SQLException {
            Map<String, Long> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + rowText() + ", count(*) FROM " + table + " t" + where() + " GROUP BY 1")) {
                bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        }

        /** Row hash → the text values of one row with it. */
        Map<String, List<String>> rowsByHash(Connection c, List<String> hashes) throws SQLException {
            Map<String, List<String>> out = new HashMap<>();
            if (hashes.isEmpty()) return out;
            String sql = "SELECT DISTINCT ON (1) " + rowText() + values() + " FROM " + table + " t WHERE " + rowText()
                    + " = ANY (?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("text", hashes.toArray(String[]::new)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), texts(rs, 2));
                }
            }
            return out;
        }

        private String values() {
            StringBuilder b = new StringBuilder();
            for (Column col : columns)
                b.append(", t.").append(SqlNames.ident(col.name())).append("::text");
            return b.toString();
        }

        private List<String> texts(ResultSet rs, int first) throws SQLException {
            List<String> v = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) v.add(rs.getString(first + i));
            return v;
        }
    }
}
