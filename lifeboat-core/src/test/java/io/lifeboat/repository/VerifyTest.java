package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.Packs;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.local.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(9);

    @Test
    void namesTheSnapshotsAndFilesHitByACorruptByteOrADeletedPack() throws Exception {
        var backend = new LocalBackend(tmp.resolve("repo"));
        // big files, so each lands in its own pack region and a damaged pack maps to few files
        Map<String, byte[]> files = Fixtures.filestore(rnd, 12, 6_000_000);
        byte[] dump = Fixtures.dump(Fixtures.tables(rnd, 3, 3_000_000));
        try (Repository repo = Repository.init(backend, SecretKey.generate(), Repository.Options.defaults())) {
            var s1 = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo", SnapshotKind.SCHEDULED), dump, files);
            var s2 = Fixtures.write(repo, SnapshotMeta.of("prod", "odoo2", SnapshotKind.SCHEDULED), new byte[0], files);
            assertThat(repo.verify(VerifyOptions.STRUCTURE, Progress.NONE).ok()).isTrue();
            assertThat(repo.verify(VerifyOptions.READ_DATA, Progress.NONE).ok()).isTrue();

            // flip a byte in the middle of the first blob of one data pack
            var entries = repo.index().entries().stream()
                    .filter(e -> e.type() == io.lifeboat.repository.internal.BlobType.DATA)
                    .toList();
            var victim = entries.get(0);
            Path packFile = tmp.resolve("repo").resolve(Packs.objectName(victim.pack()));
            byte[] b = Files.readAllBytes(packFile);
            b[(int) (victim.offset() + victim.storedLength() / 2)] ^= 0x40;
            Files.write(packFile, b);

            assertThat(repo.verify(VerifyOptions.STRUCTURE, Progress.NONE).ok()).isTrue(); // structure is intact
            VerifyResult r = repo.verify(VerifyOptions.READ_DATA, Progress.NONE);
            assertThat(r.ok()).isFalse();
            assertThat(r.problems())
                    .anySatisfy(p -> assertThat(p.blob()).isEqualTo(victim.id().hex()));
            assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("does not match its name"));
            assertThat(r.affected()).isNotEmpty();
            assertThat(r.affected()).allSatisfy(a -> assertThat(a.files()).isNotEmpty());
            String hit = r.affected().get(0).files().get(0);
            assertThat(hit).matches("database dump|[0-9a-f]{2}/[0-9a-f]{40}");

            // delete another pack: structure check alone finds it
            String other = entries.stream()
                    .map(io.lifeboat.repository.internal.IndexEntry::pack)
                    .filter(p -> !p.equals(victim.pack()))
                    .findFirst()
                    .orElseThrow();
            backend.delete(Packs.objectName(other));
            VerifyResult r2 = repo.verify(VerifyOptions.STRUCTURE, Progress.NONE);
            assertThat(r2.problems()).anySatisfy(p -> {
                assertThat(p.object()).isEqualTo(Packs.objectName(other));
                assertThat(p.message()).isEqualTo("pack is missing");
            });
            assertThat(r2.affected())
                    .extracting(VerifyResult.Affected::snapshotId)
                    .containsAnyOf(s1.id(), s2.id());

            // a subset reads only some packs
            int total = repo.index().packs().size();
            VerifyResult part = repo.verify(new VerifyOptions(true, "1/3", 0), Progress.NONE);
            assertThat(part.packsRead()).isLessThan(total);
        }
        for (ObjectInfo o : backend.list("locks/")) throw new AssertionError("lock left: " + o.name());
    }
}
