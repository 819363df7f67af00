package io.lifeboat.storage;

import java.io.IOException;

/**
 * A failure that repeating the same request cannot fix: authentication or permission denied, a
 * missing bucket or directory, a rejected host key, an invalid configuration. Never retried.
 */
public final class PermanentStorageException extends IOException {
    private static final long serialVersionUID = 1L;

    public PermanentStorageException(String message) {
        super(Redaction.redact(message));
    }

    public PermanentStorageException(String message, Throwable cause) {
        super(Redaction.redact(message), cause);
    }
}
