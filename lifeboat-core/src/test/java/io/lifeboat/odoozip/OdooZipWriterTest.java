package io.lifeboat.odoozip;

import static io.lifeboat.odoozip.ArchiveTestSupport.assertPythonZipfileTestPasses;
import static io.lifeboat.odoozip.ArchiveTestSupport.assertUnzipTestPasses;
import static io.lifeboat.odoozip.ArchiveTestSupport.pngLike;
import static io.lifeboat.odoozip.ArchiveTestSupport.randomBytes;
import static io.lifeboat.odoozip.ArchiveTestSupport.runOk;
import static io.lifeboat.odoozip.ArchiveTestSupport.sha1;
import static io.lifeboat.odoozip.ArchiveTestSupport.sqlText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.progress.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OdooZipWriterTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path tmp;

    /** Entry name to content, in the order written. */
    private static Map<String, byte[]> odooLikeContent() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", sqlText(6 << 20, 1));
        entries.put(
                "manifest.json",
                "{\n    \"odoo_dump\": \"1\",\n    \"db_name\": \"fx17\",\n    \"version\": \"17.0\"\n}"
                        .getBytes(StandardCharsets.UTF_8));
        List<byte[]> files = List.of(
                pngLike(200_000, 2), // stored
                pngLike(3 << 20, 3), // stored, streamed over several blocks
                sqlText(5_000, 4), // deflated, small
                sqlText(2 << 20, 5), // deflated, streamed
                randomBytes(100_000, 6), // no magic, incompressible: stored after the trial
                new byte[0]); // empty attachment content
        for (byte[] f : files) {
            String sha = sha1(f);
            entries.put("filestore/" + sha.substring(0, 2) + "/" + sha, f);
        }
        for (byte[] f : files.subList(0, 2)) {
            String sha = sha1(f);
            entries.put("filestore/checklist/" + sha.substring(0, 2) + "/" + sha, new byte[0]);
        }
        return entries;
    }

    private Path write(Map<String, byte[]> entries, ZipOptions options) throws IOException {
        Path zip = tmp.resolve("backup-" + System.nanoTime() + ".zip");
        try (OutputStream file = Files.newOutputStream(zip);
                OdooZipWriter w = new OdooZipWriter(new NonSeekable(file), options)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                w.addEntry(e.getKey(), new ByteArrayInputStream(e.getValue()), EntryHint.AUTO);
            }
            w.finish();
            assertThat(w.bytesWritten()).isEqualTo(Files.size(zip));
        }
        return zip;
    }

    @Test
    void odooLayoutIsReadByJdkPythonUnzipAndOdoosRestoreCode() throws Exception {
        Map<String, byte[]> entries = odooLikeContent();
        Path zip = write(entries, ZipOptions.defaults().withThreads(2).withBlockSize(256 << 10));

        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.stream().map(ZipEntry::getName)).containsExactlyElementsOf(entries.keySet());
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = z.getEntry(e.getKey());
                try (InputStream in = z.getInputStream(ze)) {
                    assertThat(in.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
            List<String> names = new ArrayList<>(entries.keySet());
            assertThat(z.getEntry("dump.sql").getMethod()).isEqualTo(ZipEntry.DEFLATED);
            assertThat(z.getEntry("dump.sql").getCompressedSize()).isLessThan((6 << 20) / 3);
            assertThat(z.getEntry(names.get(2)).getMethod()).as("png").isEqualTo(ZipEntry.STORED);
            assertThat(z.getEntry(names.get(3)).getMethod()).as("big png").isEqualTo(ZipEntry.STORED);
            assertThat(z.getEntry(names.get(4)).getMethod()).as("small text").isEqualTo(ZipEntry.DEFLATED);
            assertThat(z.getEntry(names.get(5)).getMethod()).as("big text").isEqualTo(ZipEntry.DEFLATED);
            assertThat(z.getEntry(names.get(6)).getMethod()).as("random").isEqualTo(ZipEntry.STORED);
        }
        assertPythonZipfileTestPasses(zip);
        assertUnzipTestPasses(zip);

        Path script = tmp.resolve("odoo_restore.py");
        Files.writeString(script, ArchiveTestSupport.ODOO_RESTORE_PY);
        Path extracted = tmp.resolve("extracted");
        String out = runOk("python3", script.toString(), zip.toString(), extracted.toString())
                .output();
        JsonNode result = new ObjectMapper().readTree(out);
        assertThat(result.get("bad").isNull()).as(out).isTrue();
        Map<String, String> expected = new LinkedHashMap<>();
        entries.forEach((name, content) -> {
            if (!name.equals("manifest.json")) {
                expected.put(name, sha1(content));
            }
        });
        Map<String, String> actual = new LinkedHashMap<>();
        result.get("files")
                .properties()
                .forEach(e -> actual.put(e.getKey(), e.getValue().asText()));
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);

        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThat(archive.warnings()).isEmpty();
            assertThat(archive.manifest().orElseThrow().get("db_name").asText()).isEqualTo("fx17");
            assertThat(archive.filestoreEntries()).hasSize(8);
            Path target = Files.createDirectory(tmp.resolve("target"));
            ExtractSummary summary = archive.extractFilestore(target, ExtractOptions.defaults(), Progress.NONE);
            assertThat(summary.files()).isEqualTo(6);
            assertThat(summary.checklistMarkers()).isEqualTo(2);
            assertThat(summary.sha1Mismatches()).isEmpty();
        }
    }

    @Test
    void moreThan65535EntriesUseZip64EndRecords() throws Exception {
        Path zip = tmp.resolve("many.zip");
        int count = 70_000;
        try (OdooZipWriter w = new OdooZipWriter(
                Files.newOutputStream(zip), ZipOptions.defaults().withCloseOutput(true))) {
            w.addEntry("dump.sql", new ByteArrayInputStream(sqlText(100_000, 7)), EntryHint.COMPRESS);
            for (int i = 1; i < count; i++) {
                byte[] content = ("attachment " + i).getBytes(StandardCharsets.US_ASCII);
                String sha = sha1(content);
                w.addEntry(
                        "filestore/" + sha.substring(0, 2) + "/" + sha,
                        new ByteArrayInputStream(content),
                        EntryHint.AUTO);
            }
            w.finish();
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.size()).isEqualTo(count);
        }
        String out = runOk(
                        "python3",
                        "-c",
                        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.testzip())",
                        zip.toString())
                .output();
        assertThat(out.strip()).isEqualTo(count + " None");
        assertUnzipTestPasses(zip);
        try (OdooArchive archive = OdooArchive.open(zip)) {
            assertThat(archive.filestoreEntries()).hasSize(count - 1);
        }
    }

    @Test
    void forcedZip64RecordsAreReadByEveryReader() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("dump.sql", sqlText(5 * BLOCK + 123, 8)); // streamed, deflated
        entries.put("manifest.json", "{}".getBytes(StandardCharsets.US_ASCII)); // small, stored
        byte[] small = sqlText(1000, 9);
        entries.put("filestore/" + sha1(small).substring(0, 2) + "/" + sha1(small), small); // small, deflated
        Path zip = write(entries, ZipOptions.defaults().withBlockSize(BLOCK).withForceZip64(true));

        byte[] bytes = Files.readAllBytes(zip);
        assertThat(indexOf(bytes, new byte[] {'P', 'K', 6, 6}))
                .as("zip64 end record")
                .isPositive();
        assertThat(indexOf(bytes, new byte[] {'P', 'K', 6, 7}))
                .as("zip64 end locator")
                .isPositive();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                try (InputStream in = z.getInputStream(z.getEntry(e.getKey()))) {
                    assertThat(in.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
        // a streaming reader relies on local headers and data descriptors only
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            int n = 0;
            for (ZipEntry e; (e = in.getNextEntry()) != null; n++) {
                assertThat(in.readAllBytes()).as(e.getName()).isEqualTo(entries.get(e.getName()));
            }
            assertThat(n).isEqualTo(entries.size());
        }
        assertPythonZipfileTestPasses(zip);
        assertUnzipTestPasses(zip);
        try (OdooArchive archive = OdooArchive.open(zip);
                InputStream dump = archive.openDump()) {
            assertThat(dump.readAllBytes()).isEqualTo(entries.get("dump.sql"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 9 * BLOCK + 17})
    void parallelDeflateInflatesToTheInput(int size) throws Exception {
        byte[] text = sqlText(size, size);
        byte[] mixed = randomBytes(size, size); // incompressible blocks between text ones
        for (int i = 0; i + 100 < size; i += 3 * BLOCK / 2) {
            System.arraycopy(text, i, mixed, i, Math.min(BLOCK / 2, size - i));
        }
        for (int threads : new int[] {1, 2}) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("dump.sql", text);
            entries.put("mixed.bin", mixed);
            Path zip = tmp.resolve("p" + threads + ".zip");
            try (OdooZipWriter w = new OdooZipWriter(
                    Files.newOutputStream(zip),
                    ZipOptions.defaults()
                            .withThreads(threads)
                            .withBlockSize(BLOCK)
                            .withLevel(1)
                            .withCloseOutput(true))) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    w.addEntry(e.getKey(), new ByteArrayInputStream(e.getValue()), EntryHint.COMPRESS);
                }
                w.finish();
            }
            try (ZipFile z = new ZipFile(zip.toFile())) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry ze = z.getEntry(e.getKey());
                    assertThat(ze.getMethod()).isEqualTo(ZipEntry.DEFLATED);
                    assertThat(ze.getSize()).isEqualTo(size);
                    try (InputStream in = z.getInputStream(ze)) {
                        assertThat(in.readAllBytes())
                                .as("%s, %d threads", e.getKey(), threads)
                                .isEqualTo(e.getValue());
                    }
                }
            }
            assertPythonZipfileTestPasses(zip);
        }
    }

    @Test
    void producerStreamWithOddWritesAndAStoreHint() throws Exception {
        byte[] dump = sqlText(3 * BLOCK + 5, 10);
        byte[] text = sqlText(2 * BLOCK, 11);
        Path zip = tmp.resolve("producer.zip");
        try (OutputStream file = Files.newOutputStream(zip)) {
            OdooZipWriter w = new OdooZipWriter(file, ZipOptions.defaults().withBlockSize(BLOCK));
            try (OutputStream entry = w.openEntry("dump.sql", EntryHint.COMPRESS)) {
                int i = 0;
                for (int step = 1; i < dump.length; step = step * 3 % 70_001 + 1) {
                    if (step % 2 == 0) {
                        entry.write(dump[i++]);
                    } else {
                        int n = Math.min(step, dump.length - i);
                        entry.write(dump, i, n);
                        i += n;
                    }
                }
            }
            try (OutputStream entry = w.openEntry("notes.txt", EntryHint.STORE)) {
                entry.write(text);
            }
            w.finish();
            file.write('!'); // finish() left the stream open
        }
        byte[] all = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(all, all.length - 1));
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.getInputStream(z.getEntry("dump.sql")).readAllBytes()).isEqualTo(dump);
            assertThat(z.getEntry("notes.txt").getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(z.getInputStream(z.getEntry("notes.txt")).readAllBytes()).isEqualTo(text);
        }
        assertPythonZipfileTestPasses(zip);
    }

    @Test
    void unsafeDirectoryAndDuplicateNamesAreRefused() throws IOException {
        try (OdooZipWriter w = new OdooZipWriter(new ByteArrayOutputStream(), ZipOptions.defaults())) {
            for (String bad : List.of("../x", "/etc/passwd", "a\\b", "C:/x", "a//b", "a/./b", "nul\0", "")) {
                assertThatThrownBy(() -> w.openEntry(bad, EntryHint.AUTO))
                        .as(bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("unsafe zip entry name");
            }
            assertThatThrownBy(() -> w.openEntry("filestore/", EntryHint.AUTO))
                    .hasMessageContaining("directory entries are not written");
            w.addEntry("dump.sql", new ByteArrayInputStream(new byte[1]), EntryHint.AUTO);
            assertThatThrownBy(() -> w.openEntry("dump.sql", EntryHint.AUTO))
                    .hasMessageContaining("duplicate zip entry name: dump.sql");
            OutputStream open = w.openEntry("manifest.json", EntryHint.AUTO);
            assertThatThrownBy(() -> w.openEntry("other", EntryHint.AUTO)).hasMessageContaining("still open");
            assertThatThrownBy(w::finish).hasMessageContaining("entry manifest.json is still open");
            open.close();
            w.finish();
            assertThatThrownBy(w::finish).hasMessageContaining("already finished");
        }
    }

    @Test
    void aFailedSourceLeavesAnArchiveNoReaderAccepts() throws Exception {
        Path zip = tmp.resolve("failed.zip");
        AtomicBoolean closed = new AtomicBoolean();
        OutputStream file = new FilterOutputStream(Files.newOutputStream(zip)) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        InputStream failing = new InputStream() {
            int left = 3 * BLOCK;

            @Override
            public int read() throws IOException {
                if (left-- == 0) {
                    throw new IOException("pg_dump died");
                }
                return 'x';
            }
        };
        try (OdooZipWriter w = new OdooZipWriter(
                file, ZipOptions.defaults().withBlockSize(BLOCK).withCloseOutput(true))) {
            w.addEntry("filestore/aa/photo", new ByteArrayInputStream(pngLike(300_000, 12)), EntryHint.AUTO);
            assertThatThrownBy(() -> w.addEntry("dump.sql", failing, EntryHint.COMPRESS))
                    .hasMessage("pg_dump died");
            assertThatThrownBy(w::finish).hasMessageContaining("failed earlier");
        }
        assertThat(closed).isTrue();
        assertThatThrownBy(() -> new ZipFile(zip.toFile()).close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> OdooArchive.open(zip))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("zip archive is truncated or corrupt");
    }

    @Test
    void memoryStaysBoundedForEntriesMuchLargerThanTheHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String out = runOk(java, "-Xmx40m", "-cp", classpath, ZipWriterBenchmark.class.getName(), "memory", "128")
                .output();
        assertThat(out).contains("memory check passed");
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

    /** An output stream that is nothing but a stream, like a pipe or stdout. */
    private static final class NonSeekable extends FilterOutputStream {
        NonSeekable(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }
}
