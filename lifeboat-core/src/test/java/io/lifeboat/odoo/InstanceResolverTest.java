package io.lifeboat.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.odoo.InstanceResolver.Overrides;
import io.lifeboat.postgres.PgConnection;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceResolverTest {

    @TempDir
    Path home;

    private static OdooConfig conf(String text) {
        return OdooConfig.parse(new StringReader(text), "test.conf");
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void withoutDashCTheConfigFileIsFoundAsOdooFindsIt() throws Exception {
        Path real = home.toRealPath();
        assertThat(InstanceResolver.defaultConfigFile(env())).isNull();
        java.nio.file.Files.writeString(home.resolve(".openerp_serverrc"), "[options]\n");
        assertThat(InstanceResolver.defaultConfigFile(env())).isEqualTo(home.resolve(".openerp_serverrc"));
        java.nio.file.Files.writeString(home.resolve(".odoorc"), "[options]\n");
        assertThatThrownBy(() -> InstanceResolver.defaultConfigFile(env()))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE))
                .hasMessageContaining("found both");
        java.nio.file.Files.delete(home.resolve(".openerp_serverrc"));
        assertThat(InstanceResolver.defaultConfigFile(env())).isEqualTo(home.resolve(".odoorc"));
        Path named = java.nio.file.Files.writeString(home.resolve("named.conf"), "[options]\n");
        assertThat(InstanceResolver.defaultConfigFile(env("OPENERP_SERVER", named.toString())))
                .isEqualTo(real.resolve("named.conf"));
        assertThat(InstanceResolver.defaultConfigFile(
                        env("ODOO_RC", named.toString(), "OPENERP_SERVER", "/nonexistent")))
                .isEqualTo(real.resolve("named.conf"));
        assertThatThrownBy(() -> InstanceResolver.defaultConfigFile(
                        env("ODOO_RC", home.resolve("gone.conf").toString())))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE))
                .hasMessage("no such file or directory: " + real.resolve("gone.conf")
                        + " (the odoo configuration file named by ODOO_RC)");
    }

    @Test
    void configThenEnvironmentThenFlags() {
        OdooConfig c = conf("""
                [options]
                db_host = db.internal
                db_port = False
                db_user = odoo
                db_password = False
                dbfilter = ^%d$
                """);
        Map<String, String> env = env("PGHOST", "ignored", "PGPORT", "6543", "PGPASSWORD", "from-env", "PGUSER", "x");
        OdooInstance i = InstanceResolver.resolve(c, env, Overrides.NONE);
        assertThat(i.connection()).isEqualTo(new PgConnection("db.internal", 6543, "odoo", "from-env", null));
        assertThat(i.origins())
                .containsEntry("host", "odoo.conf")
                .containsEntry("port", "PGPORT")
                .containsEntry("user", "odoo.conf")
                .containsEntry("password", "PGPASSWORD")
                .doesNotContainKey("sslmode");
        assertThat(i.dbFilter()).isEqualTo("^%d$");

        Overrides flags = new Overrides(
                "flag-host", 7000, "flag-user", "flag-pw", "require", "db1", "^x", null, null, null, null);
        OdooInstance f = InstanceResolver.resolve(c, env, flags);
        assertThat(f.connection()).isEqualTo(new PgConnection("flag-host", 7000, "flag-user", "flag-pw", "require"));
        assertThat(f.dbName()).isEqualTo("db1");
        assertThat(f.dbFilter()).isEqualTo("^x");
        assertThat(f.origins()).containsEntry("host", "flag").containsEntry("password", "flag");
    }

    @Test
    void withoutConfigEverythingComesFromTheEnvironment() {
        OdooInstance i = InstanceResolver.resolve(
                (OdooConfig) null,
                env("PGHOST", "/run/postgresql", "PGUSER", "u", "PGDATABASE", "prod", "PGSSLMODE", "disable"),
                null);
        assertThat(i.connection()).isEqualTo(new PgConnection("/run/postgresql", null, "u", null, "disable"));
        assertThat(i.dbName()).isEqualTo("prod");
        assertThat(i.dbTemplate()).isEqualTo("template1");
        assertThat(i.listDb()).isTrue();
        assertThat(i.configFile()).isNull();
    }

    @Test
    void falseAndEmptyValuesAreUnset() {
        OdooConfig c = conf("[options]\ndb_host =\ndb_user = false\ndb_port = 0\ndb_name = False\n");
        OdooInstance i = InstanceResolver.resolve(c, env("PGHOST", "h", "PGUSER", "u", "PGPORT", "5433"), null);
        assertThat(i.connection()).isEqualTo(new PgConnection("h", 5433, "u", null, null));
        assertThat(i.dbName()).isNull();
    }

    @Test
    void portIsParsedLikeOptparse() {
        assertThat(port("5432")).isEqualTo(5432);
        assertThat(port("0x1538")).isEqualTo(5432);
        // optparse reads a leading zero as octal
        assertThat(port("012470")).isEqualTo(5432);
        assertThatThrownBy(() -> port("abc"))
                .isInstanceOf(LifeboatException.class)
                .hasMessage("invalid database port 'abc' from odoo.conf");
        assertThatThrownBy(() -> InstanceResolver.resolve((OdooConfig) null, env("PGPORT", "54x"), null))
                .hasMessage("invalid database port '54x' from PGPORT");
    }

    private Integer port(String value) {
        return InstanceResolver.resolve(conf("[options]\ndb_port = " + value + "\n"), env(), null)
                .connection()
                .port();
    }

    @Test
    void invalidSslmodeIsRefused() {
        assertThatThrownBy(() -> InstanceResolver.resolve(conf("[options]\ndb_sslmode = maybe\n"), env(), null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
                    assertThat(e.getMessage()).isEqualTo("invalid sslmode 'maybe' from odoo.conf");
                });
    }

    @Test
    void defaultDataDirIsAppdirsUserDataDir() {
        assertThat(InstanceResolver.resolve((OdooConfig) null, env(), null).dataDir())
                .isEqualTo(real(home).resolve(".local/share/Odoo"));
        Path xdg = home.resolve("xdg");
        assertThat(InstanceResolver.resolve((OdooConfig) null, env("XDG_DATA_HOME", xdg.toString()), null)
                        .dataDir())
                .isEqualTo(real(home).resolve("xdg/Odoo"));
        Map<String, String> noHome = env();
        noHome.put("HOME", home.resolve("missing").toString());
        assertThat(InstanceResolver.resolve((OdooConfig) null, noHome, null).dataDir())
                .isEqualTo(Path.of("/var/lib/odoo"));
    }

    @Test
    void configuredDataDirIsExpandedAndResolved() throws IOException {
        Path target = Files.createDirectories(home.resolve("real-data"));
        Files.createSymbolicLink(home.resolve("link"), target);
        OdooConfig c = conf("[options]\ndata_dir = ~/link/$SUB/${SUB}\n");
        OdooInstance i = InstanceResolver.resolve(c, env("SUB", "odoo"), null);
        assertThat(i.dataDir()).isEqualTo(real(target).resolve("odoo/odoo"));
        assertThat(i.origins()).containsEntry("data_dir", "odoo.conf");
        assertThat(i.filestore("prod")).isEqualTo(real(target).resolve("odoo/odoo/filestore/prod"));
        assertThat(InstanceResolver.expandVars("$UNKNOWN/x", Map.of())).isEqualTo("$UNKNOWN/x");

        Overrides flag = new Overrides(null, null, null, null, null, null, null, target, null, null, null);
        assertThat(InstanceResolver.resolve(c, env(), flag).dataDir()).isEqualTo(real(target));
    }

    @Test
    void emptyDataDirIsRefused() {
        assertThatThrownBy(() -> InstanceResolver.resolve(conf("[options]\ndata_dir = False\n"), env(), null))
                .isInstanceOf(LifeboatException.class)
                .hasMessage("data_dir is empty in test.conf");
    }

    @Test
    void otherOptions() {
        OdooConfig c = conf("""
                [options]
                addons_path = /opt/odoo/addons, /opt/custom/../extra
                pg_path = /usr/lib/postgresql/16/bin
                list_db = False
                db_template = template0
                db_name = a, b
                """);
        OdooInstance i = InstanceResolver.resolve(c, env(), null);
        assertThat(i.addonsPath()).containsExactly(Path.of("/opt/odoo/addons"), Path.of("/opt/extra"));
        assertThat(i.pgBin()).isEqualTo(Path.of("/usr/lib/postgresql/16/bin"));
        assertThat(i.listDb()).isFalse();
        assertThat(i.dbTemplate()).isEqualTo("template0");
        assertThat(i.dbNames()).isEqualTo(List.of("a", "b"));
        assertThat(InstanceResolver.resolve(conf("[options]\nlist_db = True\n"), env(), null)
                        .listDb())
                .isTrue();
    }

    @Test
    void filestoreRejectsPathsThatAreNotDatabaseNames() {
        OdooInstance i = InstanceResolver.resolve((OdooConfig) null, env(), null);
        assertThatThrownBy(() -> i.filestore("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> i.filestore("..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordNeverInToString() {
        OdooConfig c = conf("[options]\ndb_password = hunter2\n");
        OdooInstance i = InstanceResolver.resolve(c, env(), null);
        assertThat(i.connection().password()).isEqualTo("hunter2");
        assertThat(i.toString()).doesNotContain("hunter2");
        Overrides o = new Overrides(null, null, null, "hunter3", null, null, null, null, null, null, null);
        assertThat(o.toString()).doesNotContain("hunter3").contains("***");
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
