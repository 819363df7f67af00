package io.lifeboat.storage.testing;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.BackendContractTest;

/** The in-memory backend keeps the promises of every driver. */
final class MemoryBackendContractTest extends BackendContractTest {
    @Override
    protected Backend newBackend(String id) {
        return new MemoryBackend();
    }
}
