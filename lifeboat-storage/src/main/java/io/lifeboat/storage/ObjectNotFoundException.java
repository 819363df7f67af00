package io.lifeboat.storage;

import java.io.IOException;

/** The named object does not exist. Never retried. */
public final class ObjectNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String name) {
        super("object not found: " + name);
    }
}
