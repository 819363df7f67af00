package io.lifeboat.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.odoo.DatabaseLister.Options;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class DatabaseListerTest {

    private static final List<String> DBS = List.of("acme", "acme_test", "beta", "www", "x.y");

    private static List<String> filter(String dbfilter, String dbName, String host) {
        return DatabaseLister.filter(DBS, new Options(dbName, dbfilter, null), host);
    }

    @Test
    void dbfilterSubstitutesHostAndDomainLikeOdoo() {
        assertThat(filter("^%d$", null, "acme.example.com:8069")).containsExactly("acme");
        assertThat(filter("^%d$", null, "www.beta.example.com")).containsExactly("beta");
        assertThat(filter("^%d$", null, "www.example.com")).isEmpty();
        assertThat(filter("^%h$", null, "x.y")).containsExactly("x.y");
        // %h is escaped: its dot matches only a dot
        assertThat(filter("^%h", null, "x-y")).isEmpty();
        assertThat(filter("^%d.*", null, "acme")).containsExactly("acme", "acme_test");
    }

    @Test
    void dbfilterMatchesAtTheStartOnlyLikeReMatch() {
        assertThat(filter("acme", null, null)).containsExactly("acme", "acme_test");
        assertThat(filter("test", null, null)).isEmpty();
        assertThat(filter(".*test", null, null)).containsExactly("acme_test");
        assertThat(filter("(?P<n>a)cme(?P=n)?$", null, null)).containsExactly("acme");
    }

    @Test
    void withoutHostPlaceholdersBecomeEmpty() {
        assertThat(filter("^%d$", null, null)).isEmpty();
        assertThat(filter("^%d", null, null)).isEqualTo(DBS);
        assertThat(DatabaseLister.dependsOnHost(new Options(null, "^%d$", null)))
                .isTrue();
        assertThat(DatabaseLister.dependsOnHost(new Options(null, "^prod", null)))
                .isFalse();
        assertThat(DatabaseLister.dependsOnHost(new Options("a", null, null))).isFalse();
    }

    @Test
    void dbNameRestrictsWhenThereIsNoFilter() {
        assertThat(filter(null, "beta, acme ,missing", null)).containsExactly("acme", "beta");
        assertThat(filter("", "beta", null)).containsExactly("beta");
        // a dbfilter wins over db_name
        assertThat(filter("^a", "beta", null)).containsExactly("acme", "acme_test");
        assertThat(filter(null, null, null)).isEqualTo(DBS);
    }

    @Test
    void invalidFilterIsBadInput() {
        assertThatThrownBy(() -> filter("^(unclosed", null, null))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT))
                .hasMessageStartingWith("dbfilter '^(unclosed' is not a valid regular expression");
    }

    @Test
    void listsOdooDatabasesOwnedByTheUser(PgCluster cluster) throws SQLException {
        String role = "dl_owner";
        cluster.createRole(role, "LOGIN", "CREATEDB");
        cluster.createRole("dl_other", "LOGIN");
        List<String> odoo = List.of("dl_acme", "dl_acme_test", "dl_beta", "dl_tmpl", "dl_noconn");
        List<String> all =
                List.of("dl_acme", "dl_acme_test", "dl_beta", "dl_tmpl", "dl_noconn", "dl_plain", "dl_foreign");
        try {
            for (String db : all) {
                cluster.createDatabase(db, db.equals("dl_foreign") ? "dl_other" : role);
                if (odoo.contains(db) || db.equals("dl_foreign")) {
                    try (Connection c = cluster.connect(db);
                            Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE ir_module_module (id serial, name varchar)");
                    }
                }
            }
            try (Connection c = cluster.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE dl_tmpl IS_TEMPLATE true");
                s.execute("ALTER DATABASE dl_noconn ALLOW_CONNECTIONS false");
            }
            PgConnection pg = new PgConnection(cluster.host(), cluster.port(), role, null, null);

            assertThat(DatabaseLister.list(pg, new Options(null, null, null), null))
                    .containsExactly("dl_acme", "dl_acme_test", "dl_beta");
            assertThat(DatabaseLister.list(pg, new Options(null, "^dl_acme", null), null))
                    .containsExactly("dl_acme", "dl_acme_test");
            assertThat(DatabaseLister.list(pg, new Options(null, "^%d$", null), "www.dl_beta.example.com:443"))
                    .containsExactly("dl_beta");
            assertThat(DatabaseLister.list(pg, new Options(null, "^%d$", null), null))
                    .isEmpty();
            // db_template is never listed
            assertThat(DatabaseLister.list(pg, new Options(null, null, "dl_beta"), null))
                    .containsExactly("dl_acme", "dl_acme_test");
            // db_name without dbfilter: exactly those names, whoever owns them, if they exist and hold Odoo data
            assertThat(DatabaseLister.list(
                            pg, new Options("dl_foreign,dl_beta, dl_plain,dl_missing", null, null), null))
                    .containsExactly("dl_beta", "dl_foreign");
        } finally {
            try (Connection c = cluster.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE dl_tmpl IS_TEMPLATE false");
            }
            for (String db : all) {
                cluster.dropDatabase(db);
            }
        }
    }

    @Test
    void unreachableServerIsAnEnvironmentError(PgCluster cluster) {
        PgConnection pg = new PgConnection(cluster.host(), cluster.port(), "no_such_role", null, null);
        assertThatThrownBy(() -> DatabaseLister.list(pg, new Options(null, null, null), null))
                .isInstanceOfSatisfying(
                        LifeboatException.class,
                        e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.ENVIRONMENT))
                .hasMessageStartingWith("cannot list databases on no_such_role@");
    }
}
