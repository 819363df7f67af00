package io.lifeboat.check;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a check's result in the Prometheus text exposition format, for node_exporter's textfile
 * collector. The file is replaced atomically (temporary file in the same directory, fsync, rename),
 * so the collector never reads half a file. Write one file per database.
 */
public final class PrometheusMetrics {
    private PrometheusMetrics() {}

    /** The metrics text for {@code report}; {@code finished} becomes the last-success timestamp. */
    public static String format(CheckReport report, Instant finished) {
        String db = "db=\"" + escape(report.database()) + "\"";
        StringBuilder out = new StringBuilder();
        Totals t = report.totals();
        gauge(
                out,
                "lifeboat_filestore_rows",
                "ir_attachment rows.",
                db,
                report.storage().rows());
        gauge(out, "lifeboat_filestore_files", "Files in the filestore.", db, t.files());
        gauge(out, "lifeboat_filestore_bytes", "Bytes in the filestore.", db, t.bytes());
        gauge(
                out,
                "lifeboat_filestore_missing_files",
                "Distinct files referenced by ir_attachment rows but absent from the filestore.",
                db,
                t.missingFiles());
        gauge(
                out,
                "lifeboat_filestore_missing_rows",
                "ir_attachment rows whose file is absent (downloads fail).",
                db,
                report.count(FindingKind.MISSING_FILE));
        gauge(
                out,
                "lifeboat_filestore_orphan_files",
                "Files no ir_attachment row references (marked for garbage collection or not).",
                db,
                t.orphanFiles());
        gauge(out, "lifeboat_filestore_orphan_bytes", "Bytes of orphan files.", db, t.orphanBytes());
        out.append("# HELP lifeboat_filestore_findings Findings of the last check by kind.\n");
        out.append("# TYPE lifeboat_filestore_findings gauge\n");
        for (FindingKind k : FindingKind.values()) {
            out.append("lifeboat_filestore_findings{")
                    .append(db)
                    .append(",kind=\"")
                    .append(k.name().toLowerCase(Locale.ROOT))
                    .append("\",problem=\"")
                    .append(k.problem())
                    .append("\"} ")
                    .append(report.count(k))
                    .append('\n');
        }
        gauge(out, "lifeboat_check_problems", "Findings of the last check that are problems.", db, report.problems());
        String mode = db + ",mode=\"" + (report.deep() ? "deep" : "fast") + "\"";
        out.append("# HELP lifeboat_check_duration_seconds Duration of the last check.\n");
        out.append("# TYPE lifeboat_check_duration_seconds gauge\n");
        out.append("lifeboat_check_duration_seconds{")
                .append(mode)
                .append("} ")
                .append(report.seconds())
                .append('\n');
        gauge(
                out,
                "lifeboat_check_last_success_timestamp_seconds",
                "When the last check completed (whatever it found), in Unix seconds.",
                db,
                finished.getEpochSecond());
        return out.toString();
    }

    /** Atomically replaces {@code file} with the metrics of {@code report}. */
    public static void write(Path file, CheckReport report, Instant finished) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(StandardCharsets.UTF_8.encode(format(report, finished)));
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
