package io.lifeboat.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Classifies failures of {@link Backend} operations. */
public final class StorageErrors {
    private StorageErrors() {}

    /**
     * Whether repeating the failed operation may succeed: true for I/O failures such as timeouts,
     * connection resets and server errors; false for {@link ObjectNotFoundException}, {@link
     * PermanentStorageException}, interruption, invalid arguments and programming errors.
     */
    public static boolean isTransient(Throwable failure) {
        if (failure instanceof ObjectNotFoundException
                || failure instanceof PermanentStorageException
                || (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException))
                || failure instanceof ClosedByInterruptException
                || failure instanceof AccessDeniedException
                || failure instanceof NotDirectoryException
                || failure instanceof NoSuchFileException) {
            return false;
        }
        if (failure instanceof FileSystemException fse && fse.getReason() != null) {
            String reason = fse.getReason();
            // Local disk errors that do not go away by themselves.
            if (reason.contains("No space left") || reason.contains("Read-only file system")) {
                return false;
            }
        }
        return failure instanceof IOException;
    }

    /** Whether {@code failure} says that the object does not exist. */
    public static boolean isNotFound(Throwable failure) {
        return failure instanceof ObjectNotFoundException;
    }
}
