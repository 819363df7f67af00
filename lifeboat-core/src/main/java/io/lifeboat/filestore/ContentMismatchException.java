package io.lifeboat.filestore;

import java.io.IOException;

/** Content given to {@link Filestore#put} does not hash to the name it was to be stored under. */
public final class ContentMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String actual;

    public ContentMismatchException(String name, String actual) {
        super("content for " + name + " hashes to " + actual);
        this.name = name;
        this.actual = actual;
    }

    /** The name the content was to be stored under. */
    public String name() {
        return name;
    }

    /** The SHA-1 the content has. */
    public String actual() {
        return actual;
    }
}
