package io.lifeboat.pitr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a diff found and what the repair will do: per table, the rows to re-insert (deleted in production),
 * the columns to restore (changed rows: only the differing columns, with the side copy's value and the value
 * the diff saw in production) and, when enabled for the table, the rows to delete (present only in
 * production). Each affected row carries the md5 of its text form ({@code md5(ROW(columns)::text)} over
 * {@link TablePlan#columns()}) as production showed it, so the repair can refuse when production changed
 * meanwhile, and as the side copy shows it, so the repair can check its result.
 *
 * @param created when the diff ran (ISO-8601, UTC)
 * @param production the production database, for people
 * @param side the side copy, for people
 * @param tables one entry per table compared
 */
public record RepairPlan(String created, String production, String side, List<TablePlan> tables) {
    public RepairPlan {
        tables = List.copyOf(tables);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One table's differences.
     *
     * @param schema the table's schema
     * @param table the table's name
     * @param key the integer primary key column, or null when all columns are the key (a relation table)
     * @param filter the rows compared, for people ({@code res_model = 'x'}), or null for all rows
     * @param columns the columns compared (present on both sides), in production's order, with production's
     *     types
     * @param productionOnlyColumns columns only production has: re-inserted rows get their defaults
     * @param sideOnlyColumns columns only the side copy has: not compared, not restored
     * @param productionRows rows compared in production
     * @param sideRows rows compared in the side copy
     * @param deleteExtra whether rows only production has are deleted
     * @param inserts rows to re-insert
     * @param updates rows whose columns to restore
     * @param skipped changed rows left as they are: production's {@code write_date} (the window's column) is
     *     outside the incident window, so they were written after the accident (or before it)
     * @param deletes rows only production has (deleted only when {@code deleteExtra})
     */
    public record TablePlan(
            String schema,
            String table,
            String key,
            String filter,
            List<Catalog.Column> columns,
            List<String> productionOnlyColumns,
            List<String> sideOnlyColumns,
            long productionRows,
            long sideRows,
            boolean deleteExtra,
            List<Row> inserts,
            List<Update> updates,
            List<Update> skipped,
            List<Row> deletes) {
        public TablePlan {
            columns = List.copyOf(columns);
            productionOnlyColumns = List.copyOf(productionOnlyColumns);
            sideOnlyColumns = List.copyOf(sideOnlyColumns);
            inserts = List.copyOf(inserts);
            updates = List.copyOf(updates);
            skipped = List.copyOf(skipped);
            deletes = List.copyOf(deletes);
        }

        /** {@code schema.table} for people ({@code public.} left out). */
        public String display() {
            return schema.equals("public") ? table : schema + "." + table;
        }

        /** Whether the repair changes nothing in this table. */
        public boolean unchanged() {
            return inserts.isEmpty() && updates.isEmpty() && (!deleteExtra || deletes.isEmpty());
        }

        /** Rows the repair inserts (copies counted). */
        public long insertedRows() {
            return inserts.stream().mapToLong(Row::copies).sum();
        }

        /** Rows the repair deletes (copies counted); 0 unless {@code deleteExtra}. */
        public long deletedRows() {
            return deleteExtra ? deletes.stream().mapToLong(Row::copies).sum() : 0;
        }
    }

    /**
     * A whole row.
     *
     * @param key its key, or null in a table without one
     * @param values its values as text (null for NULL), one per {@link TablePlan#columns()}
     * @param hash md5 of its text form, as the side copy (inserts) or production (deletes) shows it
     * @param copies how many of it to insert or delete: 1 with a key; in a table without one, the difference
     *     between the numbers of identical rows on the two sides
     * @param productionCopies how many identical rows production showed (with a key: 0 for an insert, 1 for a
     *     delete)
     */
    public record Row(String key, List<String> values, String hash, long copies, long productionCopies) {
        public Row {
            values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        }
    }

    /**
     * A changed row.
     *
     * @param key its key
     * @param changes the differing columns
     * @param productionHash md5 of its text form as production showed it
     * @param sideHash md5 of its text form in the side copy: production's after the repair
     */
    public record Update(String key, List<Change> changes, String productionHash, String sideHash) {
        public Update {
            changes = List.copyOf(changes);
        }
    }

    /**
     * A differing column of a changed row.
     *
     * @param column its name
     * @param restore the side copy's value (null for NULL): the repair writes it
     * @param production the value production showed
     */
    public record Change(String column, String restore, String production) {}

    /** Rows to insert, update and delete in all tables. */
    public long changedRows() {
        return tables.stream()
                .mapToLong(t -> t.insertedRows() + t.updates().size() + t.deletedRows())
                .sum();
    }

    /** Writes the plan as JSON to {@code file}. */
    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    /** The plan as JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a plan {@link #write} wrote. Nothing in it is trusted: the repair checks names against pg_catalog,
     * keys as integers and hashes as md5 digests.
     *
     * @throws LifeboatException {@code BAD_INPUT} when the file is no plan
     */
    public static RepairPlan read(Path file) throws IOException {
        try {
            RepairPlan p = JSON.readValue(file.toFile(), RepairPlan.class);
            if (p.tables() == null) throw new IOException("no tables");
            return p;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "not a repair plan: " + file + ": " + e.getOriginalMessage(),
                    "Give the plan file pitr diff wrote.",
                    e);
        }
    }
}
