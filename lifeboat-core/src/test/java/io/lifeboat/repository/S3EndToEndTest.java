package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.progress.Progress;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.testing.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class S3EndToEndTest {
    @Test
    void backupDedupRestorePruneAndVerifyOnS3() throws Exception {
        Random rnd = new Random(11);
        try (S3ProxyServer s3 = S3ProxyServer.start();
                S3Backend backend = new S3Backend(s3.config("repos/prod").build())) {
            SecretKey key = SecretKey.generate();
            WriterKey writer = Repository.init(backend, java.util.List.of(key.recipient()));
            var tables = Fixtures.tables(rnd, 10, 8_000_000);
            Map<String, byte[]> files = Fixtures.filestore(rnd, 150, 150_000);
            String second;
            try (Repository w = Repository.open(backend, Keys.writer(writer))) {
                var a = Fixtures.write(
                        w, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), Fixtures.dump(tables), files);
                var b = Fixtures.write(
                        w,
                        SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED),
                        Fixtures.dump(Fixtures.updateRows(tables, rnd, 0.01, 2)),
                        Fixtures.changeFiles(files, rnd, 0.01, 150_000));
                // small data: one rewritten ~1 MiB chunk weighs a lot; the 5% target is checked on 100 MB elsewhere
                assertThat(b.stats().storedBytes()).isLessThan(a.stats().storedBytes() / 5);
                second = b.id();
            }
            try (Repository r = Repository.open(backend, Keys.secret(key))) {
                r.forget(RetentionPolicy.NONE.withKeepLast(1), false);
                r.prune(PruneOptions.DEFAULT, Progress.NONE);
                assertThat(r.verify(VerifyOptions.READ_DATA, Progress.NONE).ok())
                        .isTrue();
                try (SnapshotSource src = r.openSnapshot(second)) {
                    Path dump = src.dumpPath(Files.createTempDirectory("lifeboat-s3-restore"));
                    assertThat(Files.size(dump)).isPositive();
                    for (var f : src.files()) {
                        try (InputStream in = src.open(f)) {
                            assertThat(in.readAllBytes()).hasSize((int) f.size());
                        }
                    }
                }
                // bit rot in the bucket is found and blamed on the snapshot
                var pack = backend.list("data/").get(0).name();
                Path onDisk = s3.objectPath(s3.bucket(), "repos/prod/" + pack);
                byte[] bytes = Files.readAllBytes(onDisk);
                bytes[bytes.length / 2] ^= 1;
                Files.write(onDisk, bytes);
                VerifyResult v = r.verify(VerifyOptions.READ_DATA, Progress.NONE);
                assertThat(v.ok()).isFalse();
                assertThat(v.problems()).anySatisfy(p -> assertThat(p.object()).isEqualTo(pack));
            }
        }
    }
}
