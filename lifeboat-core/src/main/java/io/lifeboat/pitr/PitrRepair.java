package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.pitr.RepairPlan.TablePlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Point-in-time repair for front ends: production resolved from the settings like every command's instance,
 * the side copy from {@link Databases.Side}, the work done by {@link BlastRadius}, {@link Differ}, {@link
 * Script} and {@link Repairer}. Each call opens its connections and closes them.
 */
public final class PitrRepair {
    private final LifeboatSettings settings;
    private final String database;
    private final Consumer<String> phase;

    /**
     * @param database production's database (null: the settings', else the only one)
     * @param phase told what is being done, for a progress display
     */
    public PitrRepair(LifeboatSettings settings, String database, Consumer<String> phase) {
        this.settings = settings;
        this.database = database;
        this.phase = phase;
    }

    private Databases.Production production() {
        return Databases.production(settings, database);
    }

    /** {@link BlastRadius#sessions} on production's server. */
    public BlastRadius.Activity activity(long olderThanSeconds, int queryChars) throws SQLException {
        if (olderThanSeconds < 0 || queryChars < 1) {
            throw new LifeboatException(Kind.USAGE, "--older-than must be 0 or more and --query-chars at least 1");
        }
        try (Connection c = Databases.open(production())) {
            return BlastRadius.sessions(c, Duration.ofSeconds(olderThanSeconds), queryChars);
        }
    }

    /** {@link BlastRadius#window} on production. */
    public BlastRadius.Window window(
            List<String> tables, int largest, LocalDateTime from, LocalDateTime to, long bucketSeconds)
            throws SQLException {
        if (!from.isBefore(to)) throw new LifeboatException(Kind.USAGE, "--from must be before --to");
        try (Connection c = Databases.open(production())) {
            return BlastRadius.window(c, tables, largest, from, to, Duration.ofSeconds(bucketSeconds));
        }
    }

    /** {@link BlastRadius#counts} of production and the side copy. */
    public BlastRadius.Counts counts(Databases.Side side, List<String> tables) throws SQLException {
        Databases.Production p = production();
        try (Connection prod = Databases.open(p);
                Connection s = Databases.openSide(p, side)) {
            return BlastRadius.counts(prod, s, tables);
        }
    }

    /**
     * What to diff.
     *
     * @param tables tables, as named
     * @param models Odoo models: each brings its table, relation tables and its attachments and messages
     * @param deleteExtra tables whose rows only production has are deleted by the repair
     * @param window the incident window, or null
     * @param rowsPerRange rows per hashed key range
     * @param plan where to write the plan (must not exist)
     * @param sql where to write the SQL script (must not exist), or null
     */
    public record DiffRequest(
            List<String> tables,
            List<String> models,
            Set<String> deleteExtra,
            Differ.Window window,
            int rowsPerRange,
            Path plan,
            Path sql) {}

    /**
     * One table of a diff.
     *
     * @param table the table
     * @param filter the rows compared, or null for all
     * @param productionRows rows compared in production
     * @param sideRows rows compared in the side copy
     * @param reinsert rows to re-insert
     * @param restore rows whose columns to restore
     * @param skipped changed rows outside the incident window, kept
     * @param extra rows only production has
     * @param deleteExtra whether those are deleted
     * @param productionOnlyColumns columns only production has
     * @param sideOnlyColumns columns only the side copy has
     */
    public record TableDiff(
            String table,
            String filter,
            long productionRows,
            long sideRows,
            long reinsert,
            long restore,
            long skipped,
            long extra,
            boolean deleteExtra,
            List<String> productionOnlyColumns,
            List<String> sideOnlyColumns) {}

    /**
     * A diff's summary; the plan itself is in {@code plan}.
     *
     * @param plan the plan file written
     * @param sql the SQL script written, or null
     * @param changedRows rows the repair would change
     * @param millis how long the diff took
     * @param tables per table
     */
    public record DiffResult(String plan, String sql, long changedRows, long millis, List<TableDiff> tables) {}

    /** Compares production with the side copy and writes the plan (and the SQL script). */
    public DiffResult diff(Databases.Side side, DiffRequest request) throws SQLException, IOException {
        if (request.tables().isEmpty() && request.models().isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE, "nothing to compare", "Name tables with --table or Odoo models with --model.");
        }
        refuseExisting(request.plan());
        if (request.sql() != null) refuseExisting(request.sql());
        long start = System.nanoTime();
        Databases.Production p = production();
        RepairPlan plan;
        String script = null;
        try (Connection prod = Databases.open(p);
                Connection s = Databases.openSide(p, side)) {
            List<Differ.Target> targets = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (String t : request.tables()) if (seen.add(t)) targets.add(Differ.Target.of(t));
            for (String m : request.models()) {
                for (Differ.Target t : Differ.modelTargets(prod, m)) {
                    // a model's rows of a table compared whole are compared already
                    boolean add = t.filterColumn() != null ? !seen.contains(t.table()) : seen.add(t.table());
                    if (add) targets.add(t);
                }
            }
            for (String t : request.deleteExtra()) {
                if (!seen.contains(t)) {
                    throw new LifeboatException(
                            Kind.USAGE,
                            "--delete-extra " + t + " names no table compared",
                            "Name it with --table too.");
                }
            }
            Differ.Options options =
                    new Differ.Options(request.rowsPerRange(), request.deleteExtra(), request.window());
            plan = new Differ(prod, s, options, t -> phase.accept("comparing " + t)).diff(targets);
            if (request.sql() != null) script = Script.of(prod, plan).text();
        }
        write(request.plan(), plan.toJson());
        if (script != null) write(request.sql(), script);
        List<TableDiff> tables = new ArrayList<>();
        for (TablePlan t : plan.tables()) {
            tables.add(new TableDiff(
                    t.display(),
                    t.filter(),
                    t.productionRows(),
                    t.sideRows(),
                    t.insertedRows(),
                    t.updates().size(),
                    t.skipped().size(),
                    t.deletes().stream().mapToLong(RepairPlan.Row::copies).sum(),
                    t.deleteExtra(),
                    t.productionOnlyColumns(),
                    t.sideOnlyColumns()));
        }
        return new DiffResult(
                request.plan().toString(),
                request.sql() == null ? null : request.sql().toString(),
                plan.changedRows(),
                (System.nanoTime() - start) / 1_000_000,
                tables);
    }

    /**
     * What a repair did (or would do).
     *
     * @param plan the plan file
     * @param sql the SQL script written, or null
     * @param report the repair's report
     */
    public record RepairResult(String plan, String sql, Repairer.Report report) {}

    /**
     * Checks and ({@code apply}) applies a plan to production in one transaction; {@code sql}, when given,
     * receives the same statements as a psql script.
     */
    public RepairResult repair(Path planFile, boolean apply, Path sql) throws SQLException, IOException {
        if (!Files.isRegularFile(planFile)) {
            throw new LifeboatException(
                    Kind.USAGE, "no such file or directory: " + planFile, "Give the plan file pitr diff wrote.");
        }
        RepairPlan plan = RepairPlan.read(planFile);
        if (sql != null) refuseExisting(sql);
        Databases.Production p = production();
        try (Connection prod = Databases.open(p)) {
            phase.accept("checking production");
            Script script = Script.of(prod, plan);
            if (sql != null) write(sql, script.text());
            if (apply) phase.accept("repairing");
            return new RepairResult(
                    planFile.toString(), sql == null ? null : sql.toString(), Repairer.run(prod, script, !apply));
        }
    }

    private static void refuseExisting(Path file) {
        if (Files.exists(file)) {
            throw new LifeboatException(Kind.CONFLICT, "file exists: " + file, "Choose another name or remove it.");
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
