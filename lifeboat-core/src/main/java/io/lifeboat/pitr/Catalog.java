package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.SqlNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the diff and the repair read of pg_catalog: tables named by users (validated there before any use),
 * their columns and primary keys, Odoo models and their relation tables, foreign keys between tables. Every
 * name that goes into SQL comes from here and is quoted with {@link SqlNames#ident(String)}.
 */
public final class Catalog {
    private Catalog() {}

    /** A column: its name and its type as {@code format_type} writes it. */
    public record Column(String name, String type) {}

    /**
     * A table as pg_catalog knows it.
     *
     * @param schema its schema
     * @param name its name
     * @param oid its oid in the database it was read from
     * @param columns its columns in attribute order (dropped and system columns left out)
     * @param key its primary key column when that is a single integer column; else null
     * @param keyProblem why there is no usable key (no primary key, a composite or non-integer one); null
     *     when {@code key} is set
     */
    public record Table(String schema, String name, long oid, List<Column> columns, String key, String keyProblem) {
        public Table {
            columns = List.copyOf(columns);
        }

        /** {@code "schema"."name"}, quoted. */
        public String sql() {
            return SqlNames.ident(schema) + "." + SqlNames.ident(name);
        }

        /** {@code schema.name} for people (unquoted, {@code public.} left out). */
        public String display() {
            return schema.equals("public") ? name : schema + "." + name;
        }

        /** The column named {@code column}, or null. */
        public Column column(String column) {
            for (Column c : columns) if (c.name().equals(column)) return c;
            return null;
        }
    }

    /** The session settings every connection of the diff and the repair uses, so values print alike. */
    static final List<String> SETTINGS = List.of(
            "SET TimeZone TO 'UTC'",
            "SET DateStyle TO 'ISO, MDY'",
            "SET IntervalStyle TO 'postgres'",
            "SET extra_float_digits TO 3",
            "SET bytea_output TO 'hex'",
            "SET standard_conforming_strings TO on");

    /** Applies {@link #SETTINGS} to {@code conn}. */
    static void prepare(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            for (String s : SETTINGS) st.execute(s);
        }
    }

    /**
     * The table {@code name} names: a table visible on the search path, else {@code schema.table}.
     *
     * @throws LifeboatException {@code USAGE} when there is no such table
     */
    public static Table table(Connection conn, String name) throws SQLException {
        Table t = find(conn, null, name);
        int dot = name.indexOf('.');
        if (t == null && dot > 0) t = find(conn, name.substring(0, dot), name.substring(dot + 1));
        if (t == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no table \"" + name + "\" in database " + conn.getCatalog(),
                    "Name an existing table (schema.table for a table off the search path).");
        }
        return t;
    }

    /** The table {@code schema.name}, or null. */
    public static Table find(Connection conn, String schema, String name) throws SQLException {
        String sql = "SELECT n.nspname, c.relname, c.oid FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND c.relname = ? AND "
                + (schema == null ? "pg_catalog.pg_table_is_visible(c.oid)" : "n.nspname = ?");
        String s;
        String n;
        long oid;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, name);
            if (schema != null) ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                s = rs.getString(1);
                n = rs.getString(2);
                oid = rs.getLong(3);
            }
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT attname, pg_catalog.format_type(atttypid, atttypmod)"
                + " FROM pg_catalog.pg_attribute WHERE attrelid = (?)::oid AND attnum > 0 AND NOT attisdropped"
                + " ORDER BY attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) columns.add(new Column(rs.getString(1), rs.getString(2)));
            }
        }
        List<String> pk = new ArrayList<>();
        List<String> pkTypes = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT a.attname, a.atttypid::regtype::text"
                + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_attribute a"
                + " ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)"
                + " WHERE k.conrelid = (?)::oid AND k.contype = 'p'")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                    pkTypes.add(rs.getString(2));
                }
            }
        }
        String key = null;
        String problem;
        if (pk.isEmpty()) problem = "it has no primary key";
        else if (pk.size() > 1) problem = "its primary key has " + pk.size() + " columns";
        else if (!Set.of("integer", "bigint", "smallint").contains(pkTypes.get(0))) {
            problem = "its primary key is of type " + pkTypes.get(0) + ", not an integer";
        } else {
            key = pk.get(0);
            problem = null;
        }
        return new Table(s, n, oid, columns, key, problem);
    }

    /**
     * The tables of Odoo model {@code model}: its own table (the model name with {@code .} replaced by {@code
     * _}) and its many2many relation tables, as {@code ir_model} and {@code ir_model_fields} list them.
     *
     * @throws LifeboatException {@code USAGE} when {@code ir_model} has no such model
     */
    public static List<Table> modelTables(Connection conn, String model) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM ir_model WHERE model = ?")) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LifeboatException(
                            Kind.USAGE,
                            "no model \"" + model + "\" in ir_model of database " + conn.getCatalog(),
                            "Name an Odoo model, such as res.partner.");
                }
            }
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(model.replace('.', '_'));
        try (PreparedStatement ps = conn.prepareStatement("SELECT DISTINCT relation_table FROM ir_model_fields"
                + " WHERE model = ? AND ttype = 'many2many' AND relation_table IS NOT NULL ORDER BY 1")) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
        }
        List<Table> tables = new ArrayList<>();
        for (String n : names) {
            Table t = find(conn, null, n);
            if (t != null) tables.add(t); // a relation table of a field whose column is gone
        }
        if (tables.isEmpty() || !tables.get(0).name().equals(model.replace('.', '_'))) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "model \"" + model + "\" has no table " + model.replace('.', '_'),
                    "Name the model's table with --table instead.");
        }
        return tables;
    }

    /** The foreign keys between the tables of {@code oids} (child, parent), self-references left out. */
    static List<long[]> foreignKeys(Connection conn, List<Long> oids) throws SQLException {
        List<long[]> edges = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT conrelid::bigint, confrelid::bigint"
                + " FROM pg_catalog.pg_constraint WHERE contype = 'f' AND conrelid::bigint = ANY (?) AND confrelid::bigint = ANY (?)"
                + " AND conrelid <> confrelid")) {
            Long[] a = oids.toArray(Long[]::new);
            ps.setArray(1, conn.createArrayOf("bigint", a));
            ps.setArray(2, conn.createArrayOf("bigint", a));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) edges.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        return edges;
    }
}
