package io.lifeboat.repository;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the caller says about a snapshot before capturing it. {@code time} null means "when the
 * snapshot is committed"; {@code host} null means this machine's name. Versions are taken from the
 * Odoo manifest at commit when null here.
 */
public record SnapshotMeta(
        String instance,
        String database,
        SnapshotKind kind,
        List<String> tags,
        String host,
        Instant time,
        String odooVersion,
        String postgresVersion) {

    public SnapshotMeta {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kind, "kind");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static SnapshotMeta of(String instance, String database, SnapshotKind kind) {
        return new SnapshotMeta(instance, database, kind, List.of(), null, null, null, null);
    }

    public SnapshotMeta withTags(String... t) {
        return new SnapshotMeta(instance, database, kind, List.of(t), host, time, odooVersion, postgresVersion);
    }

    public SnapshotMeta withTime(Instant t) {
        return new SnapshotMeta(instance, database, kind, tags, host, t, odooVersion, postgresVersion);
    }

    public SnapshotMeta withHost(String h) {
        return new SnapshotMeta(instance, database, kind, tags, h, time, odooVersion, postgresVersion);
    }
}
