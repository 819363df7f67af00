package io.lifeboat.odoozip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.DumpFormat;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check of a finished backup zip against what was written, and the damage it must catch. */
class ZipCaptureSinkVerifyTest {
    @TempDir
    Path tmp;

    private Path writeZip(int files) throws Exception {
        Path zip = tmp.resolve("b.zip");
        ZipCaptureSink sink = ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true);
        byte[] dump = "--\n-- PostgreSQL database dump\n--\n".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        sink.dump(DumpFormat.PLAIN, new ByteArrayInputStream(dump));
        for (int i = 0; i < files; i++) {
            byte[] content = ("attachment " + i).repeat(1 + i * 1000).getBytes(StandardCharsets.US_ASCII);
            String sha1 =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
            sink.file(sha1.substring(0, 2) + "/" + sha1, content.length, new ByteArrayInputStream(content));
        }
        ObjectNode manifest = new ObjectMapper().createObjectNode();
        manifest.put("odoo_dump", "1").put("db_name", "x").put("version", "17.0");
        manifest.putObject("modules");
        sink.commit(manifest, manifest);
        return zip;
    }

    private static long crc32c(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return c.getValue();
    }

    @Test
    void anIntactZipPassesAndDamageIsCaught() throws Exception {
        Path zip = writeZip(20);
        byte[] bytes = Files.readAllBytes(zip);
        long crc = crc32c(bytes);
        ZipCaptureSink.verify(zip, bytes.length, crc, 22);

        // the wrong number of entries
        assertIntegrity(() -> ZipCaptureSink.verify(zip, bytes.length, crc, 23), "22 entries found, 23 written");

        // one byte changed in the middle of the data
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x01;
        Files.write(zip, flipped);
        assertIntegrity(() -> ZipCaptureSink.verify(zip, bytes.length, crc, 22), "does not hold what was written");

        // the end of the file lost
        Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertIntegrity(
                () -> ZipCaptureSink.verify(zip, bytes.length, crc, 22),
                (bytes.length - 100) + " of " + bytes.length + " bytes read back");
    }

    @Test
    void theSinkRecordsWhatReachedTheFile() throws Exception {
        // commit() ran the check with the sink's own length, CRC and entry count: the file is there, and
        // the same values computed from the file pass again
        Path zip = writeZip(3);
        byte[] bytes = Files.readAllBytes(zip);
        ZipCaptureSink.verify(zip, bytes.length, crc32c(bytes), 5);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThat(archive.filestoreEntries()).hasSize(3);
        }
    }

    private static void assertIntegrity(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                .hasMessageContaining(message);
    }
}
