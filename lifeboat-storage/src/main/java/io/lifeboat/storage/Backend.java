package io.lifeboat.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A flat store of immutable named objects: a directory, an S3 bucket prefix, an SFTP directory.
 *
 * <p>Names are relative, use {@code /} as separator, and contain only {@code [A-Za-z0-9._-/]}; no
 * segment is empty or starts with {@code .} (so none is {@code .} or {@code ..}; drivers use such
 * names for temporary files). Drivers reject other names with {@link IllegalArgumentException};
 * {@link ObjectNames} checks them.
 *
 * <p>Guarantees every driver gives (checked by the contract test suite):
 *
 * <ul>
 *   <li>{@link #save} is atomic from a reader's view: a concurrent or later {@link #load} sees no
 *       object or the whole object, never a prefix. A failed save leaves no object visible.
 *   <li>Saving an existing name replaces it atomically (callers that write content-addressed objects
 *       never rely on this).
 *   <li>{@link #load} of a missing object throws {@link ObjectNotFoundException}.
 *   <li>{@link #delete} of a missing object is not an error.
 * </ul>
 *
 * <p>Drivers report every failure as an {@link java.io.IOException}: {@link ObjectNotFoundException}
 * for a missing object, {@link PermanentStorageException} for what repeating cannot fix, any other
 * {@code IOException} for what may pass (see {@link StorageErrors#isTransient}). Messages never
 * contain credentials ({@link Redaction}).
 *
 * <p>Implementations are thread-safe. Cross-cutting behaviour (retries, fault injection, metrics)
 * lives in wrappers that implement this same interface.
 */
public interface Backend extends AutoCloseable {

    /** Where this backend stores its objects, with credentials and other secrets removed. */
    String location();

    /** Stores {@code source} under {@code name}; see the class documentation for atomicity. */
    void save(String name, ContentSource source) throws IOException;

    /**
     * Opens {@code length} bytes of the object starting at {@code offset}; {@code length < 0} reads to
     * the end. A range reaching past the end yields the bytes up to the end (none when {@code offset}
     * is at or past the end). The caller closes the stream.
     *
     * @throws ObjectNotFoundException when the object does not exist
     */
    InputStream load(String name, long offset, long length) throws IOException;

    /** Opens the whole object. */
    default InputStream load(String name) throws IOException {
        return load(name, 0, -1);
    }

    /** Size of the object, or empty when it does not exist. */
    Optional<ObjectInfo> stat(String name) throws IOException;

    /** Every object whose name starts with {@code prefix} (may be empty), in no particular order. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Removes the object; removing a missing object succeeds. */
    void delete(String name) throws IOException;

    /**
     * A URL that lets anyone holding it read one object until it expires, signed by the backend's own
     * credentials (S3 presigned URLs); empty for backends that cannot make one.
     */
    default Optional<java.net.URI> presignedUrl(String name, java.time.Duration ttl) {
        return Optional.empty();
    }

    /** Releases connections and threads. */
    @Override
    void close() throws IOException;
}
