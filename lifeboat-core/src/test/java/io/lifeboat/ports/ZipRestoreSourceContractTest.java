package io.lifeboat.ports;

import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.odoozip.ZipRestoreSource;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract for Odoo zips, as {@link ZipCaptureSink} writes them. */
class ZipRestoreSourceContractTest extends RestoreSourceContractTest {
    @TempDir
    Path dir;

    @Override
    protected DumpFormat dumpFormat() {
        return DumpFormat.PLAIN;
    }

    @Override
    protected String write(CaptureContent content) throws Exception {
        Path zip = dir.resolve("backup.zip");
        content.capture(ZipCaptureSink.toFile(zip, ZipOptions.defaults(), false), true);
        return zip.toString();
    }

    @Override
    protected RestoreSource open(String written) throws Exception {
        return new ZipRestoreSource(Path.of(written));
    }

    /** Without its end the zip has no central directory. */
    @Override
    protected void truncate(String written) throws Exception {
        cutTo(Path.of(written), 0.9);
    }

    /** A byte in the middle of the entries' data: a CRC, a deflate stream or a header no longer matches. */
    @Override
    protected void corrupt(String written) throws Exception {
        flipByteAt(Path.of(written), 0.6);
    }
}
