package io.lifeboat.ports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What the contract suites capture: a dump in the given form, filestore files named by their SHA-1
 * (an empty one, small ones, one spanning several zip blocks) and a {@code checklist/} marker, an
 * Odoo manifest and a capture report.
 */
public record CaptureContent(DumpFormat format, byte[] dump, Map<String, byte[]> files, String checklist) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Content with a dump of about {@code dumpBytes} bytes; the same for the same seed. */
    public static CaptureContent generate(DumpFormat format, int dumpBytes, long seed) {
        Random rnd = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        add(files, new byte[0]);
        for (int i = 0; i < 12; i++) add(files, random(rnd, 1 + rnd.nextInt(60_000)));
        add(files, text(rnd, 2_500_000)); // compressible, several 1 MiB blocks
        add(files, random(rnd, 1_300_000));
        String marked = files.keySet().stream().skip(3).findFirst().orElseThrow();
        return new CaptureContent(format, dump(format, rnd, dumpBytes), files, "checklist/" + marked);
    }

    /** Dump, then files, then the checklist marker; does not commit. */
    public void writeParts(CaptureSink sink, boolean withFiles) throws IOException {
        sink.dump(format, new ByteArrayInputStream(dump));
        if (!withFiles) return;
        for (var e : files.entrySet()) {
            sink.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
        }
        sink.file(checklist, 0, InputStream.nullInputStream());
    }

    /** Writes everything and commits; returns what {@link CaptureSink#commit} returned. */
    public String capture(CaptureSink sink, boolean withFiles) throws IOException {
        writeParts(sink, withFiles);
        return sink.commit(manifest(), report());
    }

    /** An Odoo 17 manifest, as the capture engine reads it from the database. */
    public static JsonNode manifest() {
        ObjectNode m = JSON.createObjectNode();
        m.put("odoo_dump", "1").put("db_name", "contract").put("version", "17.0");
        m.putArray("version_info").add(17).add(0).add(0).add("final").add(0).add("");
        m.put("major_version", "17.0").put("pg_version", "16.4");
        m.putObject("modules").put("base", "17.0.1.3").put("mail", "17.0.1.15");
        return m;
    }

    public static JsonNode report() {
        ObjectNode r = JSON.createObjectNode();
        r.putArray("warnings").add("1 referenced file missing");
        return r;
    }

    public static String sha1(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(Map<String, byte[]> files, byte[] content) {
        String sha1 = sha1(content);
        files.put(sha1.substring(0, 2) + "/" + sha1, content);
    }

    private static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] text(Random rnd, int size) {
        StringBuilder s = new StringBuilder(size + 100);
        while (s.length() < size) s.append(rnd.nextInt(1_000_000)).append("\tpartner\tinvoice posted\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A plain dump as pg_dump writes it, or bytes behind the custom format's magic. */
    private static byte[] dump(DumpFormat format, Random rnd, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 200);
        if (format == DumpFormat.PLAIN) {
            out.writeBytes("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes("COPY public.res_partner (id, name) FROM stdin;\n".getBytes(StandardCharsets.UTF_8));
            for (int id = 1; out.size() < size; id++) {
                out.writeBytes((id + "\tpartner " + rnd.nextInt(1_000_000) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n".getBytes(StandardCharsets.UTF_8));
        } else {
            out.writeBytes("PGDMP\u0001\u000f\u0000\u0004\u0008\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(random(rnd, size));
        }
        return out.toByteArray();
    }
}
