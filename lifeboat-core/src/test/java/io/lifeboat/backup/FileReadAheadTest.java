package io.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files read ahead of the capture: what is hashed is what is written, or the backup fails. */
class FileReadAheadTest {
    @TempDir
    Path tmp;

    /** Reads whatever it is given to its end. */
    private static final class DrainingSink implements CaptureSink {
        long bytes;

        @Override
        public void dump(DumpFormat format, InputStream dump) {}

        @Override
        public void file(String relative, long size, InputStream content) throws IOException {
            bytes += content.transferTo(OutputStream.nullOutputStream());
        }

        @Override
        public String container() {
            return "test";
        }

        @Override
        public String commit(JsonNode manifest, JsonNode report) {
            return "-";
        }

        @Override
        public void abort() {}
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static FileReadAhead.Read readAhead(Path file) throws IOException {
        try (FileReadAhead ahead = new FileReadAhead()) {
            ahead.submit("x", null, file);
            return FileReadAhead.await(ahead.next());
        }
    }

    @Test
    void smallFilesAreKeptLargeOnesHashedAndStreamedAgain() throws Exception {
        byte[] small = random(FileReadAhead.KEEP, 1);
        byte[] large = random(FileReadAhead.KEEP + 1, 2);
        Path s = Files.write(tmp.resolve("small"), small);
        Path l = Files.write(tmp.resolve("large"), large);

        var hs = (FileReadAhead.Hashed) readAhead(s);
        assertThat(hs.content()).isEqualTo(small);
        assertThat(hs.sha1())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(small)));

        var hl = (FileReadAhead.Hashed) readAhead(l);
        assertThat(hl.content()).isNull();
        assertThat(hl.size()).isEqualTo(large.length);
        assertThat(hl.sha1())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(large)));
        DrainingSink sink = new DrainingSink();
        FilestoreCapture.streamAgain(sink, "large", l, hl);
        assertThat(sink.bytes).isEqualTo(large.length);
    }

    @Test
    void aFileChangedBetweenHashingAndWritingFailsTheBackup() throws Exception {
        byte[] large = random(FileReadAhead.KEEP * 4, 3);
        Path l = Files.write(tmp.resolve("large"), large);
        var hashed = (FileReadAhead.Hashed) readAhead(l);

        large[large.length / 2] ^= 1; // same size, other content
        Files.write(l, large);
        assertThatThrownBy(() -> FilestoreCapture.streamAgain(new DrainingSink(), "large", l, hashed))
                .isInstanceOf(IOException.class)
                .hasMessage("file large changed while it was read");

        Files.write(l, java.util.Arrays.copyOf(large, large.length - 1)); // shorter
        assertThatThrownBy(() -> FilestoreCapture.streamAgain(new DrainingSink(), "large", l, hashed))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("changed size while it was read");
    }

    @Test
    void missingFilesAndSpecialFilesAreReportedNotOpened() throws Exception {
        assertThat(readAhead(tmp.resolve("absent"))).isInstanceOf(FileReadAhead.Missing.class);
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        assertThat(readAhead(fifo)).isInstanceOf(FileReadAhead.Special.class);
        Files.createSymbolicLink(tmp.resolve("link"), Files.write(tmp.resolve("target"), new byte[] {1}));
        assertThat(readAhead(tmp.resolve("link"))).isInstanceOf(FileReadAhead.Missing.class);
    }
}
