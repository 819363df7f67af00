package io.lifeboat.ports;

import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;

/** The contract for Odoo zips written to a file, read back with the JDK's own zip reader. */
class ZipCaptureSinkContractTest extends CaptureSinkContractTest {
    @TempDir
    Path dir;

    private int sinks;

    @Override
    protected CaptureSink newSink() throws IOException {
        return ZipCaptureSink.toFile(
                dir.resolve("backup-" + ++sinks + ".zip"), ZipOptions.defaults().withThreads(2), true);
    }

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.PLAIN;
    }

    @Override
    protected List<Captured> visible() throws IOException {
        List<Captured> out = new ArrayList<>();
        for (Path p : FileSinks.backups(dir)) {
            try (ZipFile zip = new ZipFile(p.toFile())) {
                byte[] dump = null;
                Map<String, byte[]> files = new LinkedHashMap<>();
                for (ZipEntry e : Collections.list(zip.entries())) {
                    byte[] bytes;
                    try (InputStream in = zip.getInputStream(e)) {
                        bytes = in.readAllBytes();
                    }
                    if (e.getName().equals("dump.sql")) dump = bytes;
                    else if (e.getName().startsWith("filestore/")
                            && !e.getName().startsWith("filestore/checklist/")) {
                        files.put(e.getName().substring("filestore/".length()), bytes);
                    }
                }
                out.add(new Captured(dump, files));
            }
        }
        return out;
    }

    @Override
    protected void assertNothingLeftBehind() throws IOException {
        FileSinks.assertOnlyBackups(dir);
    }
}
