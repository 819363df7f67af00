package io.lifeboat.filestore;

import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.local.LocalBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A filestore as objects of the local-directory backend. */
final class LocalBackendFilestoreContractTest extends FilestoreContractTest {
    @TempDir
    Path temp;

    private LocalBackend backend;

    @Override
    protected Filestore newFilestore(String id) {
        backend = new LocalBackend(temp.resolve(id));
        return new BackendFilestore(backend, "filestore/db", temp);
    }

    @Override
    protected Filestore newQuarantineArea(String id) {
        return new BackendFilestore(backend, "quarantine/db/q", temp);
    }

    @Override
    protected void plant(String name, byte[] content) throws Exception {
        backend.save("filestore/db/" + name, ContentSource.ofBytes(content));
    }
}
