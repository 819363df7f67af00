package io.lifeboat.repair;

import io.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Somewhere the content of filestore files can be found by SHA-1. What a provider returns is only a
 * claim: the repair verifies every byte against the SHA-1 before placing it. Implementations are
 * safe for use by one thread at a time.
 */
public interface ContentProvider extends AutoCloseable {

    /** Human-readable description, e.g. {@code zip /backups/prod.zip}; never contains secrets. */
    String describe();

    /**
     * Content claimed to hash to {@code sha1} (40 lowercase hex digits), or empty when this provider
     * does not have it. The caller closes the stream.
     */
    Optional<InputStream> open(String sha1) throws IOException;

    /** Whether {@link #open} would find content for {@code sha1}; may be cheaper than opening it. */
    default boolean contains(String sha1) throws IOException {
        Optional<InputStream> in = open(sha1);
        if (in.isEmpty()) return false;
        in.get().close();
        return true;
    }

    @Override
    default void close() throws IOException {}

    /**
     * A directory holding filestore files: a filestore itself ({@code <root>/xx/<sha1>}), an extracted
     * Odoo zip ({@code <root>/filestore/xx/<sha1>}) or a data directory or its backup ({@code
     * <root>/filestore/<db>/xx/<sha1>}, every database searched).
     */
    static ContentProvider directory(Path root) throws IOException {
        return new DirectoryContentProvider(root);
    }

    /** The {@code filestore/} of an Odoo backup zip, validated when opened. */
    static ContentProvider zip(Path zip) throws IOException {
        return new ZipContentProvider(zip);
    }

    /** Every snapshot of a Lifeboat repository, whatever database or date it came from. Does not close it. */
    static ContentProvider repository(Repository repository) {
        return new RepositoryContentProvider(repository);
    }
}
