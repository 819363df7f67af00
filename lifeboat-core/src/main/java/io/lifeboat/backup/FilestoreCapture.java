package io.lifeboat.backup;

import io.lifeboat.Printable;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.CaptureSink;
import io.lifeboat.ports.SizedInputStream;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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

/**
 * The filestore part of a capture: the files {@code ir_attachment} references in the capture's
 * transaction (or every file of the directory), each streamed to the sink while its SHA-1 is computed
 * and compared with its name. Missing, corrupt and unsafely named files are counted and warned about
 * in the report, with the ids of the attachments that use them.
 */
record FilestoreCapture(BackupEngine.Instance instance, BackupEngine.Options options, Progress progress) {

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
        progress.phase("filestore", report.referencedFiles, "files");
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT store_fname FROM ir_attachment"
                    + " WHERE store_fname IS NOT NULL ORDER BY store_fname")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    var parsed = StoreFname.parse(name);
                    if (parsed.isEmpty()) {
                        report.unsafeNames++;
                        addAffected(report, name);
                        warn(report, "unsafe store_fname not followed: " + printable(name));
                    } else {
                        captureOne(sink, parsed.get().relative(), parsed.get().sha1(), report);
                    }
                    progress.advance(1);
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
        for (Path p : files) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            var parsed = StoreFname.parse(rel);
            captureOne(sink, rel, parsed.map(StoreFname::sha1).orElse(null), report);
            progress.advance(1);
        }
    }

    /** Streams one file to the sink, checking its SHA-1 against {@code expectedSha1} (null: no check). */
    private void captureOne(CaptureSink sink, String relative, String expectedSha1, BackupReport report)
            throws IOException {
        Path file = instance.filestore().resolve(relative);
        long size;
        InputStream raw;
        try {
            BasicFileAttributes attrs =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isOther()) { // a FIFO would block the backup: never opened
                report.missingFiles++;
                addAffected(report, relative);
                warn(
                        report,
                        "referenced file is a special file (FIFO, socket or device), not backed up: "
                                + printable(relative));
                return;
            }
            if (!attrs.isRegularFile()) throw new NoSuchFileException(file.toString());
            size = attrs.size();
            raw = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            report.missingFiles++;
            addAffected(report, relative);
            warn(report, "referenced file missing: " + relative);
            return;
        }
        MessageDigest sha1 = sha1();
        try (InputStream in = new SizedInputStream(
                new DigestInputStream(raw, sha1),
                size,
                seen -> new IOException("file " + relative + " changed size while it was read"))) {
            sink.file(relative, size, in);
        }
        report.files++;
        report.fileBytes += size;
        if (expectedSha1 != null) {
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equals(expectedSha1)) {
                report.corruptFiles++;
                addAffected(report, relative);
                warn(report, "file content does not match its name: " + relative + " (sha1 " + actual + ")");
            }
        }
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
