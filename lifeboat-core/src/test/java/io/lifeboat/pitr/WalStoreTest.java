package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.WalStore;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.local.LocalBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL archive's rules (format §13): write once, idempotent, per system, checked, writer key to push. */
class WalStoreTest {
    static final long SYS = 7311234567890123456L;
    static final String SYS_ID = Long.toUnsignedString(SYS);
    static final String SEG = WalFile.segmentName(1, 3);

    @TempDir
    Path tmp;

    SecretKey key;
    WriterKey writer;
    LocalBackend backend;

    @BeforeEach
    void repo() throws Exception {
        key = SecretKey.generate();
        backend = new LocalBackend(Files.createDirectories(tmp.resolve("repo")));
        writer = Repository.init(backend, List.of(key.recipient()));
    }

    @Test
    void pushWithTheWriterKeyGetWithTheSecretKeyRoundTrips() throws Exception {
        byte[] seg = WalFixtures.segment(SYS, 1, 3, 1);
        Path f = WalFixtures.write(tmp, SEG, seg);
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            assertThat(w.wal().push(SYS_ID, SEG, f)).isEqualTo(WalStore.Pushed.STORED);
            assertThatThrownBy(() -> w.wal().read(SYS_ID, SEG))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("writer key");
        }
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            assertThat(r.wal().read(SYS_ID, SEG)).isEqualTo(seg);
            assertThat(r.wal().list(SYS_ID)).extracting(a -> a.file().name()).containsExactly(SEG);
            assertThat(r.wal().systems()).containsExactly(SYS_ID);
        }
    }

    @Test
    void theSameSegmentTwiceSucceedsAndADifferentOneUnderItsNameIsRefused() throws Exception {
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            Path f = WalFixtures.write(tmp, SEG, WalFixtures.segment(SYS, 1, 3, 1));
            assertThat(w.wal().push(SYS_ID, SEG, f)).isEqualTo(WalStore.Pushed.STORED);
            assertThat(w.wal().push(SYS_ID, SEG, f)).isEqualTo(WalStore.Pushed.ALREADY_ARCHIVED);
            Path other = WalFixtures.write(
                    Files.createDirectories(tmp.resolve("o")), SEG, WalFixtures.segment(SYS, 1, 3, 2));
            assertThatThrownBy(() -> w.wal().push(SYS_ID, SEG, other))
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(
                            e -> assertThat(((LifeboatException) e).kind()).isEqualTo(LifeboatException.Kind.CONFLICT))
                    .hasMessageContaining("different");
        }
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            assertThat(r.wal().read(SYS_ID, SEG)).isEqualTo(WalFixtures.segment(SYS, 1, 3, 1));
        }
    }

    @Test
    void aSegmentOfAnotherClusterOrAtAnotherAddressIsRefused() throws Exception {
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            Path foreign = WalFixtures.write(tmp, SEG, WalFixtures.segment(SYS + 1, 1, 3, 1));
            assertThatThrownBy(() -> w.wal().push(SYS_ID, SEG, foreign))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("system identifier");
            String four = WalFile.segmentName(1, 4);
            Path misnamed = WalFixtures.write(tmp, four, WalFixtures.segment(SYS, 1, 3, 1));
            assertThatThrownBy(() -> w.wal().push(SYS_ID, four, misnamed))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("not at the start of");
            Path text = WalFixtures.write(tmp, "junk", "not wal".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> w.wal().push(SYS_ID, SEG, text))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("not a WAL segment");
            assertThat(w.wal().list(SYS_ID)).isEmpty();
        }
    }

    @Test
    void hostileNamesAndSystemIdsNeverBecomePaths() throws Exception {
        Path f = WalFixtures.write(tmp, "x", "x".getBytes(StandardCharsets.UTF_8));
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            for (String name : List.of(
                    "../../config",
                    "/etc/passwd",
                    "00000001.history/../../x",
                    "000000010000000000000003 ",
                    "000000010000000000000003\n",
                    "0000000100000000000000g3",
                    "",
                    "keys/abc")) {
                assertThatThrownBy(() -> w.wal().push(SYS_ID, name, f))
                        .isInstanceOf(LifeboatException.class)
                        .satisfies(e ->
                                assertThat(((LifeboatException) e).kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT));
            }
            for (String sys : List.of("../x", "12a", "", "1/2")) {
                assertThatThrownBy(() -> w.wal().push(sys, "00000002.history", f))
                        .isInstanceOf(LifeboatException.class)
                        .hasMessageContaining("system identifier");
            }
        }
        try (var files = Files.walk(tmp.resolve("repo"))) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> tmp.resolve("repo").relativize(p).toString()))
                    .allMatch(p -> p.equals("config") || p.startsWith("keys/"));
        }
    }

    @Test
    void historyAndBackupFilesAreKept() throws Exception {
        Path history = WalFixtures.write(
                tmp,
                "00000002.history",
                "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.UTF_8));
        String backupName = SEG + ".00000028.backup";
        Path backup =
                WalFixtures.write(tmp, backupName, "START WAL LOCATION: 0/3000028\n".getBytes(StandardCharsets.UTF_8));
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            w.wal().push(SYS_ID, "00000002.history", history);
            w.wal().push(SYS_ID, backupName, backup);
        }
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            assertThat(r.wal().list(SYS_ID))
                    .extracting(a -> a.file().kind())
                    .containsExactlyInAnyOrder(WalFile.Kind.TIMELINE_HISTORY, WalFile.Kind.BACKUP_HISTORY);
            assertThat(new String(r.wal().read(SYS_ID, "00000002.history"), StandardCharsets.UTF_8))
                    .startsWith("1\t0/3000000");
        }
    }

    @Test
    void aTamperedObjectFailsAuthentication() throws Exception {
        Path f = WalFixtures.write(tmp, SEG, WalFixtures.segment(SYS, 1, 3, 1));
        try (Repository w = Repository.open(backend, Keys.writer(writer))) {
            w.wal().push(SYS_ID, SEG, f);
        }
        Path object = tmp.resolve("repo").resolve("wal").resolve(SYS_ID).resolve(SEG);
        byte[] b = Files.readAllBytes(object);
        b[b.length / 2] ^= 1;
        Files.write(object, b);
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            assertThatThrownBy(() -> r.wal().read(SYS_ID, SEG))
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(e ->
                            assertThat(((LifeboatException) e).kind()).isEqualTo(LifeboatException.Kind.INTEGRITY));
        }
    }

    @Test
    void lsnsAndNamesParseAsPostgresWritesThem() {
        assertThat(WalFile.formatLsn(WalFile.parseLsn("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(WalFile.segmentName(1, WalFile.segmentOf(WalFile.parseLsn("16/B374D848"))))
                .isEqualTo("0000000100000016000000B3");
        assertThat(WalFile.parse("0000000100000016000000B3").segment()).isEqualTo(0x16L * 256 + 0xB3);
        assertThatThrownBy(() -> WalFile.parseLsn("16B374D848")).isInstanceOf(LifeboatException.class);
    }
}
