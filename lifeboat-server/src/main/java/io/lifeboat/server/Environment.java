package io.lifeboat.server;

import java.util.Map;

/** One Odoo database and its filestore, of one instance on one server. */
public record Environment(
        String id,
        String projectId,
        String orgId,
        String name,
        String type,
        String serverName,
        String instance,
        String databaseName,
        String state,
        String createdFromBackupId,

        @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = EpochIso.class)
        Long importRestoredAt,

        @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = EpochIso.class)
        long createdAt) {

    public static final String PRODUCTION = "production";

    public boolean production() {
        return PRODUCTION.equals(type);
    }

    static Environment of(Map<String, Object> r) {
        return new Environment(
                Catalog.str(r, "id"),
                Catalog.str(r, "project_id"),
                Catalog.str(r, "org_id"),
                Catalog.str(r, "name"),
                Catalog.str(r, "type"),
                Catalog.str(r, "server_name"),
                Catalog.str(r, "instance"),
                Catalog.str(r, "database_name"),
                Catalog.str(r, "state"),
                Catalog.str(r, "created_from_backup_id"),
                Catalog.num(r, "import_restored_at"),
                Catalog.num(r, "created_at"));
    }

    static final String SELECT = "select e.*, p.org_id from environments e join projects p on p.id = e.project_id";
}
