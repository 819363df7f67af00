package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.postgres.SqlNames;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat pitr}: JSON results and exit codes, against a real production and side copy. */
@ExtendWith(PostgresExtension.class)
class PitrCommandTest {
    @TempDir
    Path tmp;

    private static void sql(Connection c, String... statements) throws Exception {
        try (Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
    }

    @Test
    void countsDiffRepairAndTheirExitCodes(TestDatabase db) throws Exception {
        String side = db.name().substring(0, Math.min(db.name().length(), 55)) + "_side";
        try (Connection c = db.connect()) {
            sql(
                    c,
                    "CREATE TABLE res_partner (id serial PRIMARY KEY, name text, create_date timestamp, write_date timestamp)",
                    "INSERT INTO res_partner (name, create_date, write_date) SELECT 'P' || g, '2026-03-01', '2026-03-01'"
                            + " FROM generate_series(1, 100) g");
        }
        Map<String, String> before;
        try (Connection c = db.connect()) {
            before = RepoCli.tables(c);
        }
        try (Connection c = db.connectSuperuser()) {
            sql(
                    c,
                    "CREATE DATABASE " + SqlNames.ident(side) + " TEMPLATE " + SqlNames.ident(db.name()) + " OWNER "
                            + PostgresExtension.ODOO_ROLE,
                    // read-only, as a recovery paused at its target
                    "ALTER DATABASE " + SqlNames.ident(side) + " SET default_transaction_read_only = on");
        }
        try {
            try (Connection c = db.connect()) {
                sql(
                        c,
                        "UPDATE res_partner SET name = 'oops', write_date = '2026-03-02 10:15' WHERE id <= 10",
                        "DELETE FROM res_partner WHERE id > 98");
            }
            List<String> prod = RepoCli.args(RepoCli.instance(db, tmp), List.of("-d", db.name()));
            List<String> sideArgs = List.of("--side-db", side);

            JsonNode counts = RepoCli.run(
                            RepoCli.args(List.of("pitr", "counts", "--table", "res_partner", "--json"), prod, sideArgs))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(counts.path("tables").get(0).path("delta").asLong()).isEqualTo(-2);

            JsonNode window = RepoCli.run(RepoCli.args(
                            List.of(
                                    "pitr",
                                    "window",
                                    "--table",
                                    "res_partner",
                                    "--from",
                                    "2026-03-02T10:00",
                                    "--to",
                                    "2026-03-02T11:00",
                                    "--bucket",
                                    "900",
                                    "--json"),
                            prod))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(window.path("tables")
                            .get(0)
                            .path("buckets")
                            .get(0)
                            .path("writtenRows")
                            .asLong())
                    .isEqualTo(10);

            RepoCli.run(RepoCli.args(List.of("pitr", "activity", "--json"), prod))
                    .expect(ExitCode.OK);

            Path plan = tmp.resolve("plan.json");
            Path script = tmp.resolve("repair.sql");
            List<String> diff = RepoCli.args(
                    List.of(
                            "pitr",
                            "diff",
                            "--table",
                            "res_partner",
                            "-o",
                            plan.toString(),
                            "--sql",
                            script.toString()),
                    prod,
                    sideArgs);
            JsonNode d = RepoCli.run(RepoCli.args(diff, List.of("--json")))
                    .expect(ExitCode.PROBLEMS_FOUND)
                    .json();
            assertThat(d.path("changedRows").asLong()).isEqualTo(12);
            assertThat(d.path("tables").get(0).path("reinsert").asLong()).isEqualTo(2);
            assertThat(d.path("tables").get(0).path("restore").asLong()).isEqualTo(10);
            assertThat(Files.readString(script)).contains("UPDATE \"public\".\"res_partner\" SET");
            // the plan is never overwritten
            JsonNode exists = RepoCli.run(RepoCli.args(diff, List.of("--json")))
                    .expect(ExitCode.CONFLICT)
                    .json();
            assertThat(exists.path("error").path("message").asText()).isEqualTo("file exists: " + plan);

            JsonNode dry = RepoCli.run(RepoCli.args(List.of("pitr", "repair", plan.toString(), "--json"), prod))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(dry.path("report").path("applied").asBoolean()).isFalse();
            assertThat(dry.path("report")
                            .path("tables")
                            .get(0)
                            .path("rowsAfter")
                            .asLong())
                    .isEqualTo(100);

            JsonNode applied = RepoCli.run(
                            RepoCli.args(List.of("pitr", "repair", plan.toString(), "--apply", "--json"), prod))
                    .expect(ExitCode.OK)
                    .json();
            assertThat(applied.path("report").path("applied").asBoolean()).isTrue();
            try (Connection c = db.connect()) {
                assertThat(RepoCli.tables(c)).isEqualTo(before);
            }

            // applied twice: production is no longer as the diff saw it
            JsonNode again = RepoCli.run(
                            RepoCli.args(List.of("pitr", "repair", plan.toString(), "--apply", "--json"), prod))
                    .expect(ExitCode.CONFLICT)
                    .json();
            assertThat(again.path("error").path("message").asText())
                    .startsWith("production changed since the diff in table res_partner: 12 row(s): 1, 2, 3");

            JsonNode hostile = RepoCli.run(RepoCli.args(
                            List.of(
                                    "pitr",
                                    "diff",
                                    "--table",
                                    "x\"; DROP TABLE res_partner; --",
                                    "-o",
                                    tmp.resolve("p2.json").toString(),
                                    "--json"),
                            prod,
                            sideArgs))
                    .expect(ExitCode.USAGE)
                    .json();
            assertThat(hostile.path("error").path("message").asText()).startsWith("no table ");
            RepoCli.run(RepoCli.args(
                            List.of(
                                    "pitr",
                                    "diff",
                                    "--table",
                                    "res_partner",
                                    "-o",
                                    tmp.resolve("p3.json").toString()),
                            prod,
                            List.of("--side-db", db.name())))
                    .expect(ExitCode.USAGE);
            RepoCli.run(RepoCli.args(
                            List.of("pitr", "repair", tmp.resolve("none.json").toString()), prod))
                    .expect(ExitCode.USAGE);
        } finally {
            db.cluster().dropDatabase(side);
        }
    }
}
