package io.lifeboat.filestore;

import java.nio.file.FileAlreadyExistsException;

/** {@link Filestore#put} found other content (or something that is not a file) under the name; it is left alone. */
public final class FileConflictException extends FileAlreadyExistsException {
    private static final long serialVersionUID = 1L;

    public FileConflictException(String name, String location) {
        super(name, null, "the filestore " + location + " already has other content under this name");
    }
}
