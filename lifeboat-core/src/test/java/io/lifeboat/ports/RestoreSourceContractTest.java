package io.lifeboat.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.ports.RestoreSource.FileRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link RestoreSource} promises, over what the matching {@link CaptureSink}
 * wrote. A source's test extends this class: {@link #write} captures content with the sink, {@link
 * #open} opens the result as a source, {@link #truncate} and {@link #corrupt} damage it.
 *
 * <ul>
 *   <li>the dump and every filestore file read back with the SHA-1 of what was written, the files
 *       listed with their names, SHA-1 and sizes, {@code checklist/} markers left out;
 *   <li>a truncated or corrupt source fails, when opened or at the latest when read to its end, with
 *       a {@link LifeboatException} or {@link IOException} that says what is wrong — never by
 *       ending early or handing out other bytes.
 * </ul>
 */
public abstract class RestoreSourceContractTest {

    @TempDir
    Path scratch;

    private CaptureContent content;

    /** What this source's dump is in. */
    protected abstract DumpFormat dumpFormat();

    /** Whether the source holds a filestore. */
    protected boolean holdsFiles() {
        return true;
    }

    /** Whether the source holds Odoo's manifest. */
    protected boolean holdsManifest() {
        return true;
    }

    /** Captures {@code content} with the matching sink (committed); returns what {@link #open} takes. */
    protected abstract String write(CaptureContent content) throws Exception;

    protected abstract RestoreSource open(String written) throws Exception;

    /** Cuts what {@link #write} wrote short. */
    protected abstract void truncate(String written) throws Exception;

    /** Changes bytes inside what {@link #write} wrote. */
    protected abstract void corrupt(String written) throws Exception;

    @BeforeEach
    void generateContent() {
        content = CaptureContent.generate(dumpFormat(), 3_000_000, 23);
    }

    @Test
    void readsBackWhatTheSinkWrote() throws Exception {
        String written = write(content);

        try (RestoreSource source = open(written)) {
            assertThat(source.describe()).isNotBlank();
            assertThat(source.dumpFormat()).contains(dumpFormat());
            source.dumpSize().ifPresent(n -> assertThat(n).isEqualTo(content.dump().length));
            try (InputStream in = source.openDump()) {
                assertThat(sha1(in)).isEqualTo(CaptureContent.sha1(content.dump()));
            }
            if (holdsManifest()) {
                assertThat(source.manifest())
                        .hasValueSatisfying(
                                m -> assertThat(m.path("db_name").asText()).isEqualTo("contract"));
            }
            List<FileRef> expected = !holdsFiles()
                    ? List.of()
                    : content.files().entrySet().stream()
                            .map(e -> new FileRef(e.getKey(), CaptureContent.sha1(e.getValue()), e.getValue().length))
                            .toList();
            assertThat(source.files()).containsExactlyInAnyOrderElementsOf(expected);
            for (FileRef f : source.files()) {
                try (InputStream in = source.open(f)) {
                    assertThat(sha1(in)).as(f.relative()).isEqualTo(f.sha1());
                }
                try (InputStream in = source.openForFilestore(f)) {
                    assertThat(sha1(in)).as(f.relative()).isEqualTo(f.sha1());
                }
                assertThat(f.relative()).endsWith("/" + f.sha1());
            }
        }
    }

    @Test
    void dumpPathHoldsTheSameDump() throws Exception {
        String written = write(content);

        try (RestoreSource source = open(written)) {
            Path path = source.dumpPath(scratch);
            try (InputStream in = Files.newInputStream(path)) {
                assertThat(sha1(in)).isEqualTo(CaptureContent.sha1(content.dump()));
            }
        }
    }

    @Test
    void aTruncatedSourceFailsClearly() throws Exception {
        String written = write(content);

        truncate(written);

        assertFailsClearly(written);
    }

    @Test
    void aCorruptSourceFailsClearly() throws Exception {
        String written = write(content);

        corrupt(written);

        assertFailsClearly(written);
    }

    private void assertFailsClearly(String written) {
        assertThatThrownBy(() -> {
                    try (RestoreSource source = open(written)) {
                        readEverything(source);
                    }
                })
                .isInstanceOfAny(LifeboatException.class, IOException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }

    private static void readEverything(RestoreSource source) throws IOException {
        // first as a filestore restore reads the files (the caller checks their SHA-1, the source all else)
        for (FileRef f : source.files()) {
            try (InputStream in = source.openForFilestore(f)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        try (InputStream in = source.openDump()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        for (FileRef f : source.files()) {
            try (InputStream in = source.open(f)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    static String sha1(InputStream in) throws IOException {
        try {
            DigestInputStream d = new DigestInputStream(in, MessageDigest.getInstance("SHA-1"));
            d.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(d.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flips the bits of the byte at {@code fraction} of {@code file}'s length. */
    protected static void flipByteAt(Path file, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int at = (int) (b.length * fraction);
        b[at] ^= (byte) 0xff;
        Files.write(file, b);
    }

    /** Cuts {@code file} to {@code fraction} of its length. */
    protected static void cutTo(Path file, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, (int) (b.length * fraction)));
    }
}
