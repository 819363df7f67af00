package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's scenario on a real PostgreSQL: production with Odoo-like tables, a side copy from before the
 * accident, a mass UPDATE and DELETE in production followed by legitimate writes, then diff and repair.
 */
@ExtendWith(PostgresExtension.class)
class PitrRepairTest {

    private static final String ACCIDENT = "2026-03-02 10:15:00";
    private static final String LATER = "2026-03-02 11:40:00";

    @TempDir
    Path tmp;

    /** Partners (self-referencing) and orders referencing them, 300 and 600 rows of varied values. */
    static void schema(Sides s) throws Exception {
        s.prod(
                "CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar NOT NULL, email varchar,"
                        + " active boolean, credit numeric(12,2), note text, parent_id int REFERENCES res_partner(id),"
                        + " data jsonb, tags text[], seen timestamptz, create_date timestamp, write_date timestamp)",
                "INSERT INTO res_partner (name, email, active, credit, note, parent_id, data, tags, seen, create_date,"
                        + " write_date) SELECT 'Partner ' || g || CASE WHEN g % 7 = 0 THEN ' O''Brien \\ \"q\" é' ELSE ''"
                        + " END, CASE WHEN g % 5 = 0 THEN NULL ELSE 'p' || g || '@example.com' END, g % 3 <> 0,"
                        + " g * 1.25, CASE WHEN g % 11 = 0 THEN E'line1\\nline2\\t' ELSE NULL END,"
                        + " CASE WHEN g > 10 THEN g % 10 + 1 END, jsonb_build_object('n', g, 's', 'x''y'),"
                        + " ARRAY['a', 'b,c', NULL], timestamptz '2026-01-01 00:00:00+02' + g * interval '1 hour',"
                        + " timestamp '2026-01-01' + g * interval '1 minute', timestamp '2026-02-01' + g * interval '1 minute'"
                        + " FROM generate_series(1, 300) g",
                "CREATE TABLE sale_order (id serial PRIMARY KEY, partner_id int NOT NULL REFERENCES res_partner(id),"
                        + " amount numeric, state varchar, write_date timestamp)",
                "INSERT INTO sale_order (partner_id, amount, state, write_date) SELECT g % 300 + 1, g * 0.5,"
                        + " 'sale', timestamp '2026-02-10' FROM generate_series(1, 600) g");
    }

    /** The accident (at {@link #ACCIDENT}) and what was written after it (at {@link #LATER}). */
    static void accidentAndLaterWrites(Sides s) throws Exception {
        s.prod(
                // a bad server action: mass update
                "UPDATE res_partner SET email = 'oops@example.com', active = false, write_date = '" + ACCIDENT
                        + "' WHERE id % 4 = 0",
                // a bad import: deletes partner 150 with its orders, and other orders
                "DELETE FROM sale_order WHERE partner_id = 150 OR id % 9 = 0",
                "DELETE FROM res_partner WHERE id = 150",
                // after the accident: new rows and a legitimate update of an untouched row
                "INSERT INTO res_partner (name, email, create_date, write_date) VALUES ('New after', 'n@x', '" + LATER
                        + "', '" + LATER + "')",
                "INSERT INTO sale_order (partner_id, amount, state, write_date) SELECT id, 99, 'draft', '" + LATER
                        + "' FROM res_partner WHERE name = 'New after'",
                "UPDATE res_partner SET name = 'Renamed after', write_date = '" + LATER + "' WHERE id = 3");
    }

    /** The plan of a diff of partners and orders after the accident and the later writes. */
    static RepairPlan afterAccident(Sides s) throws Exception {
        schema(s);
        s.copy();
        accidentAndLaterWrites(s);
        return s.diff(window(), Differ.Target.of("res_partner"), Differ.Target.of("sale_order"));
    }

    static Differ.Options window() {
        return Differ.Options.defaults()
                .withWindow(new Differ.Window(
                        "write_date",
                        LocalDateTime.parse("2026-03-02T10:00:00"),
                        LocalDateTime.parse("2026-03-02T10:30:00")));
    }

    @Test
    void repairRestoresTheAccidentsRowsAndKeepsLaterWrites(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            schema(s);
            Map<Long, String> partners = s.rows("res_partner");
            Map<Long, String> orders = s.rows("sale_order");
            s.copy();
            accidentAndLaterWrites(s);

            // the child table first: the repair must insert partner 150 before its orders
            RepairPlan plan = s.diff(window(), Differ.Target.of("sale_order"), Differ.Target.of("res_partner"));
            RepairPlan.TablePlan p = plan.tables().get(1);
            assertThat(p.inserts()).extracting(RepairPlan.Row::key).containsExactly("150");
            assertThat(p.updates()).hasSize(75);
            assertThat(p.updates().get(0).changes())
                    .extracting(RepairPlan.Change::column)
                    .containsExactlyInAnyOrder("email", "active", "write_date");
            assertThat(p.skipped()).extracting(RepairPlan.Update::key).containsExactly("3");
            assertThat(p.deletes()).hasSize(1);

            PitrRepairResult.Report report = s.repair(plan, false);
            assertThat(report.applied()).isTrue();

            Map<Long, String> after = s.rows("res_partner");
            Map<Long, String> expected = new TreeMap<>(partners);
            expected.remove(3L);
            assertThat(after).containsAllEntriesOf(expected);
            assertThat(after.get(3L)).contains("Renamed after");
            assertThat(after.values()).anyMatch(v -> v.contains("New after"));
            assertThat(after).hasSize(partners.size() + 1);
            Map<Long, String> ordersAfter = s.rows("sale_order");
            assertThat(ordersAfter).containsAllEntriesOf(orders).hasSize(orders.size() + 1);

            PitrRepairResult.Table r = report.tables().get(1);
            assertThat(r.table()).isEqualTo("res_partner");
            assertThat(r.inserted()).isEqualTo(1);
            assertThat(r.updated()).isEqualTo(75);
            assertThat(r.rowsAfter()).isEqualTo(r.rowsBefore() + 1);
            assertThat(r.keptExtra()).isEqualTo(1);

            // nothing left to repair but the row written after the accident
            RepairPlan again = s.diff(window(), Differ.Target.of("sale_order"), Differ.Target.of("res_partner"));
            assertThat(again.changedRows()).isZero();
        }
    }

    @Test
    void applyAbortsAndChangesNothingWhenProductionChangedAfterTheDiff(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            RepairPlan plan = afterAccident(s);
            s.prod("UPDATE res_partner SET credit = 1 WHERE id = 8");
            Map<Long, String> partners = s.rows("res_partner");
            Map<Long, String> orders = s.rows("sale_order");

            assertThatThrownBy(() -> s.repair(plan, false))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("production changed since the diff in table res_partner: 1 row(s): 8")
                    .extracting(e -> ((LifeboatException) e).kind())
                    .isEqualTo(LifeboatException.Kind.CONFLICT);
            assertThat(s.rows("res_partner")).isEqualTo(partners);
            assertThat(s.rows("sale_order")).isEqualTo(orders);

            // a row the plan re-inserts that came back meanwhile
            s.prod("UPDATE res_partner SET credit = 10 WHERE id = 8");
            RepairPlan fresh = s.diff(window(), Differ.Target.of("res_partner"));
            s.prod("INSERT INTO res_partner (id, name) VALUES (150, 'back')");
            assertThatThrownBy(() -> s.repair(fresh, false)).hasMessageContaining("row(s): 150");
        }
    }

    @Test
    void dryRunChangesNothingAndSaysWhatWouldChange(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            RepairPlan plan = afterAccident(s);
            Map<Long, String> partners = s.rows("res_partner");
            Map<Long, String> orders = s.rows("sale_order");

            PitrRepairResult.Report report = s.repair(plan, true);

            assertThat(report.applied()).isFalse();
            assertThat(report.dryRun()).isTrue();
            assertThat(report.tables().get(0).updated()).isEqualTo(75);
            // orders with id % 9 = 0 and the two of partner 150 (ids 149 and 449)
            assertThat(report.tables().get(1).inserted()).isEqualTo(68);
            assertThat(report.tables().get(1).rowsAfter()).isEqualTo(orders.size() + 68);
            assertThat(s.rows("res_partner")).isEqualTo(partners);
            assertThat(s.rows("sale_order")).isEqualTo(orders);
        }
    }

    @Test
    void theSqlScriptRunByPsqlDoesWhatApplyDoes(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            schema(s);
            Map<Long, String> partners = s.rows("res_partner");
            s.copy();
            accidentAndLaterWrites(s);
            RepairPlan plan = s.diff(window(), Differ.Target.of("sale_order"), Differ.Target.of("res_partner"));
            Path file = tmp.resolve("repair.sql");
            try (Connection c = s.connectProd()) {
                Files.writeString(file, Script.of(c, plan).text());
            }

            ProcessRunner.command(psql(db), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", file.toString())
                    .env(db.env())
                    .run();

            Map<Long, String> after = s.rows("res_partner");
            partners.remove(3L);
            assertThat(after).containsAllEntriesOf(partners);
            try (Connection p = s.connectProd();
                    Connection side = s.connectSide()) {
                RepairPlan again = new Differ(p, side, window(), t -> {})
                        .diff(java.util.List.of(Differ.Target.of("sale_order"), Differ.Target.of("res_partner")));
                assertThat(again.changedRows()).isZero();
            }
            // run twice, the script refuses: the rows are no longer as the diff saw them
            var second = ProcessRunner.command(psql(db), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", file.toString())
                    .env(db.env())
                    .checkExit(false)
                    .run();
            assertThat(second.exitCode()).isEqualTo(3);
            assertThat(second.stderrTail()).contains("production changed since the diff");
        }
    }

    @Test
    void deleteExtraRemovesRowsOnlyProductionHas(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            schema(s);
            Map<Long, String> orders = s.rows("sale_order");
            s.copy();
            s.prod(
                    "INSERT INTO sale_order (partner_id, amount, state) SELECT 1, 5, 'imported' FROM generate_series(1, 20)");
            RepairPlan plan = s.diff(
                    Differ.Options.defaults().withDeleteExtra(Set.of("sale_order")), Differ.Target.of("sale_order"));
            assertThat(plan.tables().get(0).deletedRows()).isEqualTo(20);
            s.repair(plan, false);
            assertThat(s.rows("sale_order")).isEqualTo(orders);
        }
    }

    static String psql(TestDatabase db) {
        try (Connection c = db.connect()) {
            int major = io.lifeboat.postgres.PgServerInfo.read(c).major();
            return PgTools.find(major, null, System.getenv("PATH"), PgTools.DEBIAN_ROOT)
                    .psql()
                    .path()
                    .toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
