package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Synthetic Odoo-like content: a custom-format-like dump and a filestore, with controlled changes. */
final class Fixtures {
    private Fixtures() {}

    /** A scheduled snapshot's record, for planning tests that need no repository. */
    static SnapshotInfo record(String id, java.time.Instant time, String instance, String database, List<String> tags) {
        return new SnapshotInfo(
                id,
                time,
                instance,
                database,
                "h",
                SnapshotKind.SCHEDULED,
                tags,
                null,
                null,
                Map.of(),
                List.of(),
                new SnapshotInfo.Summary("CUSTOM", 1, 0, 0, 0, 0, 0),
                List.of());
    }

    /** Filestore files by relative path. */
    static Map<String, byte[]> filestore(Random rnd, int count, int maxSize) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) addFile(files, rnd, 1 + rnd.nextInt(maxSize));
        return files;
    }

    static String addFile(Map<String, byte[]> files, Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        String sha1 = HexFormat.of().formatHex(Crypto.sha1().digest(b));
        String rel = sha1.substring(0, 2) + "/" + sha1;
        files.put(rel, b);
        return rel;
    }

    /** Replaces {@code fraction} of the files by new ones (as attachments are replaced in Odoo). */
    static Map<String, byte[]> changeFiles(Map<String, byte[]> files, Random rnd, double fraction, int maxSize) {
        Map<String, byte[]> out = new LinkedHashMap<>(files);
        List<String> keys = new ArrayList<>(files.keySet());
        int n = (int) Math.ceil(keys.size() * fraction);
        for (int i = 0; i < n; i++) {
            out.remove(keys.get(rnd.nextInt(keys.size())));
            addFile(out, rnd, 1 + rnd.nextInt(maxSize));
        }
        return out;
    }

    /** Tables of text rows; each table a list of rows. */
    static List<List<String>> tables(Random rnd, int tables, long totalBytes) {
        List<List<String>> out = new ArrayList<>();
        long perTable = totalBytes / tables;
        for (int t = 0; t < tables; t++) {
            List<String> rows = new ArrayList<>();
            long size = (long) (perTable * (0.2 + 1.6 * rnd.nextDouble()));
            long s = 0;
            for (int id = 1; s < size; id++) {
                String row = row(rnd, id, 0);
                rows.add(row);
                s += row.length();
            }
            out.add(rows);
        }
        return out;
    }

    static String row(Random rnd, int id, int version) {
        StringBuilder b = new StringBuilder();
        b.append(id)
                .append('\t')
                .append("partner ")
                .append(rnd.nextInt(1_000_000))
                .append('\t');
        b.append(2000 + rnd.nextInt(25))
                .append("-0")
                .append(1 + rnd.nextInt(9))
                .append("-1")
                .append(rnd.nextInt(10));
        b.append('\t')
                .append(rnd.nextLong() & 0xffffffffL)
                .append('\t')
                .append(version)
                .append('\t');
        int words = 3 + rnd.nextInt(20);
        for (int w = 0; w < words; w++)
            b.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        return b.append('\n').toString();
    }

    private static final String[] WORDS = {
        "invoice", "sale", "order", "draft", "posted", "customer", "vendor", "stock", "move", "account", "journal",
        "partner", "product", "quantity", "price", "tax", "EUR", "USD", "warehouse", "delivery", "payment", "res",
        "mail", "message", "followers", "activity", "note", "lead", "opportunity", "project", "task", "timesheet"
    };

    /**
     * Updates {@code fraction} of the rows of {@code tables.get(i)} for each i in {@code which}: the old
     * row disappears from its place and the new version appears at the end (as PostgreSQL's heap does).
     */
    static List<List<String>> updateRows(List<List<String>> tables, Random rnd, double fraction, int... which) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> t : tables) out.add(new ArrayList<>(t));
        for (int w : which) {
            List<String> t = out.get(w);
            int n = (int) Math.ceil(t.size() * fraction);
            List<String> moved = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = rnd.nextInt(t.size());
                String old = t.remove(idx);
                moved.add(row(rnd, Integer.parseInt(old.substring(0, old.indexOf('\t'))), 1));
            }
            t.addAll(moved);
        }
        return out;
    }

    /** A dump shaped like {@code pg_dump -Fc -Z0}: a header and TOC, then one data block per table. */
    static byte[] dump(List<List<String>> tables) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PGDMP\u0001\u000f\u0000\u0004\u0008\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        for (int t = 0; t < tables.size(); t++) {
            long size = 0;
            for (String r : tables.get(t)) size += r.length();
            out.writeBytes(
                    ("TABLE DATA public table_" + t + " COPY offset=" + size + ";\n").getBytes(StandardCharsets.UTF_8));
        }
        for (int t = 0; t < tables.size(); t++) {
            out.writeBytes(("\u0001BLOCK " + t + "\n").getBytes(StandardCharsets.UTF_8));
            for (String r : tables.get(t)) out.writeBytes(r.getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\\.\n".getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static JsonNode manifest(String db) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("odoo_dump", "1").put("db_name", db).put("version", "17.0").put("pg_version", "15.4");
        m.putObject("modules").put("base", "17.0.1.3").put("sale", "17.0.1.2");
        return m;
    }

    static JsonNode report(String... warnings) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        var a = r.putArray("warnings");
        for (String w : warnings) a.add(w);
        return r;
    }

    /** Writes a whole snapshot and returns the writer (committed) and its id. */
    static Written write(Repository repo, SnapshotMeta meta, byte[] dump, Map<String, byte[]> files)
            throws IOException {
        SnapshotWriter w = repo.newSnapshot(meta);
        w.dump(DumpFormat.CUSTOM, new ByteArrayInputStream(dump));
        for (var e : files.entrySet()) w.file(e.getKey(), e.getValue().length, new ByteArrayInputStream(e.getValue()));
        String id = w.commit(manifest(meta.database()), report("1 attachment missing"));
        return new Written(id, w.stats());
    }

    record Written(String id, WriteStats stats) {}
}
