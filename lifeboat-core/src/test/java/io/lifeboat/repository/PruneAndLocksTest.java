package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.progress.Progress;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.local.LocalBackend;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneAndLocksTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(5);

    @Test
    void pruneRemovesOnlyDataNoSnapshotReferences() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        Map<String, byte[]> shared = Fixtures.filestore(rnd, 100, 100_000);
        Map<String, byte[]> onlyOld = Fixtures.filestore(rnd, 100, 100_000);
        Map<String, byte[]> all = new java.util.LinkedHashMap<>(shared);
        all.putAll(onlyOld);
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 4, 2_000_000));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            var old = Fixtures.write(repo, SnapshotMeta.of("p", "d", SnapshotKind.MANUAL), dump, all);
            var keep = Fixtures.write(repo, SnapshotMeta.of("p", "d", SnapshotKind.MANUAL), dump, shared);
            long before = repo.stats().storedBytes();
            var dry = repo.prune(new PruneOptions(0.1, true), Progress.NONE);
            assertThat(dry.dryRun()).isTrue();
            assertThat(repo.stats().storedBytes()).isEqualTo(before);
            // nothing is unreferenced yet
            repo.prune(PruneOptions.DEFAULT, Progress.NONE);
            assertThat(repo.stats().storedBytes()).isGreaterThan(before * 9 / 10);
            repo.deleteRecord(old.id());
            PruneResult r = repo.prune(PruneOptions.DEFAULT, Progress.NONE);
            assertThat(r.blobsRemoved()).isGreaterThanOrEqualTo(100);
            assertThat(r.bytesFreed()).isPositive();
            RepositoryStats after = repo.stats();
            assertThat(after.storedBytes()).isLessThan(before * 8 / 10);
            VerifyResult v = repo.verify(VerifyOptions.READ_DATA, Progress.NONE);
            assertThat(v.problems()).isEmpty();
            try (SnapshotSource src = repo.openSnapshot(keep.id())) {
                for (var f : src.files()) {
                    try (InputStream in = src.open(f)) {
                        assertThat(in.readAllBytes()).isEqualTo(shared.get(f.relative()));
                    }
                }
                try (InputStream in = src.openDump()) {
                    assertThat(in.readAllBytes()).isEqualTo(dump);
                }
            }
        }
    }

    @Test
    void pruneRefusesWhileABackupHoldsAFreshLockAndNeverDeletesItsPacks() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("p", "d", SnapshotKind.MANUAL));
            Map<String, byte[]> files = Fixtures.filestore(rnd, 200, 200_000);
            for (var e : files.entrySet())
                w.file(e.getKey(), e.getValue().length, new java.io.ByteArrayInputStream(e.getValue()));
            assertThatThrownBy(() -> repo.prune(PruneOptions.DEFAULT, Progress.NONE))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("repository is locked by backup")
                    .extracting(e -> ((LifeboatException) e).kind())
                    .isEqualTo(LifeboatException.Kind.CONFLICT);
            String id = w.commit(Fixtures.manifest("d"), Fixtures.report());
            repo.prune(PruneOptions.DEFAULT, Progress.NONE);
            try (SnapshotSource src = repo.openSnapshot(id)) {
                assertThat(src.files()).hasSize(200);
            }
            assertThat(repo.verify(VerifyOptions.READ_DATA, Progress.NONE).ok()).isTrue();
        }
    }

    @Test
    void backupRefusesWhilePruneHoldsAnExclusiveLock() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            try (RepositoryLock l = repo.lock(true, "prune")) {
                assertThatThrownBy(() -> repo.newSnapshot(SnapshotMeta.of("p", "d", SnapshotKind.MANUAL)))
                        .hasMessageContaining("locked exclusively by prune");
                assertThat(l.name()).startsWith("locks/");
            }
            repo.newSnapshot(SnapshotMeta.of("p", "d", SnapshotKind.MANUAL)).abort();
        }
    }

    @Test
    void staleLocksAreIgnoredAndRemoved() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        Instant now = Instant.parse("2025-03-01T12:00:00Z");
        var opts = Repository.Options.defaults()
                .withClock(Clock.fixed(now, ZoneOffset.UTC))
                .withHost("backup-1");
        SecretKey key = SecretKey.generate();
        Repository.init(backend, java.util.List.of(key.recipient()));
        // old lock from another host, not refreshed for 31 minutes
        saveLock(backend, "locks/" + "01".repeat(16), "other-host", 4242, now.minus(Duration.ofMinutes(31)));
        // fresh lock from another host
        saveLock(backend, "locks/" + "02".repeat(16), "other-host", 4243, now.minus(Duration.ofMinutes(5)));
        // lock of a process of this host that no longer exists
        long dead = deadPid();
        saveLock(backend, "locks/" + "03".repeat(16), "backup-1", dead, now);
        try (Repository repo = Repository.open(backend, Keys.secret(key), opts)) {
            assertThatThrownBy(() -> repo.prune(PruneOptions.DEFAULT, Progress.NONE))
                    .hasMessageContaining("other-host (pid 4243");
            backend.delete("locks/" + "02".repeat(16));
            repo.prune(PruneOptions.DEFAULT, Progress.NONE);
            assertThat(repo.locks()).isEmpty();
        }
        try (Repository repo =
                Repository.open(backend, Keys.secret(key), opts.withStaleLockAfter(Duration.ofMinutes(1)))) {
            saveLock(backend, "locks/" + "04".repeat(16), "other-host", 1, now.minus(Duration.ofMinutes(2)));
            assertThat(repo.removeStaleLocks()).isEqualTo(1);
        }
    }

    @Test
    void aBackupWhoseLockWasRemovedFailsWithoutASnapshot() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("p", "d", SnapshotKind.MANUAL));
            w.file("ab/ab" + "1".repeat(38), 3, new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}));
            for (var l : repo.locks()) backend.delete(l.name());
            assertThatThrownBy(() -> w.commit(Fixtures.manifest("d"), Fixtures.report()))
                    .hasMessageContaining("lost the repository lock");
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static void saveLock(LocalBackend b, String name, String host, long pid, Instant refreshed)
            throws Exception {
        String json = "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"exclusive\":false,\"operation\":\"backup\","
                + "\"created\":\"" + refreshed + "\",\"refreshed\":\"" + refreshed + "\"}";
        b.save(name, ContentSource.ofBytes(json.getBytes(StandardCharsets.UTF_8)));
    }
}
