package io.lifeboat.odoozip;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An Odoo backup zip (from Odoo, Odoo.sh, click-odoo-contrib or Lifeboat, in any entry order),
 * validated by {@link OdooArchive#open} before anything is read. The dump streams straight from the
 * zip to psql: nothing is extracted to a temporary directory.
 */
public final class ZipRestoreSource implements RestoreSource {
    private final OdooArchive archive;
    private final Map<String, FilestoreEntry> entries = new HashMap<>();
    private final List<FileRef> files = new ArrayList<>();

    private final String name;

    public ZipRestoreSource(Path zip) throws IOException {
        this(zip, zip.toString());
    }

    /** {@code name} is what {@link #describe()} says, e.g. "standard input" for a copy of it. */
    public ZipRestoreSource(Path zip, String name) throws IOException {
        this.name = name;
        this.archive = OdooArchive.open(zip);
        for (FilestoreEntry e : archive.filestoreEntries()) {
            if (e.checklist()) continue;
            entries.put(e.relativeName(), e);
            files.add(new FileRef(e.relativeName(), e.sha1(), e.size()));
        }
    }

    /** Warnings found while validating the archive (ignored entries and the like). */
    public List<String> warnings() {
        return archive.warnings();
    }

    @Override
    public Optional<JsonNode> manifest() {
        return archive.manifest();
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public Optional<DumpFormat> dumpFormat() {
        return Optional.of(DumpFormat.PLAIN);
    }

    @Override
    public java.util.OptionalLong dumpSize() {
        long n = archive.dumpSize();
        return n >= 0 ? java.util.OptionalLong.of(n) : java.util.OptionalLong.empty();
    }

    @Override
    public InputStream openDump() throws IOException {
        return archive.openDump();
    }

    @Override
    public Path dumpPath(Path scratch) throws IOException {
        Path file = scratch.resolve("dump.sql");
        try (InputStream in = archive.openDump()) {
            Files.copy(in, file);
        }
        return file;
    }

    @Override
    public List<FileRef> files() {
        return files;
    }

    @Override
    public InputStream open(FileRef file) throws IOException {
        return archive.open(entries.get(file.relative()));
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }
}
