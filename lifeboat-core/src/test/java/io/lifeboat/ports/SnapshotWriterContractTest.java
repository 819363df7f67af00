package io.lifeboat.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.ports.RestoreSource.FileRef;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.repository.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract for repository snapshots, read back through the repository. */
class SnapshotWriterContractTest extends CaptureSinkContractTest {
    @RegisterExtension
    final TempRepository repository = new TempRepository();

    @Override
    protected CaptureSink newSink() throws IOException {
        return repository.repo().newSnapshot(SnapshotMeta.of("contract", "odoo", SnapshotKind.MANUAL));
    }

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.CUSTOM;
    }

    @Override
    protected List<Captured> visible() throws IOException {
        List<Captured> out = new ArrayList<>();
        for (SnapshotInfo s : repository.repo().snapshots()) {
            try (SnapshotSource src = repository.repo().openSnapshot(s.id())) {
                byte[] dump;
                try (InputStream in = src.openDump()) {
                    dump = in.readAllBytes();
                }
                Map<String, byte[]> files = new LinkedHashMap<>();
                for (FileRef f : src.files()) {
                    try (InputStream in = src.open(f)) {
                        files.put(f.relative(), in.readAllBytes());
                    }
                }
                out.add(new Captured(dump, files));
            }
        }
        return out;
    }

    @Override
    protected void assertNothingLeftBehind() throws IOException {
        assertThat(repository.repo().locks()).as("locks left in the repository").isEmpty();
    }
}
