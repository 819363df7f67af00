package io.lifeboat.odoozip;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.runs.PartialFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes only the database dump, as Odoo's "pg_dump custom format" backup does: to a file (temporary
 * name, synced, renamed when complete) or to a stream. Holds no filestore.
 */
public final class DumpFileSink implements CaptureSink {

    @Override
    public String container() {
        return "dump";
    }

    private final Path target;
    private final PartialFile partial;
    private final Path temp;
    private final OutputStream out;
    private boolean done;

    private DumpFileSink(Path target, PartialFile partial, OutputStream out) {
        this.target = target;
        this.partial = partial;
        this.temp = partial == null ? null : partial.path();
        this.out = out;
    }

    public static DumpFileSink toFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.exists(abs)) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "output file already exists: " + file,
                    "Choose another name or remove the file first.");
        }
        Files.createDirectories(abs.getParent());
        PartialFile partial = PartialFile.create(abs);
        return new DumpFileSink(abs, partial, new BufferedOutputStream(Files.newOutputStream(partial.path()), 1 << 20));
    }

    public static DumpFileSink toStream(OutputStream stream) {
        return new DumpFileSink(null, null, stream);
    }

    @Override
    public void dump(DumpFormat format, InputStream dump) throws IOException {
        dump.transferTo(out);
    }

    @Override
    public void file(String relative, long size, InputStream content) {
        throw new IllegalStateException("a dump file holds no filestore");
    }

    @Override
    public String commit(JsonNode manifest, JsonNode report) throws IOException {
        out.flush();
        if (target == null) {
            done = true;
            return "-";
        }
        out.close();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        partial.commit(target);
        partial.close();
        ZipCaptureSink.syncDirectory(target.getParent());
        done = true;
        return target.toString();
    }

    @Override
    public void abort() {
        if (done) return;
        done = true;
        if (temp != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // discarding anyway
            }
            partial.close();
        }
    }
}
