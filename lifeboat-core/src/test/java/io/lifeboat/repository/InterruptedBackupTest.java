package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.ports.DumpFormat;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.local.LocalBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterruptedBackupTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(1);

    @Test
    void abortedBackupLeavesNoSnapshotAndTheNextOneReusesItsUploads() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        Map<String, byte[]> files = Fixtures.filestore(rnd, 300, 200_000);
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 5, 10_000_000));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED));
            w.dump(DumpFormat.CUSTOM, new ByteArrayInputStream(dump));
            for (var e : files.entrySet())
                w.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
            w.abort(); // abort uploads what it has: packs are uploaded in the background, maybe none yet
            w.abort();
            long uploaded = w.stats().storedBytes();
            assertThat(uploaded).isPositive();
            assertThat(repo.snapshots()).isEmpty();
            assertThat(repo.locks()).isEmpty();

            var next = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files);
            assertThat(next.stats().storedBytes()).isLessThan(uploaded / 5);
            assertThat(repo.snapshots()).hasSize(1);
        }
    }

    @Test
    void failingSourceStreamLeavesNoSnapshot() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            try (SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED))) {
                InputStream failing = new InputStream() {
                    int n;

                    @Override
                    public int read() throws IOException {
                        if (++n > 3_000_000) throw new IOException("connection to postgres lost");
                        return n & 0xff;
                    }
                };
                assertThatThrownBy(() -> w.dump(DumpFormat.CUSTOM, failing)).hasMessageContaining("postgres lost");
            }
            assertThat(repo.snapshots()).isEmpty();
            assertThat(repo.locks()).isEmpty();
        }
    }

    /** A process killed mid-backup leaves packs but no index: the next backup adopts them. */
    @Test
    void killedBackupsUnindexedPacksAreAdoptedByTheNextBackup() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        Map<String, byte[]> files = Fixtures.filestore(rnd, 300, 200_000);
        SecretKey key = SecretKey.generate();
        long uploaded;
        try (Repository repo = Repository.init(backend, key, Repository.Options.defaults())) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED));
            for (var e : files.entrySet())
                w.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
            w.abort();
            uploaded = w.stats().storedBytes();
        }
        // what a SIGKILL leaves: packs and a lock, no index objects
        for (ObjectInfo o : backend.list("index/")) backend.delete(o.name());
        backend.save(
                "locks/" + "ab".repeat(16),
                io.lifeboat.storage.ContentSource.ofBytes(
                        ("{\"host\":\"h\",\"pid\":1,\"exclusive\":false,\"operation\":\"backup\","
                                        + "\"created\":\"2020-01-01T00:00:00Z\",\"refreshed\":\"2020-01-01T00:00:00Z\"}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (Repository repo = Repository.open(backend, Keys.secret(key))) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED));
            assertThat(w.adoptedPacks()).isPositive();
            for (var e : files.entrySet())
                w.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
            String id = w.commit(Fixtures.manifest("odoo"), Fixtures.report());
            assertThat(w.stats().bytesNew()).isLessThan(100_000); // the tree only
            assertThat(w.stats().storedBytes()).isLessThan(uploaded / 10);
            try (SnapshotSource src = repo.openSnapshot(id)) {
                for (var r : src.files()) {
                    try (InputStream in = src.open(r)) {
                        assertThat(in.readAllBytes()).isEqualTo(files.get(r.relative()));
                    }
                }
            }
            assertThat(repo.verify(VerifyOptions.READ_DATA, io.lifeboat.progress.Progress.NONE)
                            .ok())
                    .isTrue();
        }
    }
}
