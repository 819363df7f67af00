package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class PgToolsTest {

    @TempDir
    Path dir;

    @Test
    void readsServerVersionLikeOdoo(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            PgServerInfo info = PgServerInfo.read(c);
            assertThat(info.major()).isEqualTo(db.cluster().majorVersion());
            assertThat(info.version()).startsWith(info.major() + ".");
            assertThat(info.odooPgVersion()).isEqualTo(info.major() + ".0");
        }
    }

    @Test
    void odooPgVersionFormula() {
        assertThat(new PgServerInfo(150018, "15.18").odooPgVersion()).isEqualTo("15.0");
        assertThat(new PgServerInfo(170002, "17.2").odooPgVersion()).isEqualTo("17.0");
        assertThat(new PgServerInfo(90624, "9.6.24").odooPgVersion()).isEqualTo("9.6");
        assertThat(new PgServerInfo(150018, "15.18").major()).isEqualTo(15);
    }

    @Test
    void findsClientProgramsForTheServer(TestDatabase db) throws SQLException {
        int major;
        try (Connection c = db.connect()) {
            major = PgServerInfo.read(c).major();
        }
        PgTools tools = PgTools.find(major, null, System.getenv("PATH"), PgTools.DEBIAN_ROOT);
        for (PgTools.Tool t : new PgTools.Tool[] {tools.pgDump(), tools.pgRestore(), tools.psql()}) {
            assertThat(t.major()).isGreaterThanOrEqualTo(major);
            assertThat(Files.isExecutable(t.path())).isTrue();
            assertThat(t.path().getFileName().toString()).isEqualTo(t.name());
        }
        assertThat(tools.pgDump().name()).isEqualTo("pg_dump");
        assertThat(tools.psql().version()).startsWith(tools.psql().major() + ".");
    }

    @Test
    void refusesWhenServerIsNewerThanEveryClient() {
        assertThatThrownBy(() -> PgTools.find(99, null, System.getenv("PATH"), PgTools.DEBIAN_ROOT))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LifeboatException.Kind.ENVIRONMENT);
                    assertThat(e.getMessage())
                            .contains("postgresql 99 server")
                            .containsPattern("pg_dump 99 or newer is needed; found pg_dump \\d+\\.\\d+")
                            .contains("pg_restore 99 or newer")
                            .contains("psql 99 or newer");
                    assertThat(e.hint()).contains("postgresql-client-99").contains("--pg-bin");
                });
    }

    @Test
    void configuredDirectoryComesFirstWhenNewEnough() throws IOException {
        fakeTools(dir, "pg_dump (PostgreSQL) 16.4 (Fake)");
        PgTools tools = PgTools.find(15, dir, System.getenv("PATH"), PgTools.DEBIAN_ROOT);
        assertThat(tools.pgDump().path()).isEqualTo(dir.resolve("pg_dump"));
        assertThat(tools.pgDump().version()).isEqualTo("16.4");
        assertThat(tools.psql().major()).isEqualTo(16);
    }

    @Test
    void tooOldOrBrokenCandidatesAreSkippedAndReported() throws IOException {
        Path old = Files.createDirectory(dir.resolve("old"));
        fakeTools(old, "pg_dump (PostgreSQL) 12.9");
        Path broken = Files.createDirectory(dir.resolve("broken"));
        script(broken.resolve("pg_dump"), "exit 1");
        PgTools tools = PgTools.find(15, old, broken.toString(), PgTools.DEBIAN_ROOT);
        assertThat(tools.pgDump().path()).isNotEqualTo(old.resolve("pg_dump"));
        assertThat(tools.pgDump().major()).isGreaterThanOrEqualTo(15);

        assertThatThrownBy(() -> PgTools.find(99, old, broken.toString(), PgTools.DEBIAN_ROOT))
                .hasMessageContaining("pg_dump 12.9 (" + old.resolve("pg_dump") + ")")
                .hasMessageContaining("unusable " + broken.resolve("pg_dump"));
    }

    @Test
    void versionDispatchersOnPathAreSkipped() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        fakeTools(real, "pg_dump (PostgreSQL) 42.1");
        Path onPath = Files.createDirectory(dir.resolve("bin"));
        Path wrapper = real.resolve("pg_wrapper");
        script(wrapper, "echo 'pg_dump (PostgreSQL) 42.1'");
        for (String n : new String[] {"pg_dump", "pg_restore", "psql"}) {
            Files.createSymbolicLink(onPath.resolve(n), wrapper);
        }
        assertThatThrownBy(() -> PgTools.find(40, null, onPath.toString(), dir.resolve("none")))
                .hasMessageContaining("found none");
    }

    private static void fakeTools(Path dir, String versionLine) throws IOException {
        for (String n : new String[] {"pg_dump", "pg_restore", "psql"}) {
            script(dir.resolve(n), "echo '" + versionLine.replace("pg_dump", n) + "'");
        }
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
