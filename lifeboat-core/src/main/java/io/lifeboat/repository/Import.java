package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.progress.Progress;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stores an existing backup — an Odoo zip (from Odoo, Odoo.sh, click-odoo or Lifeboat), a pg_dump
 * custom-format file or a plain SQL dump — as a repository snapshot of kind {@link
 * SnapshotKind#IMPORT}, deduplicated against everything already stored. The dump is kept in its
 * format (a plain dump stays plain, so exporting it again gives back the same {@code dump.sql}).
 *
 * <p>A filestore file whose content does not hash to its name is left out and reported as a warning;
 * everything else is stored exactly. Like a backup, the snapshot appears only when complete.
 */
public final class Import {

    /**
     * How to label the snapshot.
     *
     * @param instance instance name for the record
     * @param database database name; null: the manifest's {@code db_name}, else the file name
     * @param tags tags for the record
     * @param time snapshot time; null: the archive file's modification time (when the backup was
     *     made, usually), so retention treats imported history as it happened
     */
    public record Options(String instance, String database, List<String> tags, Instant time) {
        public Options {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /**
     * What was imported.
     *
     * @param snapshotId the new snapshot's id
     * @param dumpFormat the dump's format as stored
     * @param skippedFiles files left out because their content does not match their name
     */
    public record Result(
            String snapshotId,
            String database,
            Instant time,
            DumpFormat dumpFormat,
            long dumpBytes,
            long files,
            long fileBytes,
            int skippedFiles,
            List<String> warnings,
            WriteStats stats) {}

    private Import() {}

    /** Imports {@code archive} into {@code repo} (a writer key suffices). */
    public static Result run(Repository repo, Path archive, Options options, Progress progress) throws IOException {
        try (RestoreSource source = DumpRestoreSource.open(archive)) {
            DumpFormat format = source.dumpFormat().orElseThrow();
            if (format == DumpFormat.DIRECTORY) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "cannot import a directory-format dump: " + archive,
                        "Import an Odoo zip, a custom-format dump (pg_dump -Fc) or a plain SQL file.");
            }
            JsonNode manifest = source.manifest().orElse(null);
            String database = options.database() != null
                    ? options.database()
                    : manifest != null && manifest.hasNonNull("db_name")
                            ? manifest.path("db_name").asText()
                            : stem(archive);
            Instant time = options.time() != null
                    ? options.time()
                    : Files.getLastModifiedTime(archive).toInstant();
            List<String> warnings = new ArrayList<>();
            if (source instanceof ZipRestoreSource z) warnings.addAll(z.warnings());
            SnapshotMeta meta = new SnapshotMeta(
                    options.instance(), database, SnapshotKind.IMPORT, options.tags(), null, time, null, null);
            try (SnapshotWriter writer = repo.newSnapshot(meta, progress)) {
                progress.phase("import database", -1, "bytes");
                long dumpBytes;
                try (CountingSha in = new CountingSha(source.openDump(), null, null)) {
                    writer.dump(format, in);
                    dumpBytes = in.count;
                }
                List<RestoreSource.FileRef> files = source.files();
                progress.phase("import filestore", files.size(), "files");
                long fileBytes = 0;
                long stored = 0;
                int skipped = 0;
                for (RestoreSource.FileRef f : files) {
                    try (CountingSha in = new CountingSha(source.open(f), f.sha1(), f.relative())) {
                        writer.file(f.relative(), f.size(), in);
                        fileBytes += f.size();
                        stored++;
                    } catch (ContentMismatch e) {
                        skipped++;
                        warnings.add(e.getMessage());
                        progress.warn(e.getMessage());
                    }
                    progress.advance(1);
                }
                ObjectNode report = Json.MAPPER.createObjectNode();
                report.put("source", archive.getFileName().toString())
                        .put("format", format.name().toLowerCase(Locale.ROOT))
                        .put("dumpBytes", dumpBytes)
                        .put("files", stored)
                        .put("fileBytes", fileBytes);
                var w = report.putArray("warnings");
                warnings.forEach(w::add);
                String id = writer.commit(manifest, report);
                return new Result(
                        id,
                        database,
                        time,
                        format,
                        dumpBytes,
                        stored,
                        fileBytes,
                        skipped,
                        List.copyOf(warnings),
                        writer.stats());
            }
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** A file whose content does not hash to its name. */
    private static final class ContentMismatch extends IOException {
        ContentMismatch(String message) {
            super(message);
        }
    }

    /** Counts bytes and, when {@code sha1} is given, fails at the end if the content does not match it. */
    private static final class CountingSha extends FilterInputStream {
        private final MessageDigest md;
        private final String sha1;
        private final String name;
        private boolean checked;
        long count;

        CountingSha(InputStream in, String sha1, String name) {
            super(in);
            this.sha1 = sha1;
            this.name = name;
            this.md = sha1 == null ? null : Crypto.sha1();
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int r = read(b, 0, 1);
            return r < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
                if (md != null) md.update(b, off, r);
            } else if (r < 0 && md != null && !checked) {
                checked = true;
                if (!Crypto.hex(md.digest()).equals(sha1))
                    throw new ContentMismatch("filestore file " + name + " does not match its name (sha1); left out");
            }
            return r;
        }
    }
}
