package io.lifeboat.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.storage.testing.FailingContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a sink that holds a filestore promises beyond {@link CaptureSinkContractTest}: broken file streams fail. */
public abstract class FileCaptureSinkContractTest extends CaptureSinkContractTest {

    @Test
    void aFileStreamEndingEarlyFails() throws Exception {
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

    private Map.Entry<String, byte[]> fileLargerThan(int size) {
        return content.files().entrySet().stream()
                .filter(e -> e.getValue().length > size)
                .findFirst()
                .orElseThrow();
    }
}
