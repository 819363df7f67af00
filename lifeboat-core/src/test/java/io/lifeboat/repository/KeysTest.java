package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.local.LocalBackend;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(3);

    @Test
    void keyFilesRoundTripWithAndWithoutPassphrase() throws Exception {
        SecretKey key = SecretKey.generate();
        KeyFiles.writeSecretKey(tmp.resolve("plain.key"), key, "ab".repeat(32), null);
        KeyFiles.writeSecretKey(tmp.resolve("pass.key"), key, "ab".repeat(32), "correct horse".toCharArray());
        assertThat(KeyFiles.readSecretKey(tmp.resolve("plain.key"), null).recipient())
                .isEqualTo(key.recipient());
        assertThat(KeyFiles.readSecretKey(tmp.resolve("pass.key"), "correct horse".toCharArray())
                        .recipient())
                .isEqualTo(key.recipient());
        assertThat(Files.readString(tmp.resolve("pass.key"))).doesNotContain("\"key\"");
        assertThatThrownBy(() -> KeyFiles.readSecretKey(tmp.resolve("pass.key"), null))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("protected by a passphrase");
        assertThatThrownBy(() -> KeyFiles.readSecretKey(tmp.resolve("pass.key"), "wrong".toCharArray()))
                .hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> KeyFiles.writeSecretKey(tmp.resolve("plain.key"), key, null, null))
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> KeyFiles.readWriterKey(tmp.resolve("plain.key")))
                .hasMessageContaining("is not a lifeboat-writer-key");
        assertThatThrownBy(() -> KeyFiles.readSecretKey(tmp.resolve("missing.key"), null))
                .hasMessageContaining("does not exist");
        assertThat(key.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(key.scalar()));
        assertThat(Files.getPosixFilePermissions(tmp.resolve("plain.key")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void writerKeyCanWriteButNotReadAndSecretKeyReadsWhatItWrote() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        SecretKey key = SecretKey.generate();
        WriterKey wk = Repository.init(backend, java.util.List.of(key.recipient()));
        KeyFiles.writeWriterKey(tmp.resolve("writer.key"), wk);
        WriterKey loaded = KeyFiles.readWriterKey(tmp.resolve("writer.key"));
        Map<String, byte[]> files = Fixtures.filestore(rnd, 20, 10_000);
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 3, 500_000));
        String id;
        try (Repository w = Repository.open(backend, Keys.writer(loaded))) {
            assertThat(w.canRead()).isFalse();
            id = Fixtures.write(w, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files)
                    .id();
            // dedup works without the secret key
            var again = Fixtures.write(w, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files);
            assertThat(again.stats().blobsNew()).isZero();
            assertThat(w.snapshots()).hasSize(2);
            assertThatThrownBy(() -> w.openSnapshot(id))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("cannot read a snapshot with a writer key");
            assertThatThrownBy(() -> w.prune(PruneOptions.DEFAULT, io.lifeboat.progress.Progress.NONE))
                    .hasMessageContaining("with a writer key");
            // append-only: a writer key may plan retention but not remove a snapshot
            RetentionPolicy lastOne = RetentionPolicy.NONE.withKeepLast(1);
            assertThat(w.forget(lastOne, true).removed()).hasSize(1);
            assertThatThrownBy(() -> w.forget(lastOne, false))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("cannot forget snapshots with a writer key")
                    .hasMessageContaining("append-only");
            assertThat(w.snapshots()).hasSize(2);
            assertThat(w.stats().snapshots()).isEqualTo(2);
        }
        try (Repository r = Repository.open(backend, Keys.secret(key))) {
            try (SnapshotSource src = r.openSnapshot(id);
                    InputStream in = src.openDump()) {
                assertThat(in.readAllBytes()).isEqualTo(dump);
            }
            assertThat(r.writerKey().recipients()).containsExactly(key.recipient());
        }
        // no plaintext of a file appears in the repository
        byte[] sample = files.values().iterator().next();
        String needle = new String(sample, 0, 32, StandardCharsets.ISO_8859_1);
        try (var walk = Files.walk(tmp.resolve("repo"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1))
                        .doesNotContain(needle);
            }
        }
    }

    @Test
    void wrongKeysAreRefusedClearly() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        var other = new LocalBackend(tmp.resolve("other"));
        SecretKey key = SecretKey.generate();
        Repository.init(backend, java.util.List.of(key.recipient()));
        WriterKey otherWriter =
                Repository.init(other, java.util.List.of(SecretKey.generate().recipient()));
        assertThatThrownBy(() -> Repository.open(backend, Keys.secret(SecretKey.generate())))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("the secret key does not open this repository");
        assertThatThrownBy(() -> Repository.open(backend, Keys.writer(otherWriter)))
                .hasMessageContaining("the writer key belongs to repository");
        assertThatThrownBy(() -> Repository.open(new LocalBackend(tmp.resolve("empty")), Keys.secret(key)))
                .hasMessageContaining("no repository at");
        assertThatThrownBy(() -> Repository.init(backend, java.util.List.of(key.recipient())))
                .hasMessageContaining("a repository already exists");
    }

    @Test
    void newerFormatVersionIsRefused() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        SecretKey key = SecretKey.generate();
        Repository.init(backend, java.util.List.of(key.recipient()));
        String config;
        try (InputStream in = backend.load("config")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        backend.save(
                "config",
                ContentSource.ofBytes(
                        config.replace("\"version\" : 1", "\"version\" : 2").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> Repository.open(backend, Keys.secret(key)))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("repository format version 2 is newer than this lifeboat supports (1)");
    }

    @Test
    void tamperedObjectsFailWithClearErrors() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        SecretKey key = SecretKey.generate();
        Map<String, byte[]> files = Fixtures.filestore(rnd, 5, 10_000);
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 3, 300_000));
        try (Repository repo = Repository.init(backend, key, Repository.Options.defaults())) {
            String id = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.MANUAL), dump, files)
                    .id();
            // flip one byte inside the first data pack's first blob
            ObjectInfo pack = backend.list("data/").stream()
                    .max(java.util.Comparator.comparingLong(ObjectInfo::size))
                    .orElseThrow();
            Path f = tmp.resolve("repo").resolve(pack.name());
            byte[] b = Files.readAllBytes(f);
            b[6 + 88 + 20] ^= 1;
            Files.write(f, b);
            try (SnapshotSource src = repo.openSnapshot(id)) {
                assertThatThrownBy(() -> {
                            try (InputStream in = src.openDump()) {
                                in.readAllBytes();
                            }
                            for (var r : src.files()) {
                                try (InputStream in = src.open(r)) {
                                    in.readAllBytes();
                                }
                            }
                        })
                        .isInstanceOf(LifeboatException.class)
                        .hasMessageContaining("fails authentication");
            }
            // a tampered record
            Path rec = tmp.resolve("repo").resolve("snapshots/" + id);
            byte[] r = Files.readAllBytes(rec);
            r[r.length - 1] ^= 1;
            Files.write(rec, r);
        }
        try (Repository repo = Repository.open(backend, Keys.secret(key))) {
            assertThatThrownBy(repo::snapshots)
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("does not match its name");
        }
    }

    @Test
    void rotationSealsNewDataToTheNewKeyAndKeepsOldDataReadableWithTheOldOne() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        SecretKey oldKey = SecretKey.generate();
        SecretKey newKey = SecretKey.generate();
        Map<String, byte[]> before = Fixtures.filestore(rnd, 5, 10_000);
        Map<String, byte[]> after = Fixtures.filestore(rnd, 5, 10_000);
        String first;
        WriterKey rotated;
        try (Repository repo = Repository.init(backend, oldKey, Repository.Options.defaults())) {
            first = Fixtures.write(repo, SnapshotMeta.of("p", "d", SnapshotKind.MANUAL), new byte[10], before)
                    .id();
            rotated = repo.addRecipient(newKey.recipient());
        }
        String second;
        try (Repository w = Repository.open(backend, Keys.writer(rotated))) {
            second = Fixtures.write(w, SnapshotMeta.of("p", "d", SnapshotKind.MANUAL), new byte[20], after)
                    .id();
        }
        try (Repository onlyNew = Repository.open(backend, Keys.secret(newKey))) {
            try (SnapshotSource s = onlyNew.openSnapshot(second)) {
                assertThat(s.files()).hasSize(5);
            }
            assertThatThrownBy(() -> onlyNew.openSnapshot(first))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("sealed to a key you did not give");
        }
        try (Repository both = Repository.open(backend, Keys.secret(oldKey, newKey))) {
            assertThat(both.verify(VerifyOptions.READ_DATA, io.lifeboat.progress.Progress.NONE)
                            .ok())
                    .isTrue();
        }
    }
}
