package io.lifeboat.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Organizations, projects, environments and servers, and who may see and change them. */
public final class Platform {
    static final Set<String> TYPES = Set.of("development", "staging", "production");
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
    private final Catalog catalog;
    private final AuditLog audit;

    public Platform(Catalog catalog, AuditLog audit) {
        this.catalog = catalog;
        this.audit = audit;
    }

    static void checkName(String what, String name) {
        if (name == null || !name.matches(NAME)) {
            throw ApiError.badRequest(what + " name must be 1 to 63 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit");
        }
    }

    public Map<String, Object> createOrganization(Principal p, String name) {
        if (!p.portalAdmin()) throw ApiError.forbidden("only a portal admin creates organizations");
        checkName("an organization", name);
        if (catalog.row("select id from organizations where name = ?", name).isPresent()) {
            throw ApiError.conflict("an organization named '" + name + "' exists");
        }
        String id = UUID.randomUUID().toString();
        catalog.update("insert into organizations (id, name, created_at) values (?, ?, ?)", id, name, now());
        audit.record(p.name(), "organization.create", "organization:" + id, null, Map.of("name", name));
        return organization(id);
    }

    public Map<String, Object> organization(String id) {
        return catalog.row("select id, name, created_at from organizations where id = ?", id)
                .map(EpochIso::row)
                .orElseThrow(() -> ApiError.notFound("organization " + id));
    }

    public List<Map<String, Object>> organizations(Principal p) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var o : catalog.rows("select id, name, created_at from organizations order by name")) {
            String id = Catalog.str(o, "id");
            boolean visible = p.can(Permission.BACKUPS_VIEW, id, null)
                    || catalog.rows("select id from projects where org_id = ?", id).stream()
                            .anyMatch(pr -> p.can(Permission.BACKUPS_VIEW, id, Catalog.str(pr, "id")));
            if (visible) out.add(EpochIso.row(o));
        }
        return out;
    }

    public Map<String, Object> createProject(Principal p, String orgId, String name, boolean requireApproval) {
        if (!p.portalAdmin() && !hasOrgRole(p, orgId)) {
            throw ApiError.forbidden("only a portal admin or an owner or admin of the organization creates projects");
        }
        organization(orgId);
        checkName("a project", name);
        if (catalog.row("select id from projects where org_id = ? and name = ?", orgId, name)
                .isPresent()) {
            throw ApiError.conflict("the organization has a project named '" + name + "'");
        }
        String id = UUID.randomUUID().toString();
        catalog.update(
                "insert into projects (id, org_id, name, require_approval, created_at) values (?, ?, ?, ?, ?)",
                id,
                orgId,
                name,
                requireApproval,
                now());
        audit.record(p.name(), "project.create", "project:" + id, null, Map.of("name", name, "org_id", orgId));
        return project(id);
    }

    private static boolean hasOrgRole(Principal p, String orgId) {
        return p.bindings().stream()
                .anyMatch(b -> "org".equals(b.scopeType())
                        && b.scopeId().equals(orgId)
                        && (b.role() == Role.ORG_OWNER || b.role() == Role.ORG_ADMIN));
    }

    public Map<String, Object> project(String id) {
        var r = catalog.row("select id, org_id, name, require_approval, created_at from projects where id = ?", id)
                .orElseThrow(() -> ApiError.notFound("project " + id));
        var m = EpochIso.row(r);
        m.put("require_approval", Catalog.flag(r, "require_approval"));
        return m;
    }

    public List<Map<String, Object>> projects(Principal p) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var r : catalog.rows("select id from projects order by name")) {
            var pr = project(Catalog.str(r, "id"));
            if (p.can(Permission.BACKUPS_VIEW, Catalog.str(pr, "org_id"), Catalog.str(pr, "id"))) out.add(pr);
        }
        return out;
    }

    public Environment environment(String id) {
        return catalog.row(Environment.SELECT + " where e.id = ?", id)
                .map(Environment::of)
                .orElseThrow(() -> ApiError.notFound("environment " + id));
    }

    /** An environment the principal may see; 404 (not 403) for one they may not, so ids do not leak. */
    public Environment visibleEnvironment(Principal p, String id) {
        Environment e = environment(id);
        if (!p.can(Permission.BACKUPS_VIEW, e.orgId(), e.projectId())) throw ApiError.notFound("environment " + id);
        return e;
    }

    public List<Environment> environments(Principal p, String projectId) {
        List<Environment> out = new ArrayList<>();
        String sql = Environment.SELECT + (projectId == null ? "" : " where e.project_id = ?") + " order by e.name";
        for (var r : projectId == null ? catalog.rows(sql) : catalog.rows(sql, projectId)) {
            Environment e = Environment.of(r);
            if (p.can(Permission.BACKUPS_VIEW, e.orgId(), e.projectId())) out.add(e);
        }
        return out;
    }

    /** Registers an environment: an existing database of an instance a server's configuration names. */
    public Environment createEnvironment(
            Principal p,
            String projectId,
            String name,
            String type,
            String server,
            String instance,
            String database,
            String state) {
        var pr = project(projectId);
        String orgId = Catalog.str(pr, "org_id");
        if (!p.can(Permission.BACKUPS_VIEW, orgId, projectId)) throw ApiError.notFound("project " + projectId);
        if (!p.can(Permission.ENVIRONMENTS_CREATE, orgId, projectId)) {
            throw ApiError.forbidden("you may not create environments in this project (needs "
                    + Permission.ENVIRONMENTS_CREATE.id() + ")");
        }
        checkName("an environment", name);
        if (type == null || !TYPES.contains(type)) {
            throw ApiError.badRequest("type must be development, staging or production");
        }
        if (database == null || !database.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}")) {
            throw ApiError.badRequest("database must be an Odoo database name (letters, digits, '_', '.', '-')");
        }
        var srv = catalog.row("select instances from servers where name = ?", server)
                .orElseThrow(() -> ApiError.unprocessable(
                        "no server named '" + server + "' has reported to this catalog; start lifeboat server there"));
        if (instance == null || !instances(Catalog.str(srv, "instances")).contains(instance)) {
            throw ApiError.unprocessable(
                    "server '" + server + "' has no instance named '" + instance + "' in its configuration");
        }
        if (catalog.row("select id from environments where project_id = ? and name = ?", projectId, name)
                .isPresent()) {
            throw ApiError.conflict("the project has an environment named '" + name + "'");
        }
        if (catalog.row(
                        "select id from environments where server_name = ? and instance = ? and database_name = ?",
                        server,
                        instance,
                        database)
                .isPresent()) {
            throw ApiError.conflict(
                    "database '" + database + "' of " + server + "/" + instance + " already belongs to an environment");
        }
        String id = UUID.randomUUID().toString();
        catalog.update(
                "insert into environments (id, project_id, name, type, server_name, instance, database_name, state,"
                        + " created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id,
                projectId,
                name,
                type,
                server,
                instance,
                database,
                state,
                now());
        audit.record(
                p.name(),
                "environment.create",
                "environment:" + id,
                null,
                Map.of("name", name, "type", type, "server", server, "instance", instance, "database", database));
        return environment(id);
    }

    public List<Map<String, Object>> servers(long staleAfterMillis) {
        List<Map<String, Object>> out = new ArrayList<>();
        long now = now();
        for (var r : catalog.rows("select * from servers order by name")) {
            var m = EpochIso.row(r);
            long hb = Catalog.num(r, "heartbeat_at");
            m.put("alive", now - hb <= staleAfterMillis);
            m.put("heartbeat_age_seconds", (now - hb) / 1000);
            m.put("instances", instances(Catalog.str(r, "instances")));
            out.add(m);
        }
        return out;
    }

    static List<String> instances(String json) {
        try {
            return List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of();
        }
    }

    static long now() {
        return System.currentTimeMillis();
    }
}
