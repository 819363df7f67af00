package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.api.PitrActivityResult;
import io.lifeboat.api.PitrCountsResult;
import io.lifeboat.api.PitrWindowResult;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The first-hour queries against a real server. */
@ExtendWith(PostgresExtension.class)
class BlastRadiusTest {

    @Test
    void sessionsListsTransactionsLeftOpen(TestDatabase db) throws Exception {
        try (Connection open = db.connect();
                Connection look = db.connect()) {
            try (Statement st = open.createStatement()) {
                st.execute("CREATE TABLE res_partner (id int)");
            }
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("SET application_name = 'bad import'");
                st.execute("UPDATE res_partner SET id = id + 1 WHERE id > 1000");
            }
            int pid = open.unwrap(org.postgresql.PGConnection.class).getBackendPID();

            PitrActivityResult a = BlastRadius.sessions(look, Duration.ofHours(1), 30);

            PitrActivityResult.Session s = a.sessions().stream()
                    .filter(x -> x.pid() == pid)
                    .findFirst()
                    .orElseThrow();
            assertThat(s.reason()).isEqualTo("idle in transaction");
            assertThat(s.applicationName()).isEqualTo("bad import");
            assertThat(s.user()).isEqualTo(PostgresExtension.ODOO_ROLE);
            assertThat(s.query()).hasSize(30).isEqualTo("UPDATE res_partner SET id = id");
            assertThat(s.transactionSeconds()).isGreaterThanOrEqualTo(0.0);
            assertThat(a.sessions())
                    .noneMatch(x ->
                            x.state().equals("active") && x.applicationName().equals("lifeboat"));
            open.rollback();
        }
    }

    @Test
    void windowShowsWhenTheMassWriteHappened(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE res_partner (id int PRIMARY KEY, create_date timestamp, write_date timestamp)",
                    "INSERT INTO res_partner SELECT g, timestamp '2026-03-02 08:00' + g * interval '1 minute',"
                            + " timestamp '2026-03-02 08:00' + g * interval '1 minute' FROM generate_series(1, 120) g",
                    "UPDATE res_partner SET write_date = '2026-03-02 10:15:30' WHERE id % 2 = 0",
                    "CREATE TABLE res_users (id int PRIMARY KEY, create_date timestamp, write_date timestamp)",
                    "CREATE TABLE other (id int PRIMARY KEY)");
            PitrWindowResult w;
            try (Connection c = s.connectProd()) {
                w = BlastRadius.window(
                        c,
                        List.of("res_partner"),
                        0,
                        LocalDateTime.parse("2026-03-02T09:00"),
                        LocalDateTime.parse("2026-03-02T11:00"),
                        Duration.ofMinutes(15));
            }
            assertThat(w.tables().get(0).buckets())
                    .containsExactly(
                            new PitrWindowResult.Bucket("2026-03-02T09:00", 15, 7),
                            new PitrWindowResult.Bucket("2026-03-02T09:15", 15, 8),
                            new PitrWindowResult.Bucket("2026-03-02T09:30", 15, 7),
                            new PitrWindowResult.Bucket("2026-03-02T09:45", 15, 8),
                            new PitrWindowResult.Bucket("2026-03-02T10:00", 1, 0),
                            new PitrWindowResult.Bucket("2026-03-02T10:15", 0, 60));
            try (Connection c = s.connectProd()) {
                PitrWindowResult all = BlastRadius.window(
                        c,
                        List.of(),
                        5,
                        LocalDateTime.parse("2026-03-02T09:00"),
                        LocalDateTime.parse("2026-03-02T11:00"),
                        Duration.ofHours(1));
                assertThat(all.tables())
                        .extracting(PitrWindowResult.Table::table)
                        .containsExactlyInAnyOrder("res_partner", "res_users");
            }
        }
    }

    @Test
    void countsSortsTablesByHowFarTheSidesDiffer(TestDatabase db) throws Exception {
        try (Sides s = new Sides(db)) {
            s.prod(
                    "CREATE TABLE a (id int PRIMARY KEY)",
                    "CREATE TABLE b (id int PRIMARY KEY)",
                    "INSERT INTO a SELECT generate_series(1, 100)",
                    "INSERT INTO b SELECT generate_series(1, 100)",
                    "ANALYZE");
            s.copy();
            s.prod("DELETE FROM a WHERE id <= 3", "DELETE FROM b WHERE id <= 40", "CREATE TABLE c (id int)", "ANALYZE");
            try (Connection p = s.connectProd();
                    Connection side = s.connectSide()) {
                PitrCountsResult exact = BlastRadius.counts(p, side, List.of("a", "b"));
                assertThat(exact.exact()).isTrue();
                assertThat(exact.tables())
                        .containsExactly(
                                new PitrCountsResult.Table("b", 60L, 100L, -40L),
                                new PitrCountsResult.Table("a", 97L, 100L, -3L));
                PitrCountsResult estimated = BlastRadius.counts(p, side, List.of());
                assertThat(estimated.exact()).isFalse();
                assertThat(estimated.tables())
                        .extracting(PitrCountsResult.Table::table)
                        .containsExactly("b", "a", "c");
                assertThat(estimated.tables().get(2).side()).isNull();
            }
        }
    }
}
