package io.lifeboat.filestore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an Odoo database keeps its attachment files: files named {@code xx/<sha1>} by the SHA-1 of their
 * content, {@code xx} being the first two hex digits of it, plus the {@code checklist/xx/<sha1>} markers
 * of Odoo's garbage collector. {@link LocalFilestore} is a directory ({@link Filestores#of} gives the one of
 * a database), {@link BackendFilestore} keys of a {@link io.lifeboat.storage.Backend}.
 *
 * <p>Every method taking a file name accepts only the canonical {@code xx/<sha1>} (lowercase, {@code xx}
 * the first two digits of the SHA-1) and throws {@link IllegalArgumentException} for anything else, so no
 * name can reach outside the filestore.
 *
 * <p>Guarantees of {@link #put}: the content is written under a temporary name, its SHA-1 is checked
 * against the name, and only then is it committed under the name, never replacing an existing file of
 * other content; after any failure nothing half-written is visible under the name. Implementations are
 * safe for use by several threads.
 */
public interface Filestore {

    /** Where the files are, for messages (a {@link LocalFilestore} gives its directory as given); no secrets. */
    String location();

    /** Whether the filestore is there at all (a directory that does not exist is not). */
    boolean exists() throws IOException;

    /**
     * The top level: the directories to {@link #list(String)} ({@code xx} buckets, then {@code
     * checklist/xx} marker directories) and the entries that are in none of them (strays, and markers
     * that are not in a marker directory). Empty when the filestore does not exist.
     */
    Listing root() throws IOException;

    /** The entries of one directory named by {@link #root()}: files and strays, or markers. */
    List<Entry> list(String directory) throws IOException;

    /** Everything: {@link #root()}'s entries and those of every directory it names. */
    default List<Entry> list() throws IOException {
        Listing root = root();
        List<Entry> all = new ArrayList<>(root.entries());
        for (String directory : root.directories()) all.addAll(list(directory));
        return all;
    }

    /** The file {@code name} (kind {@link Entry.Kind#FILE}, with its size), or empty when there is no such file. */
    Optional<Entry> stat(String name) throws IOException;

    /**
     * Opens the content of {@code name}; the caller closes the stream.
     *
     * @throws NoSuchFileException when there is no such file
     */
    InputStream open(String name) throws IOException;

    /** Reads {@code name} and returns the SHA-1 of what it holds, and its size. */
    Digest hash(String name) throws IOException;

    /**
     * Stores {@code content} (read to its end, not closed) under {@code name}; see the class documentation.
     *
     * @return {@link Put#PLACED}, or {@link Put#PRESENT} when the name already held this very content
     * @throws ContentMismatchException when the content does not hash to the name; nothing was stored
     * @throws FileConflictException when the name holds other content; it was left as it was
     */
    Put put(String name, InputStream content) throws IOException;

    /**
     * Moves {@code name} out of this filestore into the quarantine {@code area} (a filestore of the same
     * kind, same name there), from where {@link #unquarantine} moves it back. Never overwrites a file in
     * the area.
     */
    Move quarantine(String name, Filestore area) throws IOException;

    /** Moves {@code name} back from the quarantine {@code area}, never overwriting a file of this filestore. */
    Move unquarantine(String name, Filestore area) throws IOException;

    /**
     * Removes the file {@code name}, only when it still has {@code size} bytes (a file replaced since it
     * was verified is kept). Callers remove only what they verified is safe elsewhere.
     *
     * @return true when the file was removed, false when there was no such file or it had another size
     */
    boolean delete(String name, long size) throws IOException;

    /** Makes what {@link #put} and the moves did so far durable (directory entries included). */
    default void sync() throws IOException {}

    /** What {@link #root()} finds. */
    record Listing(List<String> directories, List<Entry> entries) {
        public Listing {
            directories = List.copyOf(directories);
            entries = List.copyOf(entries);
        }
    }

    /**
     * One entry of the filestore.
     *
     * @param name relative to the filestore, {@code /}-separated
     * @param size in bytes; 0 for anything but a regular file
     * @param note for a stray, why it is one
     */
    record Entry(String name, Kind kind, long size, String note) {
        public enum Kind {
            /** A regular file named {@code xx/<sha1>}. */
            FILE,
            /** Anything inside {@code checklist/}: a garbage-collection marker, valid or not. */
            MARKER,
            /** Anything else: not an Odoo file (special files and symbolic links included). */
            STRAY
        }
    }

    /** The SHA-1 (lowercase hex) and size of what a file holds. */
    record Digest(String sha1, long size) {}

    /** What {@link #put} did. */
    enum Put {
        PLACED,
        PRESENT
    }

    /** What a move into or out of quarantine did. */
    enum Move {
        /** The file was moved. */
        MOVED,
        /** The destination already has a file of that name; nothing was moved. */
        PRESENT,
        /** There is no such file to move. */
        ABSENT
    }
}
