package io.lifeboat.ports;

import io.lifeboat.odoozip.DumpFileSink;
import io.lifeboat.odoozip.DumpRestoreSource;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract for pg_dump files, as {@link DumpFileSink} writes them and the restore opens them
 * (recognised by content).
 *
 * <p>A pg_dump file carries no length or checksum of its own: damage past its header reaches
 * pg_restore, which fails on it, but this source cannot see it. The damage here is therefore to the
 * header, which the source does check.
 */
class DumpRestoreSourceContractTest extends RestoreSourceContractTest {
    @TempDir
    Path dir;

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.CUSTOM;
    }

    @Override
    protected boolean holdsFiles() {
        return false;
    }

    @Override
    protected boolean holdsManifest() {
        return false;
    }

    @Override
    protected String write(CaptureContent content) throws Exception {
        Path dump = dir.resolve("backup.dump");
        content.capture(DumpFileSink.toFile(dump), false);
        return dump.toString();
    }

    @Override
    protected RestoreSource open(String written) throws Exception {
        return DumpRestoreSource.open(Path.of(written));
    }

    /** Cut inside the {@code PGDMP} magic. */
    @Override
    protected void truncate(String written) throws Exception {
        Path file = Path.of(written);
        cutTo(file, 3.0 / java.nio.file.Files.size(file));
    }

    /** The magic's first byte changed. */
    @Override
    protected void corrupt(String written) throws Exception {
        flipByteAt(Path.of(written), 0);
    }
}
