package io.lifeboat.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Content to store, of known length, that can be read more than once (a retry re-opens it).
 */
public interface ContentSource {

    /** Exact number of bytes {@link #open} yields. */
    long length();

    /** A fresh stream over the whole content; the caller closes it. */
    InputStream open() throws IOException;

    static ContentSource ofBytes(byte[] bytes) {
        return new ContentSource() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    static ContentSource ofFile(Path file) throws IOException {
        long size = Files.size(file);
        return new ContentSource() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }
}
