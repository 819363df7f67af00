package io.lifeboat.ports;

import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract for repository snapshots, damaged in the largest data pack of the repository. */
class SnapshotSourceContractTest extends RestoreSourceContractTest {
    @RegisterExtension
    final TempRepository repository = new TempRepository();

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.CUSTOM;
    }

    @Override
    protected String write(CaptureContent content) throws Exception {
        return content.capture(
                repository.repo().newSnapshot(SnapshotMeta.of("contract", "odoo", SnapshotKind.MANUAL)), true);
    }

    @Override
    protected RestoreSource open(String written) throws Exception {
        return repository.repo().openSnapshot(written);
    }

    @Override
    protected void truncate(String written) throws Exception {
        cutTo(largestPack(), 0.5);
    }

    @Override
    protected void corrupt(String written) throws Exception {
        flipByteAt(largestPack(), 0.5);
    }

    private Path largestPack() throws IOException {
        try (Stream<Path> s = Files.walk(repository.root().resolve("data"))) {
            return s.filter(Files::isRegularFile)
                    .max(Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
    }
}
