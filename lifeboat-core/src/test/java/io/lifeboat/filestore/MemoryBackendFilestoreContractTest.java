package io.lifeboat.filestore;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.testing.MemoryBackend;
import org.junit.jupiter.api.Test;

/** A filestore as objects of an in-memory backend. */
final class MemoryBackendFilestoreContractTest extends FilestoreContractTest {
    private MemoryBackend backend;

    @Override
    protected Filestore newFilestore(String id) {
        backend = new MemoryBackend();
        return new BackendFilestore(backend, "filestore/db");
    }

    @Override
    protected Filestore newQuarantineArea(String id) {
        return new BackendFilestore(backend, "quarantine/db/q");
    }

    @Override
    protected void plant(String name, byte[] content) throws Exception {
        backend.save("filestore/db/" + name, ContentSource.ofBytes(content));
    }

    @Test
    void filesAreObjectsUnderThePrefix() throws Exception {
        store.put(name(ALPHA), in(ALPHA));
        backend.save("filestore/db/checklist/" + name(ALPHA), ContentSource.ofBytes(new byte[0]));
        backend.save("filestore/db/zz/README", ContentSource.ofBytes(new byte[] {1}));
        backend.save("filestore/dbx/" + name(BRAVO), ContentSource.ofBytes(BRAVO)); // another filestore

        assertThat(backend.list("filestore/db/" + name(ALPHA)))
                .containsExactly(new ObjectInfo("filestore/db/" + name(ALPHA), ALPHA.length));
        assertThat(store.list())
                .extracting(Filestore.Entry::name, Filestore.Entry::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(name(ALPHA), Filestore.Entry.Kind.FILE),
                        org.assertj.core.groups.Tuple.tuple("checklist/" + name(ALPHA), Filestore.Entry.Kind.MARKER),
                        org.assertj.core.groups.Tuple.tuple("zz/README", Filestore.Entry.Kind.STRAY));
        assertThat(store.location()).isEqualTo("filestore/db/ in " + backend.location());
    }
}
