package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.pitr.Catalog.Column;
import io.lifeboat.pitr.Catalog.Table;
import io.lifeboat.pitr.RepairPlan.Change;
import io.lifeboat.pitr.RepairPlan.Row;
import io.lifeboat.pitr.RepairPlan.TablePlan;
import io.lifeboat.pitr.RepairPlan.Update;
import io.lifeboat.postgres.SqlNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A repair plan as the SQL statements that carry it out, in order, for one transaction: session settings,
 * checks that production is still as the diff saw it, row counts before, inserts (parents first), updates,
 * deletes (children first), checks of the result, row counts after. {@link Repairer} runs them over JDBC;
 * {@link #text()} is the same statements as a psql script. Checks raise an exception, so either way a
 * failed check rolls the whole transaction back.
 *
 * <p>Every table and column name is checked against production's pg_catalog and quoted; keys are parsed as
 * integers, hashes as md5 digests, values written as escaped string literals cast to the column's type.
 */
public final class Script {

    /** What a statement is for. */
    public enum Kind {
        SETTING,
        CHECK_BEFORE,
        COUNT_BEFORE,
        INSERT,
        UPDATE,
        DELETE,
        CHECK_AFTER,
        COUNT_AFTER
    }

    /**
     * One statement.
     *
     * @param kind what it is for
     * @param table the plan's table it concerns (index into the plan's tables), or -1
     * @param rows rows it changes (INSERT, UPDATE, DELETE), else 0
     * @param sql the statement, without the final semicolon
     */
    public record Step(Kind kind, int table, long rows, String sql) {}

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final int INSERT_BATCH = 500;

    private final List<Step> steps;
    private final RepairPlan plan;
    private final int[] countIndex;

    private Script(RepairPlan plan, List<Step> steps, int[] countIndex) {
        this.plan = plan;
        this.steps = List.copyOf(steps);
        this.countIndex = countIndex.clone();
    }

    public List<Step> steps() {
        return steps;
    }

    public RepairPlan plan() {
        return plan;
    }

    /** {@code value} as an SQL string literal ({@code standard_conforming_strings} on), or {@code NULL}. */
    public static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    /**
     * The statements of {@code plan} against {@code production}: its tables and columns are looked up there
     * (and must exist), the order of inserts and deletes follows its foreign keys.
     *
     * @throws LifeboatException {@code BAD_INPUT} when the plan names what production lacks or holds a
     *     malformed key or hash
     */
    public static Script of(Connection production, RepairPlan plan) throws SQLException {
        List<Table> tables = new ArrayList<>();
        for (TablePlan t : plan.tables()) tables.add(resolve(production, t));
        List<Integer> parentsFirst = order(production, tables);
        // a table may come twice (a model's rows of ir_attachment and the whole table): its count is checked once,
        // at its first entry with changes, against the sum of all its entries' inserts and deletes
        int[] countIndex = new int[tables.size()];
        Map<Long, Integer> first = new HashMap<>();
        long[] delta = new long[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            TablePlan t = plan.tables().get(i);
            int index = i;
            countIndex[i] =
                    t.unchanged() ? i : first.computeIfAbsent(tables.get(i).oid(), k -> index);
            delta[countIndex[i]] += t.insertedRows() - t.deletedRows();
        }
        List<Step> steps = new ArrayList<>();
        for (String s : Catalog.SETTINGS) steps.add(new Step(Kind.SETTING, -1, 0, s.replace("SET ", "SET LOCAL ")));
        for (int i = 0; i < tables.size(); i++) {
            TablePlan t = plan.tables().get(i);
            if (t.unchanged()) continue;
            steps.add(new Step(Kind.CHECK_BEFORE, i, 0, check(i, tables.get(i), t, true, null)));
            if (countIndex[i] != i) continue;
            steps.add(new Step(
                    Kind.COUNT_BEFORE,
                    i,
                    0,
                    "SELECT " + literal(t.display()) + " AS table_name, pg_catalog.set_config('lifeboat.rows_before_"
                            + i + "', count(*)::text, true) AS rows_before FROM "
                            + tables.get(i).sql()));
        }
        for (int i : parentsFirst)
            inserts(steps, i, tables.get(i), plan.tables().get(i));
        for (int i = 0; i < tables.size(); i++)
            updates(steps, i, tables.get(i), plan.tables().get(i));
        for (int i : parentsFirst.reversed())
            deletes(steps, i, tables.get(i), plan.tables().get(i));
        for (int i = 0; i < tables.size(); i++) {
            TablePlan t = plan.tables().get(i);
            if (t.unchanged()) continue;
            boolean counted = countIndex[i] == i;
            steps.add(new Step(Kind.CHECK_AFTER, i, 0, check(i, tables.get(i), t, false, counted ? delta[i] : null)));
            if (!counted) continue;
            steps.add(new Step(
                    Kind.COUNT_AFTER,
                    i,
                    0,
                    "SELECT " + literal(t.display()) + " AS table_name, count(*) AS rows_after FROM "
                            + tables.get(i).sql()));
        }
        return new Script(plan, steps, countIndex);
    }

    /** The entry of the plan whose row counts stand for entry {@code i}'s table (the same table's first entry). */
    public int countIndex(int i) {
        return countIndex[i];
    }

    /** The psql script: one transaction, stopping at the first error. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("-- Lifeboat repair of ")
                .append(oneLine(plan.production()))
                .append(" from the side copy ")
                .append(oneLine(plan.side()))
                .append(", diff of ")
                .append(oneLine(plan.created()))
                .append('\n');
        b.append("-- Run with: psql -X -v ON_ERROR_STOP=1 -d DATABASE -f THIS_FILE\n");
        b.append("\\set ON_ERROR_STOP on\n");
        b.append("BEGIN ISOLATION LEVEL REPEATABLE READ;\n");
        for (Step s : steps) {
            if (s.kind() == Kind.CHECK_BEFORE) {
                TablePlan t = plan.tables().get(s.table());
                long extra = t.deletes().stream().mapToLong(Row::copies).sum();
                b.append("\n-- ")
                        .append(oneLine(t.display()))
                        .append(t.filter() == null ? "" : " (" + oneLine(t.filter()) + ")")
                        .append(": ")
                        .append(t.insertedRows())
                        .append(" row(s) to re-insert, ")
                        .append(t.updates().size())
                        .append(" to restore, ")
                        .append(extra)
                        .append(t.deleteExtra() ? " extra to delete" : " extra kept")
                        .append(
                                t.skipped().isEmpty()
                                        ? ""
                                        : ", " + t.skipped().size() + " changed outside the window kept")
                        .append('\n');
            }
            b.append(s.sql()).append(";\n");
        }
        b.append("COMMIT;\n");
        return b.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
    }

    // ----------------------------------------------------------------------------------------------------------

    /** The table of {@code t} in production, with the plan's columns and key checked against it. */
    private static Table resolve(Connection production, TablePlan t) throws SQLException {
        Table table = t.schema() == null || t.table() == null ? null : Catalog.find(production, t.schema(), t.table());
        if (table == null) throw bad("no table " + t.schema() + "." + t.table() + " in production");
        for (Column c : t.columns()) {
            if (table.column(c.name()) == null) throw bad("table " + table.display() + " has no column " + c.name());
        }
        if (t.key() != null && !t.key().equals(table.key())) {
            throw bad("the key of table " + table.display() + " is not " + t.key());
        }
        int n = t.columns().size();
        for (Row r : t.inserts()) checkRow(table, t, r, n);
        for (Row r : t.deletes()) checkRow(table, t, r, n);
        for (Update u : t.updates()) {
            key(u.key());
            hash(u.productionHash());
            hash(u.sideHash());
            if (t.key() == null || u.changes().isEmpty()) throw bad("malformed update in table " + table.display());
            for (Change c : u.changes()) {
                if (t.columns().stream().noneMatch(col -> col.name().equals(c.column()))) {
                    throw bad("table " + table.display() + " has no column " + c.column());
                }
            }
        }
        return table;
    }

    private static void checkRow(Table table, TablePlan t, Row r, int n) {
        if (t.key() != null) key(r.key());
        hash(r.hash());
        if (r.values() == null || r.values().size() != n || r.copies() < 1 || r.productionCopies() < 0) {
            throw bad("malformed row in table " + table.display());
        }
    }

    private static long key(String k) {
        try {
            return Long.parseLong(k);
        } catch (NumberFormatException | NullPointerException e) {
            throw bad("malformed key " + k);
        }
    }

    private static String hash(String h) {
        if (h == null || !MD5.matcher(h).matches()) throw bad("malformed row hash " + h);
        return h;
    }

    private static LifeboatException bad(String what) {
        return new LifeboatException(
                LifeboatException.Kind.BAD_INPUT,
                "the repair plan does not fit production: " + what,
                "Run pitr diff again against this database.");
    }

    /** The production type of column {@code name}. */
    private static String type(Table table, String name) {
        return table.column(name).type();
    }

    private static String value(Table table, String column, String text) {
        return text == null ? "NULL" : literal(text) + "::" + type(table, column);
    }

    private static String rowText(Table table, TablePlan t, String alias) {
        StringBuilder b = new StringBuilder("md5(ROW(");
        for (int i = 0; i < t.columns().size(); i++) {
            if (i > 0) b.append(", ");
            b.append(alias).append('.').append(SqlNames.ident(t.columns().get(i).name()));
        }
        return b.append(")::text)").toString();
    }

    /**
     * A DO block raising an exception unless each affected row is as expected: before, as the diff saw it in
     * production; after, as the side copy has it (and deleted rows gone), with the row count before plus
     * inserts minus deletes.
     */
    /** How many offending rows a failed check names (the count is always given). */
    private static final int SHOWN = 20;

    private static String check(int index, Table table, TablePlan t, boolean before, Long countDelta) {
        List<String> expected = new ArrayList<>();
        String body;
        String what = before ? "production changed since the diff" : "the repair did not give the expected rows";
        if (t.key() != null) {
            for (Row r : t.inserts())
                expected.add("(" + key(r.key()) + ", " + (before ? "NULL" : literal(r.hash())) + ")");
            for (Update u : t.updates()) {
                expected.add("(" + key(u.key()) + ", " + literal(before ? u.productionHash() : u.sideHash()) + ")");
            }
            if (t.deleteExtra()) {
                for (Row r : t.deletes())
                    expected.add("(" + key(r.key()) + ", " + (before ? literal(r.hash()) : "NULL") + ")");
            }
            String k = "t." + SqlNames.ident(t.key());
            // the simple form: the expected rows left-joined with the table's rows
            body = "SELECT count(*), array_to_string((array_agg(v.k::text ORDER BY v.k))[1:" + SHOWN + "], ', ')"
                    + " INTO bad_count, bad_rows FROM (VALUES "
                    + String.join(", ", expected) + ") v(k, h) LEFT JOIN " + table.sql() + " t ON " + k
                    + " = v.k WHERE CASE WHEN v.h IS NULL THEN " + k + " IS NOT NULL ELSE " + k + " IS NULL OR "
                    + rowText(table, t, "t") + " <> v.h END";
        } else {
            for (Row r : t.inserts()) {
                expected.add("(" + literal(hash(r.hash())) + ", "
                        + (before ? r.productionCopies() : r.productionCopies() + r.copies()) + ")");
            }
            if (t.deleteExtra()) {
                for (Row r : t.deletes()) {
                    expected.add("(" + literal(hash(r.hash())) + ", "
                            + (before ? r.productionCopies() : r.productionCopies() - r.copies()) + ")");
                }
            }
            body = "SELECT count(*), array_to_string((array_agg(v.h ORDER BY v.h))[1:" + SHOWN + "], ', ')"
                    + " INTO bad_count, bad_rows FROM (VALUES "
                    + String.join(", ", expected) + ") v(h, n) LEFT JOIN (SELECT " + rowText(table, t, "t")
                    + " AS h, count(*) AS n FROM " + table.sql() + " t GROUP BY 1) c ON c.h = v.h"
                    + " WHERE coalesce(c.n, 0) <> v.n";
        }
        StringBuilder b = new StringBuilder("DECLARE bad_count bigint; bad_rows text; BEGIN ");
        b.append(body)
                .append("; IF bad_count > 0 THEN RAISE EXCEPTION '%', ")
                .append(literal(what + " in table " + t.display() + ": "))
                .append(" || bad_count || ' row(s): ' || bad_rows || CASE WHEN bad_count > " + SHOWN
                        + " THEN ', …' ELSE '' END; END IF;");
        if (!before && countDelta != null) {
            long delta = countDelta;
            b.append(" IF (SELECT count(*) FROM ")
                    .append(table.sql())
                    .append(") <> current_setting('lifeboat.rows_before_")
                    .append(index)
                    .append("')::bigint + ")
                    .append(delta)
                    .append(" THEN RAISE EXCEPTION '%', ")
                    .append(literal("the repair did not give the expected row count in table " + t.display()))
                    .append("; END IF;");
        }
        b.append(" END");
        return "DO " + dollarQuoted(b.toString());
    }

    /** {@code body} between dollar quotes whose tag it does not contain. */
    static String dollarQuoted(String body) {
        String tag = "$lifeboat$";
        for (int n = 1; body.contains(tag); n++) tag = "$lifeboat" + n + "$";
        return tag + body + tag;
    }

    private static void inserts(List<Step> steps, int i, Table table, TablePlan t) {
        if (t.inserts().isEmpty()) return;
        StringBuilder cols = new StringBuilder();
        for (Column c : t.columns()) {
            if (!cols.isEmpty()) cols.append(", ");
            cols.append(SqlNames.ident(c.name()));
        }
        List<String> rows = new ArrayList<>();
        // with a key, in key order: in a self-referencing table parents usually have smaller ids
        for (Row r : t.inserts()) {
            StringBuilder v = new StringBuilder("(");
            for (int c = 0; c < t.columns().size(); c++) {
                if (c > 0) v.append(", ");
                v.append(value(table, t.columns().get(c).name(), r.values().get(c)));
            }
            String row = v.append(')').toString();
            for (long n = 0; n < r.copies(); n++) rows.add(row);
        }
        for (int from = 0; from < rows.size(); from += INSERT_BATCH) {
            List<String> batch = rows.subList(from, Math.min(rows.size(), from + INSERT_BATCH));
            steps.add(new Step(
                    Kind.INSERT,
                    i,
                    batch.size(),
                    "INSERT INTO " + table.sql() + " (" + cols + ") VALUES\n  " + String.join(",\n  ", batch)));
        }
    }

    private static void updates(List<Step> steps, int i, Table table, TablePlan t) {
        for (Update u : t.updates()) {
            StringBuilder b = new StringBuilder("UPDATE ").append(table.sql()).append(" SET ");
            for (int c = 0; c < u.changes().size(); c++) {
                Change ch = u.changes().get(c);
                if (c > 0) b.append(", ");
                b.append(SqlNames.ident(ch.column())).append(" = ").append(value(table, ch.column(), ch.restore()));
            }
            b.append(" WHERE ").append(SqlNames.ident(t.key())).append(" = ").append(key(u.key()));
            steps.add(new Step(Kind.UPDATE, i, 1, b.toString()));
        }
    }

    private static void deletes(List<Step> steps, int i, Table table, TablePlan t) {
        if (!t.deleteExtra() || t.deletes().isEmpty()) return;
        if (t.key() != null) {
            List<String> keys = new ArrayList<>();
            for (Row r : t.deletes()) keys.add(Long.toString(key(r.key())));
            for (int from = 0; from < keys.size(); from += INSERT_BATCH) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + INSERT_BATCH));
                steps.add(new Step(
                        Kind.DELETE,
                        i,
                        batch.size(),
                        "DELETE FROM " + table.sql() + " WHERE " + SqlNames.ident(t.key()) + " IN ("
                                + String.join(", ", batch) + ")"));
            }
            return;
        }
        for (Row r : t.deletes()) {
            steps.add(new Step(
                    Kind.DELETE,
                    i,
                    r.copies(),
                    "DELETE FROM " + table.sql() + " WHERE ctid IN (SELECT t.ctid FROM " + table.sql() + " t WHERE "
                            + rowText(table, t, "t") + " = " + literal(hash(r.hash())) + " LIMIT " + r.copies()
                            + ")"));
        }
    }

    /**
     * The plan's tables in an order where a table comes after the tables its foreign keys reference (parents
     * first); tables in a cycle keep the plan's order.
     */
    private static List<Integer> order(Connection production, List<Table> tables) throws SQLException {
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < tables.size(); i++) index.putIfAbsent(tables.get(i).oid(), i);
        Map<Integer, List<Integer>> parents = new LinkedHashMap<>();
        for (int i = 0; i < tables.size(); i++) parents.put(i, new ArrayList<>());
        for (long[] fk : Catalog.foreignKeys(production, new ArrayList<>(index.keySet()))) {
            for (int i = 0; i < tables.size(); i++) {
                if (tables.get(i).oid() == fk[0]) parents.get(i).add(index.get(fk[1]));
            }
        }
        List<Integer> out = new ArrayList<>();
        boolean[] placed = new boolean[tables.size()];
        Deque<Integer> pending = new ArrayDeque<>(parents.keySet());
        int stuck = 0;
        while (!pending.isEmpty()) {
            int i = pending.removeFirst();
            boolean ready = parents.get(i).stream().allMatch(p -> placed[p] || p == i);
            if (ready || stuck > pending.size()) {
                placed[i] = true;
                out.add(i);
                stuck = 0;
            } else {
                pending.addLast(i);
                stuck++;
            }
        }
        return out;
    }
}
