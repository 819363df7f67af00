package io.lifeboat.filestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.testing.FaultyBackend;
import io.lifeboat.storage.testing.FaultyBackend.Fault;
import io.lifeboat.storage.testing.FaultyBackend.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A filestore over a backend that fails on request: a failed put leaves nothing visible. */
final class FaultyBackendFilestoreContractTest extends FilestoreContractTest {
    @TempDir
    Path temp;

    private Path base;
    private Path spool;
    private FaultyBackend backend;

    @Override
    protected Filestore newFilestore(String id) throws IOException {
        base = temp.resolve(id);
        spool = Files.createDirectories(base.resolve("spool"));
        backend = new FaultyBackend(new LocalBackend(base.resolve("backend")), d -> {});
        return new BackendFilestore(backend, "filestore/db", spool);
    }

    @Override
    protected Filestore newQuarantineArea(String id) {
        return new BackendFilestore(backend, "quarantine/db/q", spool);
    }

    @Override
    protected void plant(String name, byte[] content) throws Exception {
        backend.save("filestore/db/" + name, ContentSource.ofBytes(content));
    }

    @Test
    void aSaveRefusedBeforeItStartsLeavesNothing() throws Exception {
        backend.script(Operation.SAVE, Fault.failBefore(), Fault.permanent());

        assertThatThrownBy(() -> store.put(name(BRAVO), in(BRAVO))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put(name(BRAVO), in(BRAVO))).isInstanceOf(IOException.class);

        assertNothingVisible();
    }

    @Test
    void aSaveBrokenHalfWayLeavesNothing() throws Exception {
        backend.script(Operation.SAVE, Fault.partialWrite(7));

        assertThatThrownBy(() -> store.put(name(BRAVO), in(BRAVO))).isInstanceOf(IOException.class);

        assertNothingVisible();
        assertThat(store.put(name(BRAVO), in(BRAVO))).isEqualTo(Filestore.Put.PLACED);
        assertThat(read(name(BRAVO))).isEqualTo(BRAVO);
    }

    @Test
    void aFailedCheckForAnExistingFileStoresNothing() throws Exception {
        backend.script(Operation.STAT, Fault.failBefore());

        assertThatThrownBy(() -> store.put(name(BRAVO), in(BRAVO))).isInstanceOf(IOException.class);

        assertNothingVisible();
    }

    @Test
    void aQuarantineWhoseCopyFailsKeepsTheFile() throws Exception {
        store.put(name(ALPHA), in(ALPHA));
        backend.script(Operation.SAVE, Fault.partialWrite(3));

        assertThatThrownBy(() -> store.quarantine(name(ALPHA), area)).isInstanceOf(IOException.class);

        assertThat(read(name(ALPHA))).isEqualTo(ALPHA);
        assertThat(area.stat(name(ALPHA))).isEmpty();
        assertThat(store.quarantine(name(ALPHA), area)).isEqualTo(Filestore.Move.MOVED);
    }

    private void assertNothingVisible() throws IOException {
        assertThat(store.stat(name(BRAVO))).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.open(name(BRAVO))).isInstanceOf(java.nio.file.NoSuchFileException.class);
        try (Stream<Path> files = Files.walk(base)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty(); // no temporary file in the backend or the spool
        }
    }
}
