package io.lifeboat.ports;

import io.lifeboat.odoozip.DumpFileSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The contract for dump files: the dump alone, as Odoo's "dump" backup format holds it. */
class DumpFileSinkContractTest extends CaptureSinkContractTest {
    @TempDir
    Path dir;

    private int sinks;

    @Override
    protected CaptureSink newSink() throws IOException {
        return DumpFileSink.toFile(dir.resolve("backup-" + ++sinks + ".dump"));
    }

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.CUSTOM;
    }

    @Override
    protected boolean holdsFiles() {
        return false;
    }

    @Override
    protected List<Captured> visible() throws IOException {
        List<Captured> out = new ArrayList<>();
        for (Path p : FileSinks.backups(dir)) out.add(new Captured(Files.readAllBytes(p), Map.of()));
        return out;
    }

    @Override
    protected void assertNothingLeftBehind() throws IOException {
        FileSinks.assertOnlyBackups(dir);
    }
}
