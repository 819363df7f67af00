package io.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile dump cannot reach outside the database being restored: its SQL, and the functions it defines
 * that run during the load, execute as a throw-away role that owns nothing else. Each attack is also run
 * with {@code trustedDump} (the dump loaded as the connecting role, as before isolation existed) to show
 * that it is real: there it succeeds.
 */
@ExtendWith(PostgresExtension.class)
class RestoreIsolationTest {

    @TempDir
    Path dataDir;

    PgCluster cluster;
    String prefix;
    /** A role of this test's own, like an Odoo role that owns several databases. */
    String role;

    Env env;

    @BeforeEach
    void setUp(PgCluster c) throws SQLException {
        cluster = c;
        prefix = "iso" + Long.toHexString(System.nanoTime()).substring(7);
        role = prefix + "_odoo";
        cluster.createRole(role, "LOGIN", "CREATEDB", "CREATEROLE");
        env = new Env(
                cluster,
                dataDir,
                new PgConnection(cluster.host(), cluster.port(), role, null, null),
                Env.of(cluster, dataDir).tools());
    }

    /** An attack: SQL run by the dump (%1$s is the victim database, %2$s the restoring role), and what it changes. */
    record Attack(String name, String sql, String probe) {}

    List<Attack> attacks() {
        String comment =
                "SELECT coalesce(shobj_description(oid, 'pg_database'), '-') FROM pg_database WHERE datname = '%1$s'";
        String exists = "SELECT count(*)::text FROM pg_database WHERE datname = '%1$s'";
        return List.of(
                new Attack("comment on another database", "COMMENT ON DATABASE \"%1$s\" IS 'pwned';", comment),
                new Attack(
                        "settings of another database",
                        "ALTER DATABASE \"%1$s\" SET default_transaction_read_only = on;",
                        "SELECT count(*)::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                                + " WHERE d.datname = '%1$s'"),
                new Attack(
                        "grant on another database",
                        "GRANT CREATE ON DATABASE \"%1$s\" TO PUBLIC;",
                        "SELECT coalesce((SELECT bool_or(a.grantee = 0 AND a.privilege_type = 'CREATE')"
                                + " FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = '%1$s'), false)::text"),
                new Attack("rename another database", "ALTER DATABASE \"%1$s\" RENAME TO \"%1$s_pwned\";", exists),
                new Attack("drop another database", "DROP DATABASE \"%1$s\";", exists),
                new Attack(
                        "create a database",
                        "CREATE DATABASE \"%1$s_new\";",
                        "SELECT count(*)::text FROM pg_database WHERE datname = '%1$s_new'"),
                new Attack(
                        "settings of the restoring role",
                        "ALTER ROLE \"%2$s\" SET work_mem = '64kB';",
                        "SELECT count(*)::text FROM pg_db_role_setting WHERE setrole = '%2$s'::regrole"),
                new Attack(
                        "password of the restoring role",
                        "ALTER ROLE \"%2$s\" PASSWORD 'pwned';",
                        "SELECT coalesce(rolpassword, '-') FROM pg_authid WHERE rolname = '%2$s'"),
                new Attack(
                        "set role (lower case, past the line filter)",
                        "set role \"%2$s\";\nCOMMENT ON DATABASE \"%1$s\" IS 'via set role';",
                        comment),
                new Attack(
                        "a function run by an index build",
                        "CREATE FUNCTION public.g() RETURNS void LANGUAGE plpgsql AS $$\n"
                                + "BEGIN EXECUTE 'COMMENT ON DATABASE \"%1$s\" IS ''from an index'''; END\n$$;\n"
                                + "CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$\n"
                                + "BEGIN PERFORM public.g(); RETURN x; END\n$$;\n"
                                + "CREATE TABLE public.t (x int);\nINSERT INTO public.t VALUES (1);\n"
                                + "CREATE INDEX t_f ON public.t (public.f(x));",
                        comment));
    }

    @Test
    void plainDumpAttacksOnOtherDatabasesAndTheRoleFail() throws Exception {
        int i = 0;
        for (Attack a : attacks()) {
            for (boolean trusted : List.of(false, true)) {
                String victim = prefix + "_v" + i++;
                createVictim(victim);
                String before = probe(a, victim);
                Path zip = zipWithDump(HostileDumps.pgDump(
                        HostileDumps.entry("attack", "TABLE", a.sql().formatted(victim, role))));
                try (var src = new ZipRestoreSource(zip)) {
                    var options = Env.options(prefix + "_t").withTrustedDump(trusted);
                    assertThatThrownBy(() -> env.restore(src, options)).isInstanceOf(LifeboatException.class);
                }
                String after = probe(a, victim);
                if (trusted) assertThat(after).as("trusted: " + a.name()).isNotEqualTo(before);
                else assertThat(after).as(a.name()).isEqualTo(before);
                resetRole();
                assertNothingLeft();
            }
        }
    }

    @Test
    void customFormatDumpAttackThroughItsTocFails() throws Exception {
        // the function does nothing while the source is built (as the superuser) and attacks on restore
        String source = prefix + "_src";
        cluster.createDatabase(source);
        Attack a = attacks().get(attacks().size() - 1);
        int i = 0;
        for (boolean trusted : List.of(false, true)) {
            String victim = prefix + "_cv" + i++;
            createVictim(victim);
            try (Connection c = cluster.connect(source);
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS public.t; DROP FUNCTION IF EXISTS public.f(int);"
                        + " DROP FUNCTION IF EXISTS public.g()");
                // an index expression must be immutable; the volatile function it calls may change anything
                st.execute("CREATE FUNCTION public.g() RETURNS void LANGUAGE plpgsql AS $$\n"
                        + "BEGIN IF current_user <> '" + cluster.superuser() + "' THEN EXECUTE 'COMMENT ON DATABASE \""
                        + victim + "\" IS ''from an index'''; END IF; END\n$$");
                st.execute("CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$\n"
                        + "BEGIN PERFORM public.g(); RETURN x; END\n$$");
                st.execute("CREATE TABLE public.t (x int); INSERT INTO public.t VALUES (1);"
                        + " CREATE INDEX t_f ON public.t (public.f(x))");
            }
            Path dump = dataDir.resolve("attack" + i + ".dump");
            ProcessRunner.command(env.tools().pgDump().path().toString(), "-Fc", "-f", dump.toString(), source)
                    .env(cluster.env(source, cluster.superuser()))
                    .run();
            String before = probe(a, victim);
            try (var src = DumpRestoreSource.open(dump)) {
                var options = Env.options(prefix + "_ct").withTrustedDump(trusted);
                assertThatThrownBy(() -> env.restore(src, options)).isInstanceOf(LifeboatException.class);
            }
            String after = probe(a, victim);
            if (trusted) assertThat(after).as("trusted").isNotEqualTo(before);
            else assertThat(after).isEqualTo(before);
            assertNothingLeft();
        }
    }

    @Test
    void restoredDatabaseIsHandedToTheOwnerAndTheRestoreRoleIsDropped() throws Exception {
        String db = prefix + "_fx";
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            r = env.restore(src, Env.options(db));
        }
        assertThat(r.isolated).isTrue();
        assertThat(r.owner).isEqualTo(role);
        assertThat(text("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + db + "'"))
                .isEqualTo(role);
        assertThat(text(
                        db,
                        "SELECT count(*)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> '" + role + "'"))
                .isEqualTo("0");
        assertThat(text(
                        db,
                        "SELECT count(*)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE n.nspname = 'public'"))
                .isNotEqualTo("0");
        assertNothingLeft();

        // replacing keeps the owner of the replaced database; --owner names another one
        String other = prefix + "_other";
        cluster.createRole(other, "NOLOGIN");
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            var options = Env.options(prefix + "_fx3").withOwner(other);
            assertThatThrownBy(() -> env.restore(src, options))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("cannot give the restored database to role " + other);
        }
        try (Connection c = cluster.connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("GRANT \"" + other + "\" TO \"" + role + "\"");
        }
        String second = prefix + "_fx2";
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            r = env.restore(src, Env.options(second).withOwner(other));
        }
        assertThat(r.owner).isEqualTo(other);
        assertThat(text(db, "SELECT count(*)::text FROM pg_class WHERE relname = 'res_users'"))
                .isEqualTo("1");
        assertThat(text(second, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'res_users'"))
                .isEqualTo(other);
        assertNothingLeft();
    }

    @Test
    void privilegesAndSettingsTheDumpGaveItsOwnDatabaseDoNotSurvive() throws Exception {
        // a real Odoo dump with one more entry: the restore role owns the temporary database while it loads
        String extra = HostileDumps.entry(
                "grant",
                "ACL",
                "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO PUBLIC', current_database());"
                        + " EXECUTE format('ALTER DATABASE %I SET work_mem = ''64kB''', current_database()); END $$;");
        String dump;
        try (var zip = new java.util.zip.ZipFile(
                        OdooFixtures.path(OdooFixtures.ODOO16_ZIP).toFile());
                var in = zip.getInputStream(zip.getEntry("dump.sql"))) {
            dump = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        int end = dump.lastIndexOf("--\n-- PostgreSQL database dump complete");
        String db = prefix + "_acl";
        try (var src = new ZipRestoreSource(zipWithDump(dump.substring(0, end) + extra + dump.substring(end)))) {
            env.restore(src, Env.options(db));
        }
        assertThat(text(
                        "postgres",
                        "SELECT coalesce((SELECT bool_or(a.grantee = 0 AND a.privilege_type = 'CREATE')"
                                + " FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = '" + db + "'),"
                                + " false)::text"))
                .isEqualTo("false");
        assertThat(text(
                        "postgres",
                        "SELECT count(*)::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                                + " WHERE d.datname = '" + db + "'"))
                .isEqualTo("0");
        assertThat(text(db, "SELECT has_database_privilege('public', current_database(), 'CONNECT')::text"))
                .isEqualTo("true");
        assertNothingLeft();
    }

    @Test
    void aRoleWithoutCreateroleIsRefusedUnlessTheDumpIsTrusted() throws Exception {
        String weak = prefix + "_weak";
        cluster.createRole(weak, "LOGIN", "CREATEDB");
        Env weakEnv = new Env(
                cluster, dataDir, new PgConnection(cluster.host(), cluster.port(), weak, null, null), env.tools());
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            assertThatThrownBy(() -> weakEnv.restore(src, Env.options(prefix + "_w")))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LifeboatException.Kind.ENVIRONMENT);
                        assertThat(e.getMessage()).contains("lacks CREATEROLE");
                        assertThat(e.hint()).contains("--trusted-dump").contains("ALTER ROLE");
                    });
        }
        assertThat(cluster.databases()).noneMatch(d -> d.startsWith(prefix + "_w"));
        RestoreReport r;
        try (var src = new ZipRestoreSource(OdooFixtures.path(OdooFixtures.ODOO16_ZIP))) {
            r = weakEnv.restore(src, Env.options(prefix + "_w").withTrustedDump(true));
        }
        assertThat(r.isolated).isFalse();
        assertThat(r.verification.baseInstalled).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private void createVictim(String victim) throws SQLException {
        try (Connection c = cluster.connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + victim + "\" OWNER \"" + role + "\"");
        }
    }

    private String probe(Attack a, String victim) throws SQLException {
        return text("postgres", a.probe().formatted(victim, role));
    }

    private void resetRole() throws SQLException {
        try (Connection c = cluster.connect("postgres");
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE \"" + role + "\" RESET ALL");
            st.execute("ALTER ROLE \"" + role + "\" PASSWORD NULL");
        }
    }

    private void assertNothingLeft() throws SQLException {
        assertThat(cluster.databases()).noneMatch(d -> d.contains("_lbnew_"));
        assertThat(text("postgres", "SELECT count(*)::text FROM pg_roles WHERE rolname LIKE 'lifeboat\\_restore\\_%'"))
                .isEqualTo("0");
    }

    private String text(String db, String sql) throws SQLException {
        try (Connection c = cluster.connect(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Objects.toString(rs.getString(1)) : null;
        }
    }

    private Path zipWithDump(String sql) throws IOException {
        return HostileDumps.zip(dataDir, sql);
    }
}
