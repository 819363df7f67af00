package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource.FileRef;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.local.LocalBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRoundTripTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(42);

    /** The storage the repository of each test lives in. */
    Backend backend(Path dir) throws IOException {
        return new LocalBackend(dir);
    }

    @Test
    void writesAndReadsBackASnapshotWithDumpFilesAndMetadata() throws Exception {
        var backend = backend(tmp.resolve("repo"));
        SecretKey key = SecretKey.generate();
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 5, 3_000_000));
        Map<String, byte[]> files = Fixtures.filestore(rnd, 50, 20_000);
        byte[] big = new byte[20 * 1024 * 1024];
        rnd.nextBytes(big);
        String bigName = Fixtures.addFile(files, new Random(7), 0);
        files.remove(bigName);
        String bigSha = HexFormat.of()
                .formatHex(io.lifeboat.repository.internal.Crypto.sha1().digest(big));
        files.put(bigSha.substring(0, 2) + "/" + bigSha, big);
        String emptySha = HexFormat.of()
                .formatHex(io.lifeboat.repository.internal.Crypto.sha1().digest(new byte[0]));
        files.put(emptySha.substring(0, 2) + "/" + emptySha, new byte[0]);
        try (Repository repo = Repository.init(backend, key, Repository.Options.defaults())) {
            var meta = SnapshotMeta.of("prod", "odoo", SnapshotKind.MANUAL).withTags("before-upgrade");
            SnapshotWriter w = repo.newSnapshot(meta);
            assertThat(w.concurrentParts()).isTrue();
            // dump and files from different threads at once, as the capture engine may do
            ExecutorService ex = Executors.newFixedThreadPool(3);
            List<Future<?>> fs = new ArrayList<>();
            fs.add(ex.submit(() -> {
                w.dump(DumpFormat.CUSTOM, new ByteArrayInputStream(dump));
                return null;
            }));
            for (var e : files.entrySet()) {
                fs.add(ex.submit(() -> {
                    w.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
                    return null;
                }));
            }
            w.file("checklist/" + bigSha.substring(0, 2) + "/" + bigSha, 0, InputStream.nullInputStream());
            for (Future<?> f : fs) f.get();
            ex.shutdown();
            String id = w.commit(Fixtures.manifest("odoo"), Fixtures.report("1 attachment missing"));
            assertThat(w.stats().blobsNew()).isPositive();

            List<SnapshotInfo> list = repo.snapshots();
            assertThat(list).hasSize(1);
            SnapshotInfo s = list.get(0);
            assertThat(s.id()).isEqualTo(id);
            assertThat(s.instance()).isEqualTo("prod");
            assertThat(s.kind()).isEqualTo(SnapshotKind.MANUAL);
            assertThat(s.tags()).containsExactly("before-upgrade");
            assertThat(s.odooVersion()).isEqualTo("17.0");
            assertThat(s.postgresVersion()).isEqualTo("15.4");
            assertThat(s.modules()).containsEntry("sale", "17.0.1.2");
            assertThat(s.warnings()).containsExactly("1 attachment missing");
            assertThat(s.summary().dumpBytes()).isEqualTo(dump.length);
            assertThat(s.summary().fileCount()).isEqualTo(files.size());

            try (SnapshotSource src = repo.openSnapshot(id.substring(0, 8))) {
                assertThat(src.manifest().orElseThrow().path("db_name").asText())
                        .isEqualTo("odoo");
                assertThat(src.dumpFormat()).contains(DumpFormat.CUSTOM);
                try (InputStream in = src.openDump()) {
                    assertThat(in.readAllBytes()).isEqualTo(dump);
                }
                Path p = src.dumpPath(tmp.resolve("scratch"));
                assertThat(Files.readAllBytes(p)).isEqualTo(dump);
                List<FileRef> refs = src.files();
                assertThat(refs).hasSize(files.size());
                // parallel reads
                ExecutorService rx = Executors.newFixedThreadPool(4);
                List<Future<Boolean>> checks = new ArrayList<>();
                for (FileRef r : refs) {
                    checks.add(rx.submit(() -> {
                        try (InputStream in = src.open(r)) {
                            return java.util.Arrays.equals(in.readAllBytes(), files.get(r.relative()));
                        }
                    }));
                }
                for (Future<Boolean> c : checks) assertThat(c.get()).isTrue();
                rx.shutdown();
            }
            try (InputStream in = repo.findFileBySha1(bigSha).orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
            assertThat(repo.findFileBySha1("0".repeat(40))).isEmpty();
            assertThat(repo.locks()).isEmpty();
        }
    }

    @Test
    void secondSnapshotOfUnchangedDataWritesAlmostNothing() throws Exception {
        var backend = backend(tmp.resolve("repo"));
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 8, 4_000_000));
        Map<String, byte[]> files = Fixtures.filestore(rnd, 200, 40_000);
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            var first = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files);
            var second = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files);
            // another database holding the same attachments stores them once
            var third = Fixtures.write(repo, SnapshotMeta.of("prod", "copy", SnapshotKind.MANUAL), new byte[0], files);
            assertThat(second.stats().blobsNew()).isZero();
            assertThat(second.stats().storedBytes()).isLessThan(first.stats().storedBytes() / 100);
            assertThat(third.stats().bytesNew()).isLessThan(100_000);
            RepositoryStats st = repo.stats();
            assertThat(st.snapshots()).isEqualTo(3);
            assertThat(st.dedupRatio()).isGreaterThan(2.0);
        }
    }

    @Test
    void onePercentChangeWritesAtMostFivePercent() throws Exception {
        onePercentChangeWritesAtMost(0.05);
    }

    /** A second snapshot after a 1% change stores at most {@code maxRatio} of the first's bytes. */
    void onePercentChangeWritesAtMost(double maxRatio) throws Exception {
        var backend = backend(tmp.resolve("repo"));
        // -Dlb.measure.mb=200 for the benchmark-sized run; half dump, half filestore
        long mb = Long.getLong("lb.measure.mb", 100);
        var tables = Fixtures.tables(rnd, 30, mb * 400_000);
        Map<String, byte[]> files = Fixtures.filestore(rnd, (int) (mb * 6), 200_000);
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            var first = Fixtures.write(
                    repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), Fixtures.dump(tables), files);
            var tables2 = Fixtures.updateRows(tables, rnd, 0.01, 3, 11, 17);
            var files2 = Fixtures.changeFiles(files, rnd, 0.01, 200_000);
            var second = Fixtures.write(
                    repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), Fixtures.dump(tables2), files2);
            double ratio = (double) second.stats().storedBytes() / first.stats().storedBytes();
            System.out.printf(
                    "first stored %d bytes (logical %d), second %d bytes: %.2f%%%n",
                    first.stats().storedBytes(),
                    first.stats().logicalBytes(),
                    second.stats().storedBytes(),
                    ratio * 100);
            assertThat(ratio).isLessThanOrEqualTo(maxRatio);
            try (SnapshotSource src = repo.openSnapshot(second.id())) {
                try (InputStream in = src.openDump()) {
                    assertThat(in.readAllBytes()).isEqualTo(Fixtures.dump(tables2));
                }
            }
        }
    }

    @Test
    void rejectsInvalidFileNamesAndShortStreams() throws Exception {
        var backend = backend(tmp.resolve("repo"));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of("prod", "odoo", SnapshotKind.MANUAL));
            assertThatThrownBy(() -> w.file("../etc/passwd", 1, new ByteArrayInputStream(new byte[1])))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("invalid filestore path");
            String rel = "ab/ab" + "0".repeat(38);
            assertThatThrownBy(() -> w.file(rel, 10, new ByteArrayInputStream(new byte[4])))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ended after 4 of 10 bytes");
            w.abort();
            assertThat(repo.snapshots()).isEmpty();
            assertThat(repo.locks()).isEmpty();
        }
    }

    static Map<String, byte[]> copy(Map<String, byte[]> m) {
        return new LinkedHashMap<>(m);
    }
}
