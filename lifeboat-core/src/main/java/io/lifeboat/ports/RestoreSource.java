package io.lifeboat.ports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Something an instance can be restored from: an Odoo zip, a pg_dump file or directory, a repository
 * snapshot. Implementations validate their input before handing anything out; every stream they
 * return fails (rather than ends early) when the underlying data is truncated or corrupt.
 */
public interface RestoreSource extends AutoCloseable {

    /** A filestore file: {@code relative} is {@code xx/<sha1>} (validated), {@code size} in bytes. */
    record FileRef(String relative, String sha1, long size) {}

    /** Odoo's manifest.json, when the source has one. */
    Optional<JsonNode> manifest();

    /** Human-readable description, e.g. the archive path or {@code snapshot 3f2a… in s3:…}; no secrets. */
    String describe();

    /** Form of the database dump; empty when the source holds no database. */
    Optional<DumpFormat> dumpFormat();

    /** Size in bytes of the stream {@link #openDump()} gives, when known (for progress). */
    default java.util.OptionalLong dumpSize() {
        return java.util.OptionalLong.empty();
    }

    /** The dump as one stream (PLAIN or CUSTOM). */
    InputStream openDump() throws IOException;

    /**
     * A path to the dump pg_restore can read (a file for CUSTOM, a directory for DIRECTORY), writing it
     * under {@code scratch} if the source does not have one on local disk already.
     */
    Path dumpPath(Path scratch) throws IOException;

    /** Filestore files, excluding Odoo's {@code checklist/} garbage-collection markers. */
    List<FileRef> files() throws IOException;

    /** Content of one file. */
    InputStream open(FileRef file) throws IOException;

    /**
     * Content of one file, for a caller that checks its SHA-1 against its name itself (as {@code
     * Filestore.put} does): a source whose own check would compute the same digest again may leave it
     * out, keeping every other check.
     */
    default InputStream openForFilestore(FileRef file) throws IOException {
        return open(file);
    }

    @Override
    void close() throws IOException;
}
