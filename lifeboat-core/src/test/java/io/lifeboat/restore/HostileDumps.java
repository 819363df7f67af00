package io.lifeboat.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Plain dumps in pg_dump's layout whose entries carry whatever SQL a test needs. */
final class HostileDumps {

    static final String PG_DUMP_HEADER = "--\n-- PostgreSQL database dump\n--\n\n"
            + "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
            + "SELECT pg_catalog.set_config('search_path', '', false);\n\n";

    private HostileDumps() {}

    /** One entry as pg_dump writes it: comment header, blank line, SQL. */
    static String entry(String name, String type, String sql) {
        return "--\n-- Name: " + name + "; Type: " + type + "; Schema: public; Owner: -\n--\n\n" + sql + "\n\n";
    }

    /** A whole dump: pg_dump's header and the entries. */
    static String pgDump(String... entries) {
        return PG_DUMP_HEADER + String.join("", entries);
    }

    /** A zip in {@code dir} holding only {@code dump.sql} with this text. */
    static Path zip(Path dir, String sql) throws IOException {
        Path zip = dir.resolve("crafted-" + System.nanoTime() + ".zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("dump.sql"));
            out.write(sql.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return zip;
    }
}
