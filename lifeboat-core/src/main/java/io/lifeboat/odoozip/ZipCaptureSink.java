package io.lifeboat.odoozip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoo.OdooManifest;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.SizedInputStream;
import io.lifeboat.runs.PartialFile;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes a capture as an Odoo-standard zip: {@code dump.sql}, {@code filestore/xx/<sha1>}, then
 * {@code manifest.json}. To a file, the zip is written under a temporary name in the same directory,
 * synced, re-read and verified (structure and every entry's CRC), and only then renamed to its
 * final name; a failed backup leaves no file behind. To a stream (stdout), it is written as it goes.
 */
public final class ZipCaptureSink implements CaptureSink {

    @Override
    public String container() {
        return "zip";
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path target;
    private final PartialFile partial;
    private final Path temp;
    private final OutputStream out;
    private final SyncingOutput file;
    private final OdooZipWriter zip;
    private final boolean verify;
    private boolean done;

    private ZipCaptureSink(
            Path target,
            PartialFile partial,
            SyncingOutput file,
            OutputStream out,
            ZipOptions options,
            boolean verify) {
        this.target = target;
        this.partial = partial;
        this.temp = partial == null ? null : partial.path();
        this.file = file;
        this.out = out;
        this.zip = new OdooZipWriter(out, options);
        this.verify = verify;
    }

    /** A sink writing to {@code file}, which must not exist yet. */
    public static ZipCaptureSink toFile(Path file, ZipOptions options, boolean verify) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.exists(abs)) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "output file already exists: " + file,
                    "Choose another name or remove the file first.");
        }
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        PartialFile partial = PartialFile.create(abs);
        SyncingOutput syncing;
        OutputStream raw = null;
        try {
            raw = Files.newOutputStream(partial.path());
            syncing = new SyncingOutput(raw, partial.path());
        } catch (IOException | RuntimeException e) {
            if (raw != null) raw.close();
            partial.close();
            throw e;
        }
        OutputStream out = new BufferedOutputStream(syncing, 1 << 20);
        return new ZipCaptureSink(abs, partial, syncing, out, options, verify);
    }

    /** A sink writing to {@code stream} (not closed), e.g. standard output. */
    public static ZipCaptureSink toStream(OutputStream stream, ZipOptions options) {
        return new ZipCaptureSink(null, null, null, stream, options, false);
    }

    @Override
    public void dump(DumpFormat format, InputStream dump) throws IOException {
        if (format != DumpFormat.PLAIN) throw new IllegalArgumentException("an Odoo zip holds a plain dump");
        zip.addEntry("dump.sql", dump, EntryHint.COMPRESS);
    }

    /** Fails, as every sink must, when {@code content} does not hold exactly {@code size} bytes. */
    @Override
    public void file(String relative, long size, InputStream content) throws IOException {
        InputStream sized = new SizedInputStream(
                content,
                size,
                seen -> new IOException(
                        seen > size
                                ? "file " + relative + " is longer than its size " + size
                                : "file " + relative + " ended after " + seen + " of " + size + " bytes"));
        zip.addEntry("filestore/" + relative, sized, EntryHint.AUTO);
    }

    @Override
    public String commit(JsonNode manifest, JsonNode report) throws IOException {
        byte[] json = OdooManifest.read(new ByteArrayInputStream(MAPPER.writeValueAsBytes(manifest)))
                .toJson()
                .getBytes(StandardCharsets.US_ASCII);
        zip.addEntry("manifest.json", new ByteArrayInputStream(json), EntryHint.COMPRESS);
        zip.finish();
        out.flush();
        if (target == null) {
            done = true;
            return "-";
        }
        file.sync();
        out.close();
        if (verify) verify(temp, file.length(), file.crc32c(), zip.entryCount());
        partial.commit(target);
        partial.close();
        syncDirectory(target.getParent());
        done = true;
        return target.toString();
    }

    /**
     * Checks the finished file against what was written, without inflating it again: the file holds
     * exactly the bytes written (length and CRC-32C, read back after the sync), and it opens as an Odoo
     * backup (central directory, names, layout, the local headers of dump.sql and manifest.json) with
     * every entry written. Each entry's CRC-32 was computed over the content as it was read, and its
     * data are what zlib produced for it; re-inflating would test zlib again, at the cost of a second
     * pass over the whole archive (see docs/backup.md).
     */
    static void verify(Path zipFile, long length, long crc32c, long entries) throws IOException {
        CRC32C crc = new CRC32C();
        long read = 0;
        try (FileChannel ch = FileChannel.open(zipFile, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                read += buf.remaining();
                crc.update(buf);
                buf.clear();
            }
        }
        if (read != length || crc.getValue() != crc32c) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "the written backup failed verification: the file does not hold what was written (" + read + " of "
                            + length + " bytes read back)",
                    "Nothing was kept. Check the disk and retry.");
        }
        try (OdooArchive archive = OdooArchive.open(zipFile)) {
            long found =
                    1L + archive.filestoreEntries().size() + (archive.manifest().isPresent() ? 1 : 0);
            if (found != entries) {
                throw new LifeboatException(
                        Kind.INTEGRITY,
                        "the written backup failed verification: " + found + " entries found, " + entries + " written",
                        "Nothing was kept. Check the disk and retry.");
            }
        } catch (LifeboatException e) {
            if (e.kind() == Kind.INTEGRITY) throw e;
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "the written backup failed verification: " + e.getMessage(),
                    "Nothing was kept. Check the disk and retry.",
                    e);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename itself is atomic
        }
    }

    @Override
    public void abort() {
        if (done) return;
        done = true;
        try {
            zip.close();
        } catch (IOException | RuntimeException ignored) {
            // discarding anyway
        }
        if (temp != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // discarding anyway
            }
            partial.close();
        }
    }
}
