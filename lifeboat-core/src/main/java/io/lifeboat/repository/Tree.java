package io.lifeboat.repository;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.repository.internal.BlobId;
import io.lifeboat.repository.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A snapshot's tree (format §5), read and written as a stream. Immutable once read. */
final class Tree {
    record FileEntry(String path, String sha1, long size, List<BlobId> blobs) {}

    record DumpPart(DumpFormat format, long size, String sha256, List<BlobId> chunks) {}

    final JsonNode manifest;
    final JsonNode report;
    final DumpPart dump;
    /** The base-backup part (format §13): its chunks are a tar stream; null in other snapshots. */
    final DumpPart baseBackup;

    final List<FileEntry> files;
    /** Blobs referenced by parts of kinds this version does not interpret. */
    final List<BlobId> otherRefs;

    private Tree(
            JsonNode manifest,
            JsonNode report,
            DumpPart dump,
            DumpPart baseBackup,
            List<FileEntry> files,
            List<BlobId> otherRefs) {
        this.manifest = manifest;
        this.report = report;
        this.dump = dump;
        this.baseBackup = baseBackup;
        this.files = files;
        this.otherRefs = otherRefs;
    }

    /** Calls {@code sink} with every referenced blob and what depends on it ("database dump" or a file path). */
    void references(BiConsumer<BlobId, String> sink) {
        if (dump != null) for (BlobId b : dump.chunks()) sink.accept(b, "database dump");
        if (baseBackup != null) for (BlobId b : baseBackup.chunks()) sink.accept(b, "base backup");
        for (FileEntry f : files) for (BlobId b : f.blobs()) sink.accept(b, f.path());
        for (BlobId b : otherRefs) sink.accept(b, "other part");
    }

    static void write(OutputStream out, JsonNode manifest, JsonNode report, DumpPart dump, List<FileEntry> files)
            throws IOException {
        write(out, manifest, report, dump, null, files);
    }

    static void write(
            OutputStream out,
            JsonNode manifest,
            JsonNode report,
            DumpPart dump,
            DumpPart baseBackup,
            List<FileEntry> files)
            throws IOException {
        long fileBytes = 0;
        for (FileEntry f : files) fileBytes += f.size();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeFieldName("manifest");
            Json.MAPPER.writeTree(g, manifest);
            g.writeFieldName("report");
            Json.MAPPER.writeTree(g, report);
            g.writeArrayFieldStart("parts");
            if (dump != null) {
                g.writeStartObject();
                g.writeStringField("kind", "database-dump");
                g.writeStringField("format", dump.format().name());
                g.writeNumberField("size", dump.size());
                g.writeStringField("sha256", dump.sha256());
                ids(g, "chunks", dump.chunks());
                g.writeEndObject();
            }
            if (baseBackup != null) {
                g.writeStartObject();
                g.writeStringField("kind", "base-backup");
                g.writeStringField("format", "tar");
                g.writeNumberField("size", baseBackup.size());
                g.writeStringField("sha256", baseBackup.sha256());
                ids(g, "chunks", baseBackup.chunks());
                g.writeEndObject();
            }
            g.writeStartObject();
            g.writeStringField("kind", "filestore");
            g.writeNumberField("count", files.size());
            g.writeNumberField("size", fileBytes);
            g.writeArrayFieldStart("files");
            for (FileEntry f : files) {
                g.writeRaw('\n');
                g.writeStartObject();
                g.writeStringField("path", f.path());
                g.writeStringField("sha1", f.sha1());
                g.writeNumberField("size", f.size());
                ids(g, "blobs", f.blobs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void ids(JsonGenerator g, String field, List<BlobId> ids) throws IOException {
        g.writeArrayFieldStart(field);
        for (BlobId b : ids) g.writeString(b.hex());
        g.writeEndArray();
    }

    static Tree read(InputStream in, String what) throws IOException {
        JsonNode manifest = null;
        JsonNode report = null;
        DumpPart dump = null;
        DumpPart[] base = {null};
        List<FileEntry> files = new ArrayList<>();
        List<BlobId> other = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, what);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "version" -> {
                        if (p.getIntValue() != 1) {
                            throw new LifeboatException(
                                    LifeboatException.Kind.ENVIRONMENT,
                                    what + " has tree version " + p.getIntValue(),
                                    "Upgrade lifeboat.");
                        }
                    }
                    case "manifest" -> manifest = p.readValueAsTree();
                    case "report" -> report = p.readValueAsTree();
                    case "parts" -> {
                        expect(p.currentToken(), JsonToken.START_ARRAY, what);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            DumpPart d = readPart(p, files, other, base, what);
                            if (d != null) dump = d;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new LifeboatException(LifeboatException.Kind.INTEGRITY, what + " is malformed", "Run verify.", e);
        }
        if (manifest != null && manifest.isNull()) manifest = null;
        return new Tree(manifest, report, dump, base[0], files, other);
    }

    private static DumpPart readPart(
            JsonParser p, List<FileEntry> files, List<BlobId> other, DumpPart[] base, String what) throws IOException {
        String kind = null;
        String format = null;
        long size = 0;
        String sha256 = null;
        List<BlobId> chunks = new ArrayList<>();
        List<FileEntry> partFiles = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "kind" -> kind = p.getText();
                case "format" -> format = p.getText();
                case "size" -> size = p.getLongValue();
                case "sha256" -> sha256 = p.getText();
                case "chunks" -> readIds(p, chunks);
                case "files" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String path = null;
                        String sha1 = null;
                        long fsize = 0;
                        List<BlobId> blobs = new ArrayList<>(1);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String ff = p.currentName();
                            p.nextToken();
                            switch (ff) {
                                case "path" -> path = p.getText();
                                case "sha1" -> sha1 = p.getText();
                                case "size" -> fsize = p.getLongValue();
                                case "blobs" -> readIds(p, blobs);
                                default -> p.skipChildren();
                            }
                        }
                        if (path == null) throw new IllegalArgumentException("file without path");
                        partFiles.add(new FileEntry(path, sha1, fsize, List.copyOf(blobs)));
                    }
                }
                default -> p.skipChildren();
            }
        }
        if ("database-dump".equals(kind)) {
            files.addAll(partFiles);
            return new DumpPart(DumpFormat.valueOf(format), size, sha256, List.copyOf(chunks));
        } else if ("base-backup".equals(kind) && "tar".equals(format)) {
            base[0] = new DumpPart(null, size, sha256, List.copyOf(chunks));
        } else if ("filestore".equals(kind)) {
            files.addAll(partFiles);
            other.addAll(chunks);
        } else {
            other.addAll(chunks);
            for (FileEntry fe : partFiles) other.addAll(fe.blobs());
        }
        return null;
    }

    private static void readIds(JsonParser p, List<BlobId> out) throws IOException {
        while (p.nextToken() == JsonToken.VALUE_STRING) out.add(BlobId.parse(p.getText()));
    }

    private static void expect(JsonToken t, JsonToken want, String what) {
        if (t != want)
            throw new LifeboatException(LifeboatException.Kind.INTEGRITY, what + " is malformed", "Run verify.");
    }
}
