package io.lifeboat.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.lifeboat.LifeboatException;
import io.lifeboat.storage.testing.FailingContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CaptureSink} promises. A sink's test extends this class: {@link
 * #newSink} gives a fresh sink, {@link #visible} reads back what a reader can see of everything the
 * sinks of this test wrote.
 *
 * <ul>
 *   <li>dump, files and commit make the capture visible, and it reads back as written;
 *   <li>nothing is visible before commit, and abort leaves nothing visible (nor anything behind);
 *   <li>a part whose stream fails, or a file whose stream ends before its size, fails the call.
 * </ul>
 */
public abstract class CaptureSinkContractTest {

    /** A capture as a reader sees it: the dump and the filestore files, by relative name. */
    public record Captured(byte[] dump, Map<String, byte[]> files) {}

    /** A new sink; each call of one test gets a sink of its own that writes where {@link #visible} reads. */
    protected abstract CaptureSink newSink() throws Exception;

    /** What this sink's captures hold a dump in. */
    protected abstract DumpFormat dumpFormat();

    /** Whether the sink holds a filestore ({@link CaptureSink#file} is refused otherwise). */
    protected boolean holdsFiles() {
        return true;
    }

    /** Every capture a reader can see now, read back; {@code checklist/} markers left out. */
    protected abstract List<Captured> visible() throws Exception;

    /** Fails if a discarded capture left anything behind (temporary files, locks). */
    protected abstract void assertNothingLeftBehind() throws Exception;

    private CaptureContent content;

    @BeforeEach
    void generateContent() {
        content = CaptureContent.generate(dumpFormat(), 3_000_000, 11);
    }

    @AfterEach
    void nothingLeftOpen() throws Exception {
        assertNothingLeftBehind();
    }

    @Test
    void dumpFilesAndCommitMakeTheCaptureVisibleAndReadable() throws Exception {
        CaptureSink sink = newSink();

        String id = content.capture(sink, holdsFiles());

        assertThat(id).isNotBlank();
        List<Captured> visible = visible();
        assertThat(visible).hasSize(1);
        assertThat(visible.get(0).dump()).isEqualTo(content.dump());
        Map<String, byte[]> files = visible.get(0).files();
        if (holdsFiles()) {
            assertThat(files).containsOnlyKeys(content.files().keySet());
            content.files()
                    .forEach((name, bytes) ->
                            assertThat(files.get(name)).as(name).isEqualTo(bytes));
        } else {
            assertThat(files).isEmpty();
        }
        sink.abort(); // after commit: does nothing
        sink.close();
        assertThat(visible()).hasSize(1);
    }

    @Test
    void nothingIsVisibleBeforeCommit() throws Exception {
        CaptureSink sink = newSink();

        content.writeParts(sink, holdsFiles());

        assertThat(visible()).isEmpty();
        sink.abort();
    }

    @Test
    void abortLeavesNothingVisible() throws Exception {
        CaptureSink sink = newSink();
        content.writeParts(sink, holdsFiles());

        sink.abort();
        sink.abort();
        sink.close();

        assertThat(visible()).isEmpty();
    }

    @Test
    void abortBeforeAnythingLeavesNothingVisible() throws Exception {
        try (CaptureSink sink = newSink()) {
            assertThat(sink.container()).isIn("zip", "dump", "snapshot");
        }

        assertThat(visible()).isEmpty();
    }

    @Test
    void aFileStreamEndingEarlyFails() throws Exception {
        assumeThat(holdsFiles()).as("the sink holds files").isTrue();
        CaptureSink sink = newSink();
        sink.dump(dumpFormat(), new ByteArrayInputStream(content.dump()));
        var file = fileLargerThan(1000);
        byte[] half = Arrays.copyOf(file.getValue(), file.getValue().length / 2);

        assertThatThrownBy(() -> sink.file(file.getKey(), file.getValue().length, new ByteArrayInputStream(half)))
                .isInstanceOfAny(IOException.class, LifeboatException.class);

        sink.abort();
        assertThat(visible()).isEmpty();
    }

    @Test
    void aFileStreamThatFailsFailsTheCall() throws Exception {
        assumeThat(holdsFiles()).as("the sink holds files").isTrue();
        CaptureSink sink = newSink();
        sink.dump(dumpFormat(), new ByteArrayInputStream(content.dump()));
        var file = fileLargerThan(1_000_000);

        assertThatThrownBy(() -> sink.file(
                        file.getKey(),
                        file.getValue().length,
                        FailingContent.failAfter(new ByteArrayInputStream(file.getValue()), 700_000)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("injected failure");

        sink.abort();
        assertThat(visible()).isEmpty();
    }

    @Test
    void aDumpStreamThatFailsFailsTheCall() throws Exception {
        CaptureSink sink = newSink();

        assertThatThrownBy(() -> sink.dump(
                        dumpFormat(), FailingContent.failAfter(new ByteArrayInputStream(content.dump()), 1_500_000)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("injected failure");

        sink.abort();
        assertThat(visible()).isEmpty();
    }

    @Test
    void aSinkWithoutFilestoreRefusesFiles() throws Exception {
        assumeThat(holdsFiles()).as("the sink holds no files").isFalse();
        CaptureSink sink = newSink();
        sink.dump(dumpFormat(), new ByteArrayInputStream(content.dump()));
        var file = content.files().entrySet().iterator().next();

        assertThatThrownBy(() ->
                        sink.file(file.getKey(), file.getValue().length, new ByteArrayInputStream(file.getValue())))
                .isInstanceOf(IllegalStateException.class);

        sink.abort();
        assertThat(visible()).isEmpty();
    }

    private Map.Entry<String, byte[]> fileLargerThan(int size) {
        return content.files().entrySet().stream()
                .filter(e -> e.getValue().length > size)
                .findFirst()
                .orElseThrow();
    }
}
