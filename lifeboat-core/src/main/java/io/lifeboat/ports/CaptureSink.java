package io.lifeboat.ports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where a consistent capture of an Odoo instance goes: an Odoo zip, a Lifeboat repository snapshot.
 *
 * <p>The capture engine calls {@link #dump} once and {@link #file} once per distinct referenced file
 * (content already verified against its SHA-1 by the engine as it streams — the sink must still
 * fail if the stream it reads ends early), then {@link #commit} or {@link #abort}. Nothing the sink
 * writes may be visible to readers before {@link #commit} returns: a zip is written under a
 * temporary name, a snapshot record is written last.
 *
 * <p>When {@link #concurrentParts()} is true the engine may call {@link #dump} and {@link #file} from
 * different threads at the same time; otherwise calls are sequential in the order dump, files.
 */
public interface CaptureSink extends AutoCloseable {

    /** The database dump, in {@code format}; the sink reads {@code dump} to its end. */
    void dump(DumpFormat format, InputStream dump) throws IOException;

    /**
     * One filestore file named {@code relative} ({@code xx/<sha1>} or {@code checklist/xx/<sha1>}) of
     * {@code size} bytes; the sink reads {@code content} to its end.
     */
    void file(String relative, long size, InputStream content) throws IOException;

    /** What the backup is, as a backup report's {@code format}: {@code zip}, {@code dump} or {@code snapshot}. */
    String container();

    /** Whether {@link #dump} and {@link #file} may run concurrently. */
    default boolean concurrentParts() {
        return false;
    }

    /**
     * Makes the capture visible. {@code manifest} is Odoo's manifest.json content; {@code report} is the
     * capture report (counts, warnings) the sink may store alongside. Returns a short identifier of
     * what was created (a file path, a snapshot id).
     */
    String commit(JsonNode manifest, JsonNode report) throws IOException;

    /** Discards everything written so far; safe to call after a failure and more than once. */
    void abort();

    /** Calls {@link #abort} unless committed. */
    @Override
    default void close() {
        abort();
    }
}
