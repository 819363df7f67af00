package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tables the diff and the repair meet beyond the plain case: hostile names, no key, other columns, models. */
@ExtendWith(PostgresExtension.class)
class PitrEdgeCasesTest {

    /** The rows of {@code sql} as text, each row's columns joined by {@code |}, in order. */
    static List<String> query(Sides s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = s.connectProd();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(i > 1 ? "|" : "").append(rs.getString(i));
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void hostileNamesAreValidatedAndQuoted(TestDatabase db) throws Exception {
        String table = "x\"; DROP TABLE victim; --";
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE victim (id int PRIMARY KEY)",
                    "CREATE TABLE \"x\"\"; DROP TABLE victim; --\" (id int PRIMARY KEY, \"a'b\"\"c;\" text)",
                    "INSERT INTO \"x\"\"; DROP TABLE victim; --\" SELECT g, 'v' || g FROM generate_series(1, 50) g",
                    // values the repair writes as literals: JDBC escapes, placeholders, dollar quotes, backslashes
                    "UPDATE \"x\"\"; DROP TABLE victim; --\" SET \"a'b\"\"c;\" = E'{fn now()} ? $$ $lifeboat$ \\\\ '''"
                            + " || chr(10) || ' end' WHERE id IN (3, 7)");
            List<String> before = query(s, "SELECT * FROM \"x\"\"; DROP TABLE victim; --\" ORDER BY id");
            s.copy();
            s.prod(
                    "UPDATE \"x\"\"; DROP TABLE victim; --\" SET \"a'b\"\"c;\" = 'it''s; DROP TABLE victim' WHERE id < 5",
                    "DELETE FROM \"x\"\"; DROP TABLE victim; --\" WHERE id = 7");

            RepairPlan plan = s.diff(Differ.Options.defaults(), Differ.Target.of(table));
            assertThat(plan.tables().get(0).updates()).hasSize(4);
            s.repair(plan, false);

            assertThat(query(s, "SELECT * FROM \"x\"\"; DROP TABLE victim; --\" ORDER BY id"))
                    .isEqualTo(before);
            assertThat(query(s, "SELECT count(*) FROM victim")).containsExactly("0");
            assertThatThrownBy(() -> s.diff(Differ.Options.defaults(), Differ.Target.of("victim; DROP TABLE victim")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("no table \"victim; DROP TABLE victim\"");
        }
    }

    @Test
    void aRelationTableWithoutKeyIsComparedByAllItsColumns(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE res_partner_res_partner_category_rel (partner_id int NOT NULL, category_id int NOT NULL)",
                    "INSERT INTO res_partner_res_partner_category_rel SELECT g, g % 7 FROM generate_series(1, 200) g",
                    "INSERT INTO res_partner_res_partner_category_rel VALUES (1, 1), (1, 1)");
            List<String> before = query(s, "SELECT * FROM res_partner_res_partner_category_rel ORDER BY 1, 2");
            s.copy();
            s.prod(
                    "DELETE FROM res_partner_res_partner_category_rel WHERE category_id = 3 OR partner_id = 1",
                    "INSERT INTO res_partner_res_partner_category_rel VALUES (500, 2)");

            RepairPlan plan = s.diff(
                    Differ.Options.defaults().withDeleteExtra(java.util.Set.of("res_partner_res_partner_category_rel")),
                    Differ.Target.of("res_partner_res_partner_category_rel"));
            RepairPlan.TablePlan t = plan.tables().get(0);
            assertThat(t.key()).isNull();
            assertThat(t.deletes()).hasSize(1);
            s.repair(plan, false);

            assertThat(query(s, "SELECT * FROM res_partner_res_partner_category_rel ORDER BY 1, 2"))
                    .isEqualTo(before);
        }
    }

    @Test
    void aTableWithoutKeyAndWithOtherColumnsIsRefused(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod("CREATE TABLE rel (a int, b int)");
            s.copy();
            s.prod("ALTER TABLE rel ADD COLUMN c int");
            assertThatThrownBy(() -> s.diff(Differ.Options.defaults(), Differ.Target.of("rel")))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessage(
                            "cannot compare table rel: it has no primary key and the two sides have different columns");
        }
    }

    @Test
    void differingColumnSetsCompareTheCommonColumnsAndReportTheOthers(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE product (id int PRIMARY KEY, name text, old_code text)",
                    "INSERT INTO product SELECT g, 'P' || g, 'C' || g FROM generate_series(1, 100) g");
            s.copy();
            // a module update after the copy: a column dropped, one added
            s.prod(
                    "ALTER TABLE product DROP COLUMN old_code",
                    "ALTER TABLE product ADD COLUMN barcode text DEFAULT 'none'",
                    "UPDATE product SET name = 'broken' WHERE id <= 10",
                    "DELETE FROM product WHERE id = 50");

            RepairPlan plan = s.diff(Differ.Options.defaults(), Differ.Target.of("product"));
            RepairPlan.TablePlan t = plan.tables().get(0);
            assertThat(t.columns()).extracting(Catalog.Column::name).containsExactly("id", "name");
            assertThat(t.productionOnlyColumns()).containsExactly("barcode");
            assertThat(t.sideOnlyColumns()).containsExactly("old_code");
            s.repair(plan, false);

            assertThat(query(s, "SELECT id, name, barcode FROM product WHERE id IN (1, 10, 11, 50) ORDER BY id"))
                    .containsExactly("1|P1|none", "10|P10|none", "11|P11|none", "50|P50|none");
        }
    }

    @Test
    void anOdooModelBringsItsRelationTablesAttachmentsAndMessages(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE ir_model (id serial PRIMARY KEY, model varchar NOT NULL)",
                    "CREATE TABLE ir_model_fields (id serial PRIMARY KEY, model varchar, name varchar, ttype varchar,"
                            + " relation_table varchar, column1 varchar, column2 varchar)",
                    "INSERT INTO ir_model (model) VALUES ('res.partner'), ('res.partner.category')",
                    "INSERT INTO ir_model_fields (model, name, ttype, relation_table, column1, column2) VALUES"
                            + " ('res.partner', 'category_id', 'many2many', 'res_partner_res_partner_category_rel',"
                            + " 'partner_id', 'category_id'), ('res.partner', 'name', 'char', NULL, NULL, NULL)",
                    "CREATE TABLE res_partner (id int PRIMARY KEY, name text)",
                    "CREATE TABLE res_partner_res_partner_category_rel (partner_id int, category_id int)",
                    "CREATE TABLE ir_attachment (id int PRIMARY KEY, res_model varchar, res_id int, name text)",
                    "CREATE TABLE mail_message (id int PRIMARY KEY, model varchar, res_id int, body text)",
                    "INSERT INTO res_partner SELECT g, 'P' || g FROM generate_series(1, 20) g",
                    "INSERT INTO res_partner_res_partner_category_rel SELECT g, 1 FROM generate_series(1, 20) g",
                    "INSERT INTO ir_attachment SELECT g, CASE WHEN g % 2 = 0 THEN 'res.partner' ELSE"
                            + " 'res.partner.category' END, g, 'a' FROM generate_series(1, 20) g",
                    "CREATE TABLE res_partner_category (id int PRIMARY KEY, name text)",
                    "INSERT INTO mail_message SELECT g, CASE WHEN g % 2 = 0 THEN 'res.partner' ELSE 'sale.order' END, g,"
                            + " 'm' FROM generate_series(1, 20) g");
            s.copy();
            s.prod(
                    "DELETE FROM res_partner_res_partner_category_rel WHERE partner_id = 4",
                    "DELETE FROM ir_attachment WHERE id IN (4, 5)",
                    "DELETE FROM mail_message WHERE id IN (6, 7)",
                    "DELETE FROM res_partner WHERE id = 4");

            List<Differ.Target> targets;
            try (Connection c = s.connectProd()) {
                targets = Differ.modelTargets(c, "res.partner");
            }
            assertThat(targets)
                    .containsExactly(
                            Differ.Target.of("res_partner"),
                            Differ.Target.of("res_partner_res_partner_category_rel"),
                            new Differ.Target("ir_attachment", "res_model", "res.partner"),
                            new Differ.Target("mail_message", "model", "res.partner"));
            RepairPlan plan = s.diff(Differ.Options.defaults(), targets.toArray(Differ.Target[]::new));
            // only the rows of the model: attachment 5 and message 7 belong to other models
            assertThat(plan.tables()).extracting(t -> t.insertedRows()).containsExactly(1L, 1L, 1L, 1L);
            assertThat(plan.tables().get(2).filter()).isEqualTo("res_model = 'res.partner'");

            // two models: ir_attachment twice, each entry with its rows, its row count checked once for both
            List<Differ.Target> both = new ArrayList<>(targets);
            try (Connection c = s.connectProd()) {
                both.addAll(Differ.modelTargets(c, "res.partner.category"));
            }
            RepairPlan twoModels = s.diff(Differ.Options.defaults(), both.toArray(Differ.Target[]::new));
            PitrRepairResult.Report report = s.repair(twoModels, false);
            assertThat(report.tables())
                    .filteredOn(t -> t.table().equals("ir_attachment"))
                    .extracting(PitrRepairResult.Table::rowsBefore, PitrRepairResult.Table::rowsAfter)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(18L, 20L));
            assertThat(query(s, "SELECT id, res_model FROM ir_attachment WHERE id IN (4, 5) ORDER BY id"))
                    .containsExactly("4|res.partner", "5|res.partner.category");
            assertThatThrownBy(() -> {
                        try (Connection c = s.connectProd()) {
                            Differ.modelTargets(c, "no.such.model");
                        }
                    })
                    .hasMessage("no model \"no.such.model\" in ir_model of database " + db.name());
        }
    }
}
