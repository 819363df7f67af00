package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.postgres.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot be reached or refuses the password: the message says so and the hint names the
 * setting to fix (db_password / PGPASSWORD, db_host / --db-host), whatever the command.
 */
class ConnectionHintsTest {

    static PgCluster cluster;
    static Path hba;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        // The superuser keeps trust; every other role must give its password.
        hba = Files.createTempFile(
                "lifeboat-hba-",
                ".conf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.writeString(
                hba,
                "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
        cluster = PgCluster.start(PgCluster.Options.defaults().withSetting("hba_file", hba.toString()));
        try (Connection c = cluster.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'right'");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) cluster.close();
        Files.deleteIfExists(hba);
    }

    private Path conf(String password) throws Exception {
        return Files.writeString(
                tmp.resolve("odoo.conf"),
                "[options]\ndb_host = " + cluster.host() + "\ndb_port = " + cluster.port() + "\ndb_user = odoo\n"
                        + (password == null ? "" : "db_password = " + password + "\n") + "data_dir = " + tmp
                        + "\n");
    }

    @Test
    void aWrongPasswordNamesDbPasswordAndPgpassword() throws Exception {
        var ok = RepoCli.run("databases", "-c", conf("right").toString());
        ok.expect(ExitCode.OK);
        for (String[] args : new String[][] {
            {"databases", "-c", conf("wrong").toString()},
            {
                "backup",
                "-c",
                conf("wrong").toString(),
                "-d",
                "shop",
                "-o",
                tmp.resolve("b.zip").toString()
            },
            {"check", "-c", conf("wrong").toString(), "-d", "shop"},
        }) {
            var r = RepoCli.run(args).expect(ExitCode.FAILED);
            assertThat(r.err())
                    .as(String.join(" ", args))
                    .contains("password authentication failed for user \"odoo\"")
                    .contains("hint: Check the password of role odoo: db_password in odoo.conf, or PGPASSWORD");
        }
        var none = RepoCli.run("databases", "-c", conf(null).toString()).expect(ExitCode.FAILED);
        assertThat(none.err())
                .contains("asks role odoo for a password and none was given")
                .contains("db_password in odoo.conf, or PGPASSWORD");
    }

    @Test
    void anUnknownHostNamesDbHost() {
        var r = RepoCli.run("databases", "--db-host", "no-such-host.invalid", "--data-dir", tmp.toString())
                .expect(ExitCode.FAILED);
        assertThat(r.err())
                .contains(
                        "cannot connect to PostgreSQL at no-such-host.invalid:5432: unknown host no-such-host.invalid")
                .contains("hint: Check db_host in odoo.conf, PGHOST or --db-host.");
    }
}
