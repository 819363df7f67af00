package io.lifeboat.odoozip;

import static io.lifeboat.odoozip.ArchiveTestSupport.fixtures;
import static io.lifeboat.odoozip.ArchiveTestSupport.sha1;
import static io.lifeboat.odoozip.ArchiveTestSupport.sqlText;
import static io.lifeboat.odoozip.ArchiveTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OdooArchiveTest {
    private static final byte[] DUMP =
            "--\n-- PostgreSQL database dump\n--\nSELECT 1;\n".getBytes(StandardCharsets.UTF_8);
    private static final String HELLO_SHA1 = sha1("hello".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path tmp;

    Path zip;
    Path target;

    @BeforeEach
    void layout() throws IOException {
        zip = tmp.resolve("in.zip");
        target = Files.createDirectory(tmp.resolve("target"));
    }

    // ---- real Odoo backups ------------------------------------------------------------------

    @Test
    void odoo17BackupListsItsFilesAndExtractsThemVerified() throws Exception {
        Path fixture = fixtures().resolve("odoo17_base_mail_attachments.zip");
        try (OdooArchive archive = OdooArchive.open(fixture)) {
            assertThat(archive.warnings()).isEmpty();
            assertThat(archive.dumpSize()).isEqualTo(4_650_769);
            assertThat(archive.manifest().orElseThrow().get("db_name").asText()).isEqualTo("fx17");
            assertThat(archive.manifest().orElseThrow().get("version_info").isArray())
                    .isTrue();
            List<FilestoreEntry> entries = archive.filestoreEntries();
            assertThat(entries.stream().filter(e -> !e.checklist())).hasSize(59);
            assertThat(entries.stream().filter(FilestoreEntry::checklist)).hasSize(59);
            long bytes = entries.stream().mapToLong(FilestoreEntry::size).sum();

            try (InputStream dump = archive.openDump()) {
                byte[] all = dump.readAllBytes();
                assertThat(all).hasSize(4_650_769);
                assertThat(new String(all, 0, 200, StandardCharsets.UTF_8)).contains("PostgreSQL database dump");
            }

            ExtractSummary summary = archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE);
            assertThat(summary).isEqualTo(new ExtractSummary(59, bytes, 59, List.of()));
            List<String> expected = new ArrayList<>();
            for (FilestoreEntry e : entries) {
                Path file = target.resolve(e.relativeName());
                if (!e.checklist()) {
                    assertThat(sha1(file)).as(e.relativeName()).isEqualTo(e.sha1());
                } else {
                    assertThat(Files.size(file)).isZero();
                }
                expected.add(e.relativeName());
                String dir = e.relativeName().substring(0, e.relativeName().lastIndexOf('/') + 1);
                expected.add(dir);
                if (e.checklist()) {
                    expected.add("checklist/");
                }
            }
            assertThat(tree(target)).containsExactlyInAnyOrderElementsOf(new java.util.TreeSet<>(expected));
        }
    }

    @Test
    void odoo16BackupAndTheDivergentCopy() throws Exception {
        try (OdooArchive archive = OdooArchive.open(fixtures().resolve("odoo16_base_only.zip"))) {
            assertThat(archive.dumpSize()).isEqualTo(2_930_581);
            assertThat(archive.manifest().orElseThrow().get("db_name").asText()).isEqualTo("fx16");
            assertThat(archive.filestoreEntries().stream().filter(e -> !e.checklist()))
                    .hasSize(11);
            assertThat(archive.filestoreEntries().stream().filter(FilestoreEntry::checklist))
                    .hasSize(11);
            ExtractSummary summary = archive.extractFilestore(
                    target, ExtractOptions.defaults().withThreads(1).withFsync(false), Progress.NONE);
            assertThat(summary.files()).isEqualTo(11);
            assertThat(summary.checklistMarkers()).isEqualTo(11);
        }
        try (OdooArchive archive = OdooArchive.open(fixtures().resolve("odoo17_divergent_missing3.zip"))) {
            List<String> files = archive.filestoreEntries().stream()
                    .filter(e -> !e.checklist())
                    .map(FilestoreEntry::relativeName)
                    .toList();
            assertThat(files)
                    .hasSize(56)
                    .doesNotContain(
                            "79/79bafe8bc926a262b4dfce02c6e93ef1a22ac141",
                            "42/425072a25f6bee201f83f16edd4ce3203a8b91ee",
                            "f5/f5f702a98c927998e609028ab0b7b555c40fd7a5");
            assertThat(archive.filestoreEntries().stream().filter(FilestoreEntry::checklist))
                    .hasSize(59);
            FilestoreEntry first = archive.filestoreEntries().get(0);
            try (InputStream in = archive.open(first)) {
                assertThat(sha1(in.readAllBytes())).isEqualTo(first.sha1());
            }
        }
    }

    // ---- unsafe or malformed archives ---------------------------------------------------------

    @Test
    void parentDirectoryEntryIsRejected() throws Exception {
        jdkZip(Map.of("dump.sql", DUMP, "filestore/../../evil.sh", DUMP));
        assertRejected(Kind.BAD_INPUT, "archive entry has an unsafe name ('..' segment): filestore/../../evil.sh");
    }

    @Test
    void absolutePathEntryIsRejected() throws Exception {
        jdkZip(Map.of("dump.sql", DUMP, "/tmp/evil.sh", DUMP));
        assertRejected(Kind.BAD_INPUT, "archive entry has an unsafe name (absolute path): /tmp/evil.sh");
    }

    @Test
    void backslashAndDriveLetterEntriesAreRejected() throws Exception {
        jdkZip(Map.of("dump.sql", DUMP, "filestore\\..\\evil", DUMP));
        assertRejected(Kind.BAD_INPUT, "unsafe name (backslash)");
        jdkZip(Map.of("dump.sql", DUMP, "C:/evil", DUMP));
        assertRejected(Kind.BAD_INPUT, "unsafe name (drive letter)");
    }

    @Test
    void symlinkEntryIsRejected() throws Exception {
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            put(out, "dump.sql", DUMP, 0100644);
            put(out, "filestore/aa/" + "a".repeat(40), "/etc/passwd".getBytes(StandardCharsets.US_ASCII), 0120777);
        }
        assertRejected(Kind.BAD_INPUT, "archive entry filestore/aa/" + "a".repeat(40) + " is a symbolic link");
    }

    @Test
    void truncatedZipIsRejected() throws Exception {
        byte[] whole = Files.readAllBytes(fixtures().resolve("odoo16_base_only.zip"));
        Files.write(zip, Arrays.copyOf(whole, whole.length / 2));
        assertRejected(Kind.BAD_INPUT, "zip archive is truncated or corrupt: " + zip);
    }

    @Test
    void corruptedStoredBytesFailTheCrcCheck() throws Exception {
        byte[] dump = sqlText(200_000, 1);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            ZipEntry e = new ZipEntry("dump.sql");
            e.setMethod(ZipEntry.STORED);
            e.setSize(dump.length);
            CRC32 crc = new CRC32();
            crc.update(dump);
            e.setCrc(crc.getValue());
            out.putNextEntry(e);
            out.write(dump);
        }
        byte[] bytes = Files.readAllBytes(zip);
        bytes[30 + "dump.sql".length() + 100_000] ^= 0x20;
        Files.write(zip, bytes);
        try (OdooArchive archive = OdooArchive.open(zip);
                InputStream in = archive.openDump()) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                    .hasMessageMatching("zip entry dump.sql is corrupt: crc-32 is \\p{XDigit}{8}, the archive"
                            + " declares \\p{XDigit}{8}");
        }
        assertThat(tree(tmp)).containsExactly("in.zip", "target/");
    }

    @Test
    void corruptedDeflatedFilestoreEntryFailsExtraction() throws Exception {
        byte[] content = sqlText(300_000, 2);
        String sha = sha1(content);
        String name = "filestore/" + sha.substring(0, 2) + "/" + sha;
        jdkZip(Map.of("dump.sql", DUMP, name, content));
        byte[] bytes = Files.readAllBytes(zip);
        int at = indexOf(bytes, name.getBytes(StandardCharsets.US_ASCII)) + name.length() + 2000;
        for (int i = 0; i < 16; i++) {
            bytes[at + i] ^= (byte) 0x5a;
        }
        Files.write(zip, bytes);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThatThrownBy(() -> archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE))
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                    .hasMessageContaining("zip entry " + name);
        }
        assertThat(tree(tmp)).containsExactly("in.zip", "target/", "target/" + sha.substring(0, 2) + "/");
    }

    @Test
    void entryLargerThanDeclaredIsCaughtWhileReading() throws Exception {
        jdkZip(Map.of("dump.sql", sqlText(100_000, 3)));
        patchCentralDirectorySize("dump.sql", 1000);
        try (OdooArchive archive = OdooArchive.open(zip);
                InputStream in = archive.openDump()) {
            assertThat(archive.dumpSize()).isEqualTo(1000);
            byte[] buffer = new byte[1 << 16];
            long[] read = {0};
            assertThatThrownBy(() -> {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            read[0] += n;
                        }
                    })
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                    .hasMessage(
                            "zip entry dump.sql holds more data than the 1000 bytes its central directory declares");
            assertThat(read[0]).isLessThanOrEqualTo(1000);
        }
    }

    @Test
    void zipWithoutDumpIsRejected() throws Exception {
        jdkZip(Map.of("backup/dump.sql", DUMP, "manifest.json", "{}".getBytes(StandardCharsets.US_ASCII)));
        assertRejected(
                Kind.BAD_INPUT,
                "archive has no dump.sql at its root (it holds backup/dump.sql: Odoo expects dump.sql at the root): "
                        + zip);
    }

    @Test
    void nonHexFilestoreNamesAreListed() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", DUMP);
        entries.put("filestore/zz/hello.txt", DUMP);
        entries.put("filestore/ab/cd" + "0".repeat(38), DUMP); // directory is not the name's prefix
        entries.put("filestore/" + HELLO_SHA1.substring(0, 2) + "/" + HELLO_SHA1, DUMP); // fine by name
        jdkZip(entries);
        assertRejected(
                Kind.BAD_INPUT,
                "archive has 2 entries in filestore/ that are not named filestore/<2 hex>/<40 hex sha1>:"
                        + " filestore/zz/hello.txt, filestore/ab/cd" + "0".repeat(38));
    }

    @Test
    void duplicateEntriesAreRejected() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", DUMP);
        entries.put("dump.sqX", "DROP DATABASE prod;".getBytes(StandardCharsets.US_ASCII));
        jdkZip(entries);
        byte[] bytes = Files.readAllBytes(zip);
        byte[] from = "dump.sqX".getBytes(StandardCharsets.US_ASCII);
        for (int i; (i = indexOf(bytes, from)) >= 0; ) {
            bytes[i + 7] = 'l';
        }
        Files.write(zip, bytes);
        assertRejected(Kind.BAD_INPUT, "archive has two entries named dump.sql");
    }

    @Test
    void localHeaderNameDifferentFromCentralDirectoryIsRejected() throws Exception {
        // what zip -l and Python read (central directory) says dump.sql; a streaming reader sees x.sql
        Files.write(
                zip,
                handZip(List.of(
                        new HandEntry("dump.sql", "dump.sql", DUMP),
                        new HandEntry("manifest.json", "../../x.sql", "{}".getBytes(StandardCharsets.US_ASCII)))));
        assertRejected(
                Kind.BAD_INPUT, "archive entry manifest.json has another name in its local file header: ../../x.sql");

        // same length, one byte differs; the name is escaped in the message
        Files.write(zip, handZip(List.of(new HandEntry("dump.sql", "dump.\033[", DUMP))));
        assertRejected(Kind.BAD_INPUT, "has another name in its local file header: dump.\\x1b[");

        // a filestore entry's local header is checked when the entry is opened: extraction refuses it
        byte[] content = "attachment".getBytes(StandardCharsets.US_ASCII);
        String sha1 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(content));
        String entry = "filestore/" + sha1.substring(0, 2) + "/" + sha1;
        Files.write(
                zip,
                handZip(List.of(
                        new HandEntry("dump.sql", "dump.sql", DUMP),
                        new HandEntry(entry, "filestore/../../../etc/cron.d/x", content))));
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThatThrownBy(() -> archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE))
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_INPUT))
                    .hasMessageContaining("archive entry " + entry
                            + " has another name in its local file header: filestore/../../../etc");
        }
        // no file was written (its directory may exist: the caller removes the extraction directory)
        assertThat(tree(tmp)).containsExactly("in.zip", "target/", "target/" + sha1.substring(0, 2) + "/");

        // the same zip with matching names opens
        Files.write(zip, handZip(List.of(new HandEntry("dump.sql", "dump.sql", DUMP))));
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThat(archive.dumpSize()).isEqualTo(DUMP.length);
        }
    }

    @Test
    void notAZipIsRejected() throws Exception {
        Files.writeString(zip, "this is not a zip\n");
        assertRejected(Kind.BAD_INPUT, "not a zip archive: " + zip);
        Files.delete(zip);
        assertRejected(Kind.USAGE, "archive not found: " + zip);
    }

    @Test
    void sha1MismatchFailsOrIsReported() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", DUMP);
        String good = "filestore/" + HELLO_SHA1.substring(0, 2) + "/" + HELLO_SHA1;
        entries.put(good, "hello".getBytes(StandardCharsets.US_ASCII));
        String wrong = "ab/ab" + "0".repeat(38);
        entries.put("filestore/" + wrong, "not what the name says".getBytes(StandardCharsets.US_ASCII));
        jdkZip(entries);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            ExtractOptions fail = ExtractOptions.defaults().withThreads(1);
            assertThatThrownBy(() -> archive.extractFilestore(target, fail, Progress.NONE))
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTEGRITY))
                    .hasMessageStartingWith("filestore file " + wrong + " does not match its name: its sha-1 is ");
            assertThat(target.resolve(wrong)).doesNotExist();
            assertThat(tree(target)).noneMatch(p -> p.endsWith(".part"));

            List<String> warnings = Collections.synchronizedList(new ArrayList<>());
            Progress progress = new Progress() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }
            };
            ExtractSummary summary = archive.extractFilestore(
                    target, ExtractOptions.defaults().withSha1Check(ExtractOptions.Sha1Check.WARN), progress);
            assertThat(summary.sha1Mismatches()).containsExactly(wrong);
            assertThat(summary.files()).isEqualTo(2);
            assertThat(warnings).singleElement().asString().contains(wrong);
            assertThat(Files.readString(target.resolve(wrong))).isEqualTo("not what the name says");
        }
    }

    @Test
    void symlinkInTheTargetIsNotFollowed() throws Exception {
        jdkZip(Map.of("dump.sql", DUMP, "filestore/" + HELLO_SHA1.substring(0, 2) + "/" + HELLO_SHA1, DUMP));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.createSymbolicLink(target.resolve(HELLO_SHA1.substring(0, 2)), outside);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThatThrownBy(() -> archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE))
                    .isInstanceOfSatisfying(
                            LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT))
                    .hasMessageContaining("symbolic link or file where a directory is needed");
        }
        assertThat(tree(outside)).isEmpty();
    }

    @Test
    void databaseOnlyArchiveAndIgnoredEntries() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", DUMP);
        entries.put("manifest.json", "{not json".getBytes(StandardCharsets.US_ASCII));
        entries.put("notes/README.txt", DUMP);
        jdkZip(entries);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThat(archive.filestoreEntries()).isEmpty();
            assertThat(archive.manifest()).isEmpty();
            assertThat(archive.warnings())
                    .anyMatch(w -> w.startsWith("ignoring manifest.json: not valid JSON"))
                    .contains("ignoring 1 entries outside dump.sql, manifest.json and filestore/ (Odoo ignores them"
                            + " too): notes/README.txt");
            assertThat(archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE))
                    .isEqualTo(new ExtractSummary(0, 0, 0, List.of()));
            try (InputStream in = archive.openDump()) {
                assertThat(in.readAllBytes()).isEqualTo(DUMP);
            }
        }
        assertThat(tree(tmp)).containsExactly("in.zip", "target/");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void assertRejected(Kind kind, String message) throws IOException {
        ThrowingCallable attempt = () -> {
            try (OdooArchive archive = OdooArchive.open(zip)) {
                archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE);
            }
        };
        assertThatThrownBy(attempt)
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.hint()).isNotBlank();
                })
                .hasMessageContaining(message);
        List<String> expected = Files.exists(zip) ? List.of("in.zip", "target/") : List.of("target/");
        assertThat(tree(tmp)).containsExactlyElementsOf(expected);
    }

    private void jdkZip(Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    private static void put(ZipArchiveOutputStream out, String name, byte[] content, int mode) throws IOException {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setUnixMode(mode);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }

    /** A stored zip entry whose local header may name another file than its central directory record. */
    private record HandEntry(String centralName, String localName, byte[] data) {}

    /** A zip of stored entries, built byte by byte. */
    private static byte[] handZip(List<HandEntry> entries) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        for (HandEntry e : entries) {
            offsets.add(b.position());
            byte[] name = e.localName().getBytes(StandardCharsets.UTF_8);
            b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x800).putShort((short) 0);
            b.putShort((short) 0).putShort((short) 0x21).putInt(crc(e.data()));
            b.putInt(e.data().length).putInt(e.data().length);
            b.putShort((short) name.length).putShort((short) 0).put(name).put(e.data());
        }
        int directory = b.position();
        for (int i = 0; i < entries.size(); i++) {
            HandEntry e = entries.get(i);
            byte[] name = e.centralName().getBytes(StandardCharsets.UTF_8);
            b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0x800);
            b.putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt(crc(e.data()));
            b.putInt(e.data().length).putInt(e.data().length).putShort((short) name.length);
            b.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0);
            b.putInt(0).putInt(offsets.get(i)).put(name);
        }
        int end = b.position();
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
        b.putShort((short) entries.size()).putShort((short) entries.size());
        b.putInt(end - directory).putInt(directory).putShort((short) 0);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static int crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return (int) crc.getValue();
    }

    /** Rewrites the uncompressed size of {@code name} in the central directory. */
    private void patchCentralDirectorySize(String name, int size) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < bytes.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                int nameLength = Short.toUnsignedInt(b.getShort(i + 28));
                if (new String(bytes, i + 46, nameLength, StandardCharsets.UTF_8).equals(name)) {
                    b.putInt(i + 24, size);
                    Files.write(zip, bytes);
                    return;
                }
            }
        }
        throw new IllegalStateException("no central directory record for " + name);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
