package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrActivityResult;
import io.lifeboat.api.PitrCountsResult;
import io.lifeboat.api.PitrDiffRequest;
import io.lifeboat.api.PitrDiffResult;
import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.api.PitrSide;
import io.lifeboat.api.PitrWindowRequest;
import io.lifeboat.api.PitrWindowResult;
import io.lifeboat.pitr.BlastRadius;
import io.lifeboat.pitr.Databases;
import io.lifeboat.pitr.Differ;
import io.lifeboat.pitr.RepairPlan;
import io.lifeboat.pitr.RepairPlan.TablePlan;
import io.lifeboat.pitr.Repairer;
import io.lifeboat.pitr.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Point-in-time repair (docs/pitr-diff.md): production resolved like every use case's instance, the side
 * copy from {@link PitrSide}, the work done by {@link BlastRadius}, {@link Differ}, {@link Script} and
 * {@link Repairer}. Each call opens its connections and closes them.
 */
public final class PitrRepairs {
    private final Context context;

    public PitrRepairs(Context context) {
        this.context = context;
    }

    private Databases.Production production(String database) {
        Context.Target t = context.resolve(database);
        return new Databases.Production(t.connection(), t.database());
    }

    /** An SQL failure as the facade reports failures. */
    private static LifeboatException failed(SQLException e) {
        return new LifeboatException(Kind.INTERNAL, e.getMessage(), null, e);
    }

    /** {@link BlastRadius#sessions} on production's server. */
    public PitrActivityResult activity(String database, long olderThanSeconds, int queryChars, Observer observer) {
        if (olderThanSeconds < 0 || queryChars < 1) {
            throw new LifeboatException(Kind.USAGE, "--older-than must be 0 or more and --query-chars at least 1");
        }
        new Reporting(observer).checkCancelled();
        try (Connection c = production(database).open()) {
            return BlastRadius.sessions(c, Duration.ofSeconds(olderThanSeconds), queryChars);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@link BlastRadius#window} on production. */
    public PitrWindowResult window(String database, PitrWindowRequest r, Observer observer) {
        if (!r.from().isBefore(r.to())) throw new LifeboatException(Kind.USAGE, "--from must be before --to");
        new Reporting(observer).phase("counting writes", -1, null);
        try (Connection c = production(database).open()) {
            return BlastRadius.window(
                    c, r.tables(), r.largest(), r.from(), r.to(), Duration.ofSeconds(r.bucketSeconds()));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@link BlastRadius#counts} of production and the side copy. */
    public PitrCountsResult counts(String database, PitrSide side, List<String> tables, Observer observer) {
        new Reporting(observer).phase("counting rows", -1, null);
        Databases.Production p = production(database);
        try (Connection prod = p.open();
                Connection s = Databases.openSide(p, side)) {
            return BlastRadius.counts(prod, s, tables);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Compares production with the side copy and writes the plan (and the SQL script). */
    public PitrDiffResult diff(String database, PitrDiffRequest request, Observer observer) {
        if (request.tables().isEmpty() && request.models().isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE, "nothing to compare", "Name tables with --table or Odoo models with --model.");
        }
        if ((request.windowFrom() == null) != (request.windowTo() == null)) {
            throw new LifeboatException(Kind.USAGE, "--window-from and --window-to go together");
        }
        if (request.rowsPerRange() < 1) throw new LifeboatException(Kind.USAGE, "--rows-per-range must be at least 1");
        refuseExisting(request.plan());
        if (request.sql() != null) refuseExisting(request.sql());
        Reporting progress = new Reporting(observer);
        long start = System.nanoTime();
        Databases.Production p = production(database);
        RepairPlan plan;
        String script = null;
        try (Connection prod = p.open();
                Connection s = Databases.openSide(p, request.side())) {
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
            Differ.Window window = request.windowFrom() == null
                    ? null
                    : new Differ.Window(request.windowColumn(), request.windowFrom(), request.windowTo());
            Differ.Options options = new Differ.Options(request.rowsPerRange(), request.deleteExtra(), window);
            plan = new Differ(prod, s, options, t -> {
                        progress.checkCancelled();
                        progress.phase("comparing " + t, -1, null);
                    })
                    .diff(targets);
            if (request.sql() != null) script = Script.of(prod, plan).text();
        } catch (SQLException e) {
            throw failed(e);
        }
        write(request.plan(), plan.toJson());
        if (script != null) write(request.sql(), script);
        List<PitrDiffResult.Table> tables = new ArrayList<>();
        for (TablePlan t : plan.tables()) {
            tables.add(new PitrDiffResult.Table(
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
        return new PitrDiffResult(
                request.plan().toString(),
                request.sql() == null ? null : request.sql().toString(),
                plan.changedRows(),
                (System.nanoTime() - start) / 1_000_000,
                tables);
    }

    /**
     * Checks and ({@code apply}) applies a plan to production in one transaction; {@code sql}, when given,
     * receives the same statements as a psql script.
     */
    public PitrRepairResult repair(String database, Path planFile, boolean apply, Path sql, Observer observer) {
        if (!Files.isRegularFile(planFile)) {
            throw new LifeboatException(
                    Kind.USAGE, "no such file or directory: " + planFile, "Give the plan file pitr diff wrote.");
        }
        RepairPlan plan;
        try {
            plan = RepairPlan.read(planFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sql != null) refuseExisting(sql);
        Reporting progress = new Reporting(observer);
        try (Connection prod = production(database).open()) {
            progress.phase("checking production", -1, null);
            Script script = Script.of(prod, plan);
            if (sql != null) write(sql, script.text());
            progress.checkCancelled();
            if (apply) progress.phase("repairing", -1, null);
            return new PitrRepairResult(
                    planFile.toString(), sql == null ? null : sql.toString(), Repairer.run(prod, script, !apply));
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void refuseExisting(Path file) {
        if (Files.exists(file)) {
            throw new LifeboatException(Kind.CONFLICT, "file exists: " + file, "Choose another name or remove it.");
        }
    }

    private static void write(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
