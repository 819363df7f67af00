package io.lifeboat.odoozip;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a restore was handed, recognised by content rather than by file name. */
public enum ArchiveType {
    /** A zip, presumably Odoo's {@code dump.sql} + {@code filestore/} (validate with {@link OdooArchive#open}). */
    ODOO_ZIP,
    /** A {@code pg_dump --format=custom} file (magic {@code PGDMP}), for {@code pg_restore}. */
    PG_DUMP_CUSTOM,
    /** A {@code pg_dump --format=directory} directory (holds {@code toc.dat}), for {@code pg_restore}. */
    PG_DUMP_DIRECTORY,
    /** A text file, taken to be a plain SQL dump for {@code psql}. */
    PLAIN_SQL;

    private static final String FORMATS_HINT =
            "Pass an Odoo backup zip, a pg_dump custom-format file or directory, or a plain SQL dump.";
    private static final int SNIFF_BYTES = 64 * 1024;

    /**
     * Recognises {@code path}: a directory holding {@code toc.dat}, or a file starting with the zip
     * or {@code PGDMP} magic, or a text file (no NUL byte, almost no control characters).
     *
     * @throws LifeboatException USAGE if nothing exists at {@code path}; BAD_INPUT otherwise when the
     *     format is none of these (naming gzip, zstd, bzip2, xz and tar when recognised)
     */
    public static ArchiveType detect(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new LifeboatException(
                    Kind.USAGE, "no such file or directory: " + path, "Check the path of the backup to restore.");
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("toc.dat"))) {
                return PG_DUMP_DIRECTORY;
            }
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "directory is not a pg_dump directory-format dump (it has no toc.dat): " + path,
                    FORMATS_HINT);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        if (head.length == 0) {
            throw new LifeboatException(Kind.BAD_INPUT, "backup file is empty: " + path, FORMATS_HINT);
        }
        if (startsWith(head, 0, "PK\u0003\u0004") || startsWith(head, 0, "PK\u0005\u0006")) {
            return ODOO_ZIP;
        }
        if (startsWith(head, 0, "PGDMP")) {
            return PG_DUMP_CUSTOM;
        }
        String compressed = compression(head);
        if (compressed != null) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "backup file is " + compressed + "-compressed: " + path,
                    "Decompress it first, then restore the decompressed file.");
        }
        if (head.length > 262 && startsWith(head, 257, "ustar")) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "backup file is a tar archive (pg_dump --format=tar is not supported): " + path,
                    "Convert it with pg_restore --format=t --file=dump.sql, or dump again with --format=custom.");
        }
        if (looksLikeText(head)) {
            if (looksLikeSql(head)) return PLAIN_SQL;
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "not a backup: " + path + " is a text file but not an SQL dump (it starts with \"" + firstLine(head)
                            + "\")",
                    "Pass an Odoo backup zip, a pg_dump custom-format file or directory, or a plain SQL dump"
                            + " written by pg_dump (its first line is '--').");
        }
        throw new LifeboatException(Kind.BAD_INPUT, "unrecognised backup format: " + path, FORMATS_HINT);
    }

    private static final java.util.regex.Pattern SQL_START = java.util.regex.Pattern.compile(
            "(?is)(--|/\\*|\\\\connect\\b|(set|create|alter|begin|start|select|insert|copy|drop|comment"
                    + "|grant|revoke|do|update|delete|with|commit)\\b).*");

    /** Whether the text, after an optional byte-order mark and white space, starts as SQL does. */
    private static boolean looksLikeSql(byte[] head) {
        String text = new String(head, StandardCharsets.UTF_8)
                .replaceFirst("^\uFEFF", "")
                .stripLeading();
        return SQL_START
                .matcher(text.substring(0, Math.min(text.length(), 200)))
                .matches();
    }

    /** The first non-blank line, shortened, for messages. */
    private static String firstLine(byte[] head) {
        String line = new String(head, StandardCharsets.UTF_8)
                .strip()
                .lines()
                .findFirst()
                .orElse("");
        return line.length() > 40 ? line.substring(0, 40) + "…" : line;
    }

    private static String compression(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return "gzip";
        }
        if (head.length >= 4
                && (head[0] & 0xff) == 0x28
                && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return "zstd";
        }
        if (startsWith(head, 0, "BZh")) {
            return "bzip2";
        }
        if (head.length >= 6 && (head[0] & 0xff) == 0xfd && startsWith(head, 1, "7zXZ")) {
            return "xz";
        }
        return null;
    }

    /** No NUL byte and under 1% control characters other than tab, newline, form feed, return, escape. */
    private static boolean looksLikeText(byte[] head) {
        int control = 0;
        for (byte b : head) {
            int c = b & 0xff;
            if (c == 0) {
                return false;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1b) || c == 0x7f) {
                control++;
            }
        }
        return control * 100 < head.length;
    }

    private static boolean startsWith(byte[] data, int at, String ascii) {
        byte[] prefix = ascii.getBytes(StandardCharsets.ISO_8859_1);
        if (data.length < at + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
