package io.lifeboat.odoozip;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A database dump without filestore: a pg_dump custom-format file (Odoo's "dump" backup format), a
 * directory-format dump, or a plain SQL file.
 */
public final class DumpRestoreSource implements RestoreSource {
    private final Path path;
    private final DumpFormat format;
    private final String name;

    public DumpRestoreSource(Path path, DumpFormat format) {
        this(path, format, path.toString());
    }

    private DumpRestoreSource(Path path, DumpFormat format, String name) {
        this.path = path;
        this.format = format;
        this.name = name;
    }

    /** Opens any backup Lifeboat can restore, recognised by content. */
    public static RestoreSource open(Path path) throws IOException {
        return open(path, path.toString());
    }

    /**
     * Opens any backup Lifeboat can restore, recognised by content, that {@link RestoreSource#describe()} calls
     * {@code name} (e.g. "standard input" for a copy of it).
     */
    public static RestoreSource open(Path path, String name) throws IOException {
        return switch (ArchiveType.detect(path)) {
            case ODOO_ZIP -> new ZipRestoreSource(path, name);
            case PG_DUMP_CUSTOM -> new DumpRestoreSource(path, DumpFormat.CUSTOM, name);
            case PG_DUMP_DIRECTORY -> new DumpRestoreSource(path, DumpFormat.DIRECTORY, name);
            case PLAIN_SQL -> new DumpRestoreSource(path, DumpFormat.PLAIN, name);
        };
    }

    @Override
    public Optional<JsonNode> manifest() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public Optional<DumpFormat> dumpFormat() {
        return Optional.of(format);
    }

    @Override
    public java.util.OptionalLong dumpSize() {
        try {
            return format == DumpFormat.DIRECTORY
                    ? java.util.OptionalLong.empty()
                    : java.util.OptionalLong.of(Files.size(path));
        } catch (IOException e) {
            return java.util.OptionalLong.empty();
        }
    }

    @Override
    public InputStream openDump() throws IOException {
        if (format == DumpFormat.DIRECTORY) {
            throw new LifeboatException(Kind.INTERNAL, "a directory-format dump is not a stream", null);
        }
        return Files.newInputStream(path);
    }

    @Override
    public Path dumpPath(Path scratch) {
        return path;
    }

    @Override
    public List<FileRef> files() {
        return List.of();
    }

    @Override
    public InputStream open(FileRef file) {
        throw new IllegalStateException("a dump holds no filestore");
    }

    @Override
    public void close() {}
}
