package io.lifeboat.odoozip;

import static io.lifeboat.odoozip.ArchiveTestSupport.fixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTypeTest {
    @TempDir
    Path tmp;

    @Test
    void recognisesEveryRestorableFormat() throws Exception {
        assertThat(ArchiveType.detect(fixtures().resolve("odoo17_base_mail_attachments.zip")))
                .isEqualTo(ArchiveType.ODOO_ZIP);
        assertThat(ArchiveType.detect(fixtures().resolve("odoo17_base_mail_attachments.dump")))
                .isEqualTo(ArchiveType.PG_DUMP_CUSTOM);
        Path dir = Files.createDirectory(tmp.resolve("dump-dir"));
        Files.write(dir.resolve("toc.dat"), new byte[] {'P', 'G', 'D', 'M', 'P'});
        assertThat(ArchiveType.detect(dir)).isEqualTo(ArchiveType.PG_DUMP_DIRECTORY);
        Path sql = tmp.resolve("dump.sql");
        Files.writeString(sql, "--\n-- PostgreSQL database dump\n--\n\\restrict abc\nSET statement_timeout = 0;\n");
        assertThat(ArchiveType.detect(sql)).isEqualTo(ArchiveType.PLAIN_SQL);
        Path script = tmp.resolve("script.sql");
        Files.writeString(script, "\uFEFF\n  create table t (id int);\n");
        assertThat(ArchiveType.detect(script)).isEqualTo(ArchiveType.PLAIN_SQL);
    }

    @Test
    void explainsWhatItCannotRestore() throws Exception {
        Path gz = tmp.resolve("dump.sql.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("SELECT 1;\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertBad(gz, Kind.BAD_INPUT, "backup file is gzip-compressed: " + gz);
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertBad(empty, Kind.BAD_INPUT, "backup file is empty: " + empty);
        Path binary = tmp.resolve("photo.bin");
        Files.write(binary, ArchiveTestSupport.randomBytes(10_000, 1));
        assertBad(binary, Kind.BAD_INPUT, "unrecognised backup format: " + binary);
        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "hello world\nthis is not SQL\n");
        assertBad(
                notes,
                Kind.BAD_INPUT,
                "not a backup: " + notes + " is a text file but not an SQL dump (it starts with \"hello world\")");
        assertThatThrownBy(() -> ArchiveType.detect(notes))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.hint()).contains("written by pg_dump"));
        Path dir = Files.createDirectory(tmp.resolve("not-a-dump"));
        assertBad(dir, Kind.BAD_INPUT, "directory is not a pg_dump directory-format dump (it has no toc.dat): " + dir);
        Path missing = tmp.resolve("missing.zip");
        assertBad(missing, Kind.USAGE, "no such file or directory: " + missing);
    }

    private static void assertBad(Path path, Kind kind, String message) {
        assertThatThrownBy(() -> ArchiveType.detect(path))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.hint()).isNotBlank();
                })
                .hasMessage(message);
    }
}
