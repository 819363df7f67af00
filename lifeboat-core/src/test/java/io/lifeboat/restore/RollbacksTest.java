package io.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A rollback record is read back as untrusted input: an edited one changes nothing. */
@ExtendWith(PostgresExtension.class)
class RollbacksTest {

    @TempDir
    Path tmp;

    Env env;
    Path dataDir;
    Path record;
    String target;

    @BeforeEach
    void setUp(PgCluster cluster) throws Exception {
        dataDir = tmp.resolve("data");
        env = Env.of(cluster, dataDir);
        target = "rb" + Long.toHexString(System.nanoTime()).substring(6);
        Files.createDirectories(env.filestore(target));
        Files.writeString(env.filestore(target).resolve("live.txt"), "live");
        record = Files.createDirectories(dataDir.resolve("lifeboat/rollback")).resolve(target + ".json");
    }

    private void writeRecord(String database, String filestore) throws Exception {
        Files.writeString(
                record,
                "[{\"database\":" + json(database) + ",\"filestore\":" + json(filestore)
                        + ",\"source\":\"x.zip\",\"createdAt\":\"2025-01-01T00:00:00Z\"}]");
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void discardRefusesARecordNamingAnotherDatabase(TestDatabase other) throws Exception {
        writeRecord(other.name(), null);
        String before = Files.readString(record);

        assertThatThrownBy(() -> Rollbacks.of(dataDir).discard(env.odoo(), target))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_INPUT))
                .hasMessageContaining(
                        "names database \"" + other.name() + "\", which is not a rollback database of " + target);

        assertThat(env.databases()).contains(other.name());
        assertThat(record).hasContent(before);
    }

    @Test
    void rollbackAndDiscardRefuseAFilestoreOutsideTheFilestoreRoot() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("elsewhere").resolve(target + "_lbold_20250101000000_abcd"));
        Files.writeString(outside.resolve("keep.txt"), "not Lifeboat's");
        writeRecord(null, outside.toString());

        assertThatThrownBy(() -> Rollbacks.of(dataDir).rollback(env.odoo(), target))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_INPUT))
                .hasMessageContaining("which is not a rollback filestore of " + target);
        assertThatThrownBy(() -> Rollbacks.of(dataDir).discard(env.odoo(), target))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("which is not a rollback filestore of " + target);

        // another database's live filestore, or a path climbing out, is refused as well
        writeRecord(null, dataDir.resolve("filestore").resolve("prod").toString());
        assertThatThrownBy(() -> Rollbacks.of(dataDir).discard(env.odoo(), target))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("which is not a rollback filestore");
        writeRecord(
                null,
                dataDir.resolve("filestore/../../elsewhere/" + outside.getFileName())
                        .toString());
        assertThatThrownBy(() -> Rollbacks.of(dataDir).rollback(env.odoo(), target))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("which is not a rollback filestore");

        assertThat(outside.resolve("keep.txt")).hasContent("not Lifeboat's");
        assertThat(env.filestore(target).resolve("live.txt")).hasContent("live");
    }

    @Test
    void aDamagedRecordIsBadInput() throws Exception {
        Files.writeString(record, "[{\"database\": ");
        assertThatThrownBy(() -> Rollbacks.of(dataDir).list(target))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_INPUT))
                .hasMessageContaining("cannot read rollback record " + record);
        Files.writeString(record, "[null]");
        assertThatThrownBy(() -> Rollbacks.of(dataDir).rollback(env.odoo(), target))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("has an empty entry");
    }

    @Test
    void onlyNamesLifeboatGivesAreRollbackNames() {
        String aside = Rollbacks.asideName(target);
        assertThat(Rollbacks.isAsideOf(aside, target)).isTrue();
        String longTarget = "a".repeat(63);
        assertThat(Rollbacks.isAsideOf(Rollbacks.asideName(longTarget), longTarget))
                .isTrue();
        assertThat(Rollbacks.isAsideOf(target, target)).isFalse();
        assertThat(Rollbacks.isAsideOf("postgres", target)).isFalse();
        assertThat(Rollbacks.isAsideOf("other_lbold_20250101000000_abcd", target))
                .isFalse();
        assertThat(Rollbacks.isAsideOf(target + "_lbold_20250101000000_abcd\n", target))
                .isFalse();
    }
}
