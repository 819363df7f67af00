package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.pitr.RepairPlan.TablePlan;
import io.lifeboat.pitr.Script.Step;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PSQLException;

/**
 * Carries out a repair plan on production in one transaction ({@code REPEATABLE READ}): checks that every
 * affected row is still as the diff saw it, inserts (parents first), updates, deletes (children first), checks
 * every repaired row and each table's row count, and commits only when all checks pass. A dry run runs the
 * checks of production's state in a read-only transaction and changes nothing. Needs only the privileges of
 * the tables' owner, never a superuser.
 */
public final class Repairer {
    private Repairer() {}

    /**
     * Runs {@code script} on {@code production} ({@code dryRun}: its checks only).
     *
     * @throws LifeboatException {@code CONFLICT} when production changed since the diff (nothing changed),
     *     {@code INTEGRITY} when the result is not what the plan says (rolled back, nothing changed)
     */
    public static PitrRepairResult.Report run(Connection production, Script script, boolean dryRun)
            throws SQLException {
        boolean autoCommit = production.getAutoCommit();
        boolean readOnly = production.isReadOnly();
        int isolation = production.getTransactionIsolation();
        if (!autoCommit) production.rollback();
        production.setAutoCommit(false);
        production.setReadOnly(dryRun);
        production.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        RepairPlan plan = script.plan();
        long[] before = new long[plan.tables().size()];
        long[] after = new long[plan.tables().size()];
        int run = 0;
        boolean committed = false;
        try (Statement st = production.createStatement()) {
            st.setEscapeProcessing(false); // values are literals: no JDBC escapes ({fn ...}) in them
            for (Step s : script.steps()) {
                boolean change = switch (s.kind()) {
                    case INSERT, UPDATE, DELETE, CHECK_AFTER, COUNT_AFTER -> true;
                    default -> false;
                };
                if (dryRun && change) continue;
                run++;
                switch (s.kind()) {
                    case COUNT_BEFORE -> before[s.table()] = count(st, s.sql());
                    case COUNT_AFTER -> after[s.table()] = count(st, s.sql());
                    case INSERT, UPDATE, DELETE -> {
                        long n = st.executeLargeUpdate(s.sql());
                        if (n != s.rows()) {
                            throw new LifeboatException(
                                    Kind.INTEGRITY,
                                    "the repair changed " + n + " rows instead of " + s.rows() + " in table "
                                            + plan.tables().get(s.table()).display()
                                            + "; rolled back, nothing was changed",
                                    "Run pitr diff again and review the plan.");
                        }
                    }
                    case CHECK_BEFORE ->
                        check(st, s.sql(), Kind.CONFLICT, "Run pitr diff again: production changed after it.");
                    case CHECK_AFTER -> check(st, s.sql(), Kind.INTEGRITY, "Run pitr diff again and review the plan.");
                    default -> st.execute(s.sql());
                }
            }
            if (dryRun) {
                production.rollback();
            } else {
                production.commit();
                committed = true;
            }
        } finally {
            if (!committed) production.rollback();
            production.setAutoCommit(autoCommit);
            production.setReadOnly(readOnly);
            production.setTransactionIsolation(isolation);
        }
        List<PitrRepairResult.Table> tables = new ArrayList<>();
        for (int i = 0; i < plan.tables().size(); i++) {
            TablePlan t = plan.tables().get(i);
            if (t.unchanged()) continue;
            long ins = t.insertedRows();
            long del = t.deletedRows();
            long kept = t.deleteExtra()
                    ? 0
                    : t.deletes().stream().mapToLong(RepairPlan.Row::copies).sum();
            int c = script.countIndex(i); // the same table's first entry holds its counts
            tables.add(new PitrRepairResult.Table(
                    t.display(),
                    before[c],
                    dryRun ? before[c] + ins - del : after[c],
                    ins,
                    t.updates().size(),
                    del,
                    kept));
        }
        return new PitrRepairResult.Report(
                committed, dryRun, dryRun ? run : script.steps().size(), tables);
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return Long.parseLong(rs.getString(2));
        }
    }

    private static void check(Statement st, String sql, Kind kind, String hint) throws SQLException {
        try {
            st.execute(sql);
        } catch (SQLException e) {
            if (!"P0001".equals(e.getSQLState())) throw e;
            String message = e instanceof PSQLException p && p.getServerErrorMessage() != null
                    ? p.getServerErrorMessage().getMessage()
                    : e.getMessage();
            throw new LifeboatException(kind, message + "; rolled back, nothing was changed", hint, e);
        }
    }
}
