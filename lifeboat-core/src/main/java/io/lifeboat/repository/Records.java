package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.repository.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Snapshot record JSON (format §5). */
final class Records {
    private Records() {}

    static ObjectNode toJson(SnapshotInfo s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("version", 1).put("time", s.time().toString());
        n.put("instance", s.instance()).put("database", s.database()).put("host", s.host());
        n.put("kind", s.kind().label());
        var tags = n.putArray("tags");
        s.tags().forEach(tags::add);
        n.put("odooVersion", s.odooVersion()).put("postgresVersion", s.postgresVersion());
        var mods = n.putObject("modules");
        s.modules().forEach(mods::put);
        var w = n.putArray("warnings");
        s.warnings().forEach(w::add);
        var sum = n.putObject("summary");
        SnapshotInfo.Summary m = s.summary();
        sum.put("dumpFormat", m.dumpFormat()).put("dumpBytes", m.dumpBytes());
        sum.put("fileCount", m.fileCount()).put("fileBytes", m.fileBytes());
        sum.put("blobsNew", m.blobsNew()).put("bytesNew", m.bytesNew()).put("storedNew", m.storedNew());
        var tree = n.putArray("tree");
        s.tree().forEach(tree::add);
        SnapshotInfo.BaseBackupInfo b = s.baseBackup();
        if (b != null) {
            n.putObject("baseBackup")
                    .put("systemId", b.systemId())
                    .put("timeline", b.timeline())
                    .put("startLsn", b.startLsn())
                    .put("stopLsn", b.stopLsn())
                    .put("startWal", b.startWal())
                    .put("stopWal", b.stopWal())
                    .put("segmentSize", b.segmentSize());
        }
        return n;
    }

    private static SnapshotInfo.BaseBackupInfo baseBackup(JsonNode b) {
        if (b.isMissingNode() || b.isNull()) return null;
        var info = new SnapshotInfo.BaseBackupInfo(
                b.path("systemId").asText(),
                b.path("timeline").asInt(),
                b.path("startLsn").asText(),
                b.path("stopLsn").asText(),
                b.path("startWal").asText(),
                b.path("stopWal").asText(),
                b.path("segmentSize").asLong());
        if (!info.systemId().matches("[0-9]{1,20}")
                || !io.lifeboat.postgres.WalFile.isValid(info.startWal())
                || !io.lifeboat.postgres.WalFile.isValid(info.stopWal()))
            throw new IllegalArgumentException("bad baseBackup");
        io.lifeboat.postgres.WalFile.parseLsn(info.startLsn());
        io.lifeboat.postgres.WalFile.parseLsn(info.stopLsn());
        return info;
    }

    static SnapshotInfo parse(String id, JsonNode n, String name) {
        try {
            if (n.path("version").asInt() != 1) {
                throw new LifeboatException(
                        LifeboatException.Kind.ENVIRONMENT,
                        name + " has record version " + n.path("version").asInt(),
                        "Upgrade lifeboat.");
            }
            Map<String, String> modules = new LinkedHashMap<>();
            n.path("modules")
                    .properties()
                    .forEach(e -> modules.put(e.getKey(), e.getValue().asText()));
            JsonNode m = n.path("summary");
            var summary = new SnapshotInfo.Summary(
                    m.path("dumpFormat").isNull() ? null : m.path("dumpFormat").asText(null),
                    m.path("dumpBytes").asLong(),
                    m.path("fileCount").asLong(),
                    m.path("fileBytes").asLong(),
                    m.path("blobsNew").asLong(),
                    m.path("bytesNew").asLong(),
                    m.path("storedNew").asLong());
            List<String> tree = texts(n.path("tree"));
            for (String t : tree) if (!t.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad tree id");
            return new SnapshotInfo(
                    id,
                    Instant.parse(n.path("time").asText()),
                    n.path("instance").asText(),
                    n.path("database").asText(),
                    n.path("host").asText(),
                    SnapshotKind.parse(n.path("kind").asText()),
                    texts(n.path("tags")),
                    n.path("odooVersion").asText(null),
                    n.path("postgresVersion").asText(null),
                    Map.copyOf(modules),
                    texts(n.path("warnings")),
                    summary,
                    tree,
                    baseBackup(n.path("baseBackup")));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new LifeboatException(LifeboatException.Kind.INTEGRITY, name + " is malformed", "Run verify.", e);
        }
    }

    private static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : arr) out.add(x.asText());
        return List.copyOf(out);
    }
}
