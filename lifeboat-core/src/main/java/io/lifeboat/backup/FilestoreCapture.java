package io.lifeboat.backup;

import io.lifeboat.Printable;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.SizedInputStream;
import io.lifeboat.progress.Progress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * The filestore part of a capture: the files {@code ir_attachment} references in the capture's
 * transaction (or every file of the directory), each streamed to the sink while its SHA-1 is computed
 * and compared with its name. Missing, corrupt and unsafely named files are counted and warned about
 * in the report, with the ids of the attachments that use them.
 */
record FilestoreCapture(BackupEngine.Instance instance, BackupEngine.Options options, Progress progress) {
    /** Read-ahead threads for a bucket filestore: requests wait on the network, not on the disk. */
    static final int OBJECT_THREADS = 8;

    /** Captures the filestore as the options say, reading the references on {@code conn}. */
    void run(Connection conn, CaptureSink sink, BackupReport report) throws SQLException, IOException {
        switch (options.filestoreMode()) {
            case NONE -> {}
            case REFERENCED -> captureReferenced(conn, sink, report);
            case ALL -> captureAll(sink, report);
        }
        if (!report.affectedFiles.isEmpty()) collectAffectedIds(conn, report);
    }

    private void captureReferenced(Connection conn, CaptureSink sink, BackupReport report)
            throws SQLException, IOException {
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*), count(DISTINCT store_fname) FROM ir_attachment WHERE store_fname IS NOT NULL")) {
                rs.next();
                report.attachmentRows = rs.getLong(1);
                report.referencedFiles = rs.getLong(2);
            }
        }
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM ir_attachment WHERE type = 'cloud_storage'")) {
            rs.next();
            long cloud = rs.getLong(1);
            if (cloud > 0) {
                warn(
                        report,
                        cloud + " attachments are Odoo cloud storage blobs (type cloud_storage): their content is"
                                + " not in this backup (nor in Odoo's own)");
            }
        }
        progress.phase("filestore", report.referencedFiles, "files");
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT store_fname FROM ir_attachment"
                    + " WHERE store_fname IS NOT NULL ORDER BY store_fname")) {
                Filestore bucket = instance.bucket();
                AttachmentLayout layout = instance.layout();
                try (FileReadAhead ahead = bucket == null ? new FileReadAhead() : new FileReadAhead(OBJECT_THREADS)) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        if (bucket != null && layout.kind() == AttachmentLayout.Kind.ATTACHMENT_S3) {
                            var sha1 = layout.sha1Of(name);
                            if (sha1.isPresent()) {
                                String rel = sha1.get().substring(0, 2) + "/" + sha1.get();
                                ahead.submit(rel, sha1.get(), bucket, null);
                                if (ahead.full()) captureNext(ahead, sink, report);
                                continue;
                            }
                        }
                        var parsed = StoreFname.parse(name);
                        if (parsed.isEmpty()) {
                            report.unsafeNames++;
                            addAffected(report, name);
                            warn(report, "unsafe store_fname not followed: " + printable(name));
                            progress.advance(1);
                            continue;
                        }
                        String rel = parsed.get().relative();
                        Path local = instance.filestore().resolve(rel);
                        if (bucket != null && layout.kind() == AttachmentLayout.Kind.PLAIN) {
                            ahead.submit(rel, parsed.get().sha1(), bucket, local);
                        } else {
                            ahead.submit(rel, parsed.get().sha1(), local);
                        }
                        if (ahead.full()) captureNext(ahead, sink, report);
                    }
                    while (!ahead.isEmpty()) captureNext(ahead, sink, report);
                }
            }
        }
    }

    private void captureAll(CaptureSink sink, BackupReport report) throws IOException {
        Path root = instance.filestore();
        if (!Files.isDirectory(root)) {
            warn(report, "filestore directory " + root + " does not exist");
            return;
        }
        List<Path> files;
        List<Path> special;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = walk.filter(
                            p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p))
                    .sorted()
                    .toList();
            files = all.stream()
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
            special = all.stream()
                    .filter(p -> !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
        for (Path p : special) {
            warn(
                    report,
                    "special file (FIFO, socket or device) in the filestore, not backed up: "
                            + printable(root.relativize(p).toString()));
        }
        progress.phase("filestore", files.size(), "files");
        try (FileReadAhead ahead = new FileReadAhead()) {
            for (Path p : files) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                var parsed = StoreFname.parse(rel);
                ahead.submit(rel, parsed.map(StoreFname::sha1).orElse(null), p);
                if (ahead.full()) captureNext(ahead, sink, report);
            }
            while (!ahead.isEmpty()) captureNext(ahead, sink, report);
        }
    }

    /**
     * Writes the oldest file read ahead to the sink, checking its SHA-1 against the one its name
     * promises (none for a name that is not a SHA-1).
     */
    private void captureNext(FileReadAhead ahead, CaptureSink sink, BackupReport report) throws IOException {
        FileReadAhead.Pending p = ahead.next();
        String relative = p.relative();
        switch (FileReadAhead.await(p)) {
            case FileReadAhead.Missing m -> {
                report.missingFiles++;
                addAffected(report, relative);
                warn(report, "referenced file missing: " + relative);
            }
            case FileReadAhead.Special sp -> { // a FIFO would block the backup: never opened
                report.missingFiles++;
                addAffected(report, relative);
                warn(
                        report,
                        "referenced file is a special file (FIFO, socket or device), not backed up: "
                                + printable(relative));
            }
            case FileReadAhead.Deferred d -> {
                String sha1 = streamObject(sink, relative, p.store(), d.size());
                report.files++;
                report.fileBytes += d.size();
                if (p.expectedSha1() != null && !sha1.equals(p.expectedSha1())) {
                    report.corruptFiles++;
                    addAffected(report, relative);
                    warn(report, "object content does not match its name: " + relative + " (sha1 " + sha1 + ")");
                }
            }
            case FileReadAhead.Hashed h -> {
                if (h.content() != null) {
                    sink.file(relative, h.size(), new ByteArrayInputStream(h.content()));
                } else {
                    streamAgain(sink, relative, p.path(), h);
                }
                report.files++;
                report.fileBytes += h.size();
                if (p.expectedSha1() != null && !h.sha1().equals(p.expectedSha1())) {
                    report.corruptFiles++;
                    addAffected(report, relative);
                    warn(report, "file content does not match its name: " + relative + " (sha1 " + h.sha1() + ")");
                }
            }
        }
        progress.advance(1);
    }

    /** Streams a file read ahead once more, failing unless the bytes are those that were hashed. */
    static void streamAgain(CaptureSink sink, String relative, Path file, FileReadAhead.Hashed h) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new SizedInputStream(
                new CheckedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), crc),
                h.size(),
                seen -> new IOException("file " + relative + " changed size while it was read"))) {
            sink.file(relative, h.size(), in);
        }
        if (crc.getValue() != h.crc()) {
            throw new IOException("file " + relative + " changed while it was read");
        }
    }

    /** Streams an object of a bucket filestore once into the sink; returns the SHA-1 of what was written. */
    private static String streamObject(CaptureSink sink, String relative, Filestore store, long size)
            throws IOException {
        MessageDigest md = sha1();
        try (InputStream in = new SizedInputStream(
                new DigestInputStream(store.open(relative), md),
                size,
                seen -> new IOException("object " + relative + " changed size while it was read"))) {
            sink.file(relative, size, in);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Looks up the attachment ids that reference the affected store names, within the same snapshot. */
    private static void collectAffectedIds(Connection conn, BackupReport report) throws SQLException {
        Array names = conn.createArrayOf("text", report.affectedFiles.toArray());
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT id FROM ir_attachment WHERE store_fname = ANY(?) ORDER BY id LIMIT " + BackupReport.MAX_IDS)) {
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) report.affectedAttachmentIds.add(rs.getLong(1));
            }
        }
    }

    private static void addAffected(BackupReport report, String name) {
        if (report.affectedFiles.size() < BackupReport.MAX_IDS) report.affectedFiles.add(name);
    }

    private void warn(BackupReport report, String message) {
        if (report.warnings.size() < BackupReport.MAX_IDS) report.warnings.add(message);
        progress.warn(message);
    }

    private static String printable(String s) {
        return Printable.of(s.length() > 120 ? s.substring(0, 120) : s);
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
