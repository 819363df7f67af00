package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API under {@code /api/v1}: thin handlers over the services, JSON in and out. */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final String PRINCIPAL = "lifeboat.principal";
    private final Services s;
    private final BackupJobs backups;
    private final RestoreJobs restores;
    private final Schedules schedules;
    private final DrillJobs drills;
    private final Jobs jobs;
    private final DownloadLinks links;
    private final Metrics metrics;

    Api(
            Services s,
            BackupJobs backups,
            RestoreJobs restores,
            Schedules schedules,
            DrillJobs drills,
            Jobs jobs,
            DownloadLinks links,
            Metrics metrics) {
        this.s = s;
        this.backups = backups;
        this.restores = restores;
        this.schedules = schedules;
        this.drills = drills;
        this.jobs = jobs;
        this.links = links;
        this.metrics = metrics;
    }

    void routes(JavalinConfig config) {
        var r = config.routes;
        r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        r.exception(LifeboatException.class, (e, ctx) -> {
            int status = switch (e.kind()) {
                case USAGE, BAD_INPUT -> 422;
                case CONFLICT -> 409;
                default -> 500;
            };
            if (status == 500) LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage());
            error(
                    ctx,
                    status,
                    e.kind().name().toLowerCase(java.util.Locale.ROOT),
                    e.getMessage() + (e.hint() == null ? "" : " " + e.hint()));
        });
        r.exception(
                com.fasterxml.jackson.core.JsonProcessingException.class,
                (e, ctx) -> error(
                        ctx, 400, "bad_request", "the request body is not valid JSON: " + e.getOriginalMessage()));
        r.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
            String code =
                    e.getStatus() == 404 ? "not_found" : e.getStatus() == 405 ? "method_not_allowed" : "bad_request";
            String message = e.getStatus() == 404
                    ? "no such endpoint: " + ctx.method() + " " + ctx.path()
                            + "; the API is described at /api/v1/openapi.json"
                    : e.getMessage();
            error(ctx, e.getStatus(), code, message);
        });
        r.exception(Exception.class, (e, ctx) -> {
            String what;
            try {
                what = ctx.method() + " " + ctx.path();
            } catch (RuntimeException gone) {
                what = "a request that ended"; // the response was already recycled
            }
            LOG.error("{} failed", what, e);
            error(ctx, 500, "internal", "internal error; the server log has the details");
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(
                        ctx,
                        404,
                        "not_found",
                        "no such endpoint: " + ctx.method() + " " + ctx.path()
                                + "; the API is described at /api/v1/openapi.json");
            }
        });

        r.get("/health", this::health);
        r.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()));
        r.get("/api/v1/openapi.json", ctx -> {
            InputStream in = Api.class.getResourceAsStream("/openapi.json");
            if (in == null) throw ApiError.notFound("the OpenAPI document");
            ctx.contentType("application/json").result(in);
        });
        r.get("/api/v1/downloads/{id}", this::download);
        r.before("/api/v1/*", ctx -> {
            String p = ctx.path();
            if (p.equals("/api/v1/openapi.json")
                    || p.startsWith("/api/v1/downloads/")
                    || p.equals("/api/v1/events/stream")) return;
            ctx.attribute(PRINCIPAL, s.accounts.authenticate(bearer(ctx)));
        });

        r.get("/api/v1/me", ctx -> ctx.json(me(ctx)));
        r.get("/api/v1/organizations", ctx -> ctx.json(items(s.platform.organizations(me(ctx)))));
        r.post(
                "/api/v1/organizations",
                ctx -> created(ctx, s.platform.createOrganization(me(ctx), str(body(ctx), "name"))));
        r.post("/api/v1/organizations/{id}/projects", ctx -> {
            JsonNode b = body(ctx);
            created(
                    ctx,
                    s.platform.createProject(
                            me(ctx), ctx.pathParam("id"), str(b, "name"), bool(b, "require_approval")));
        });
        r.get("/api/v1/projects", ctx -> ctx.json(items(s.platform.projects(me(ctx)))));
        r.get("/api/v1/servers", ctx -> {
            Principal p = me(ctx);
            boolean any = p.portalAdmin()
                    || p.bindings().stream()
                            .anyMatch(
                                    b -> b.role().grants(Permission.SERVERS_VIEW) && !"project".equals(b.scopeType()));
            if (!any) throw ApiError.forbidden("listing servers needs " + Permission.SERVERS_VIEW.id());
            ctx.json(items(s.platform.servers(s.config.staleMillis())));
        });
        r.get(
                "/api/v1/environments",
                ctx -> ctx.json(items(s.platform.environments(me(ctx), ctx.queryParam("project_id")))));
        r.post("/api/v1/projects/{id}/environments", ctx -> {
            JsonNode b = body(ctx);
            created(
                    ctx,
                    s.platform.createEnvironment(
                            me(ctx),
                            ctx.pathParam("id"),
                            str(b, "name"),
                            str(b, "type"),
                            str(b, "server"),
                            str(b, "instance"),
                            str(b, "database"),
                            "ready"));
        });
        r.get(
                "/api/v1/environments/{id}",
                ctx -> ctx.json(s.platform.visibleEnvironment(me(ctx), ctx.pathParam("id"))));
        r.get("/api/v1/environments/{id}/backups", ctx -> {
            Environment env = s.platform.visibleEnvironment(me(ctx), ctx.pathParam("id"));
            int limit = intParam(ctx, "limit", 50, 1, 500);
            int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(page(
                    backups.list(env, ctx.queryParam("status"), ctx.queryParam("type"), limit, offset), limit, offset));
        });
        r.post("/api/v1/environments/{id}/backups", ctx -> {
            Principal p = me(ctx);
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            JsonNode b = optionalBody(ctx);
            ctx.status(202)
                    .json(backups.request(
                            p,
                            env,
                            b.hasNonNull("type") ? b.get("type").asText() : null,
                            b.hasNonNull("reason") ? b.get("reason").asText() : null));
        });
        r.get(
                "/api/v1/environments/{id}/schedule",
                ctx -> ctx.json(schedules.get(s.platform.visibleEnvironment(me(ctx), ctx.pathParam("id")))));
        r.put("/api/v1/environments/{id}/schedule", ctx -> {
            Principal p = me(ctx);
            ctx.json(schedules.put(p, s.platform.visibleEnvironment(p, ctx.pathParam("id")), body(ctx)));
        });
        r.post("/api/v1/environments/{id}/check", ctx -> {
            Principal p = me(ctx);
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            if (!p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId())) {
                throw ApiError.forbidden("running a check needs " + Permission.BACKUPS_CREATE.id());
            }
            if (!env.serverName().equals(s.config.serverName())) {
                throw ApiError.unprocessable("environment '" + env.name() + "' is on server " + env.serverName()
                        + "; ask that server's API to check it");
            }
            s.audit.record(p.name(), "environment.check", "environment:" + env.id(), null, Map.of());
            ctx.json(schedules.check(env));
        });
        r.post("/api/v1/environments/{id}/drills", ctx -> {
            Principal p = me(ctx);
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            JsonNode b = optionalBody(ctx);
            ctx.status(202).json(drills.request(p, env, b.hasNonNull("server") ? str(b, "server") : null));
        });
        r.get("/api/v1/environments/{id}/drills", ctx -> {
            Environment env = s.platform.visibleEnvironment(me(ctx), ctx.pathParam("id"));
            ctx.json(items(drills.list(env, intParam(ctx, "limit", 50, 1, 500))));
        });
        r.get("/api/v1/drills/{id}", ctx -> ctx.json(drills.view(me(ctx), ctx.pathParam("id"))));
        r.get("/api/v1/backups/{id}", ctx -> ctx.json(backups.view(me(ctx), ctx.pathParam("id"))));
        r.post("/api/v1/backups/{id}/cancel", ctx -> ctx.json(backups.cancel(me(ctx), ctx.pathParam("id"))));
        r.post("/api/v1/environments/{id}/backups/import", ctx -> {
            Principal p = me(ctx);
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            created(ctx, backups.importZip(p, env, ctx.bodyInputStream(), ctx.queryParam("reason")));
        });
        r.delete("/api/v1/backups/{id}", ctx -> {
            backups.delete(me(ctx), ctx.pathParam("id"), ctx.queryParam("reason"));
            ctx.status(204);
        });
        r.get(
                "/api/v1/backups/{id}/compatible-environments",
                ctx -> ctx.json(items(restores.compatibleEnvironments(me(ctx), ctx.pathParam("id")))));
        r.get(
                "/api/v1/backups/{id}/compatible-servers",
                ctx -> ctx.json(items(restores.compatibleServers(me(ctx), ctx.pathParam("id")))));
        r.post("/api/v1/backups/{id}/download-link", ctx -> {
            Principal p = me(ctx);
            Map<String, Object> b = backups.view(p, ctx.pathParam("id"));
            Environment benv = s.platform.environment((String) b.get("environment_id"));
            if (!p.can(Permission.BACKUPS_CREATE, benv.orgId(), benv.projectId())) {
                throw ApiError.forbidden(
                        "downloading a backup hands out all its data; it needs " + Permission.BACKUPS_CREATE.id());
            }
            if (!"completed".equals(b.get("status")))
                throw ApiError.conflict("only a completed backup can be downloaded");
            int ttl = intParam(ctx, "expires_in", 900, 60, 7 * 24 * 3600);
            s.audit.record(p.name(), "backup.download_link", "backup:" + b.get("id"), null, Map.of("expires_in", ttl));
            var presigned = s.store.presignedUrl((String) b.get("store_key"), Duration.ofSeconds(ttl));
            if (presigned.isPresent()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("url", presigned.get().toString());
                m.put("expires_at", Instant.now().plusSeconds(ttl).toString());
                m.put("kind", "s3-presigned");
                ctx.json(m);
            } else {
                ctx.json(links.link(ctx, (String) b.get("id"), Duration.ofSeconds(ttl)));
            }
        });
        r.post(
                "/api/v1/restores",
                ctx -> ctx.status(202).json(restores.request(me(ctx), RestoreJobs.fromV1(body(ctx)))));
        r.post(
                "/api/v1/restores/v2",
                ctx -> ctx.status(202).json(restores.request(me(ctx), RestoreJobs.fromV2(body(ctx)))));
        r.get("/api/v1/restores", ctx -> {
            int limit = intParam(ctx, "limit", 50, 1, 500);
            int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            ctx.json(page(
                    restores.list(me(ctx), ctx.queryParam("environment_id"), ctx.queryParam("status"), limit, offset),
                    limit,
                    offset));
        });
        r.get("/api/v1/restores/{id}", ctx -> ctx.json(restores.view(me(ctx), ctx.pathParam("id"))));
        r.post(
                "/api/v1/restores/{id}/cancel",
                ctx -> ctx.json(restores.cancel(
                        me(ctx),
                        ctx.pathParam("id"),
                        optionalBody(ctx).path("reason").asText(null))));
        r.post("/api/v1/restores/{id}/approve", ctx -> ctx.json(restores.approve(me(ctx), ctx.pathParam("id"))));
        r.post("/api/v1/storage/test", ctx -> {
            Principal p = me(ctx);
            if (!p.portalAdmin()) throw ApiError.forbidden("only a portal admin tests the storage connection");
            long t0 = System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("location", io.lifeboat.storage.Redaction.redact(s.store.location()));
            try {
                s.store.probe();
                m.put("ok", true);
            } catch (RuntimeException e) {
                m.put("ok", false);
                m.put("error", io.lifeboat.storage.Redaction.redact(String.valueOf(e.getMessage())));
            }
            m.put("seconds", (System.nanoTime() - t0) / 1e9);
            ctx.json(m);
        });
        r.get("/api/v1/users", ctx -> {
            if (!me(ctx).portalAdmin()) throw ApiError.forbidden("only a portal admin lists users");
            ctx.json(items(s.accounts.users()));
        });
        r.post("/api/v1/users", ctx -> created(ctx, createUser(me(ctx), body(ctx))));
        r.post("/api/v1/users/{id}/tokens", ctx -> {
            Principal p = me(ctx);
            String uid = ctx.pathParam("id");
            if (!p.portalAdmin() && !p.userId().equals(uid))
                throw ApiError.forbidden("only a portal admin makes tokens for others");
            JsonNode b = optionalBody(ctx);
            Long exp = null;
            if (b.hasNonNull("expires_in_days")) {
                JsonNode d = b.get("expires_in_days");
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1 || d.asInt() > 3650) {
                    throw ApiError.badRequest("expires_in_days must be a whole number from 1 to 3650");
                }
                exp = Instant.now().plus(Duration.ofDays(d.asInt())).toEpochMilli();
            }
            s.accounts.principal(uid);
            String token = s.accounts.createToken(uid, b.path("name").asText("api"), exp);
            s.audit.record(
                    p.name(),
                    "token.create",
                    "user:" + uid,
                    null,
                    Map.of("name", b.path("name").asText("api")));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token", token);
            m.put("expires_at", exp == null ? null : Instant.ofEpochMilli(exp).toString());
            m.put("note", "the token is shown only now; the server keeps only its hash");
            ctx.status(201).json(m);
        });
        r.get("/api/v1/users/{id}/tokens", ctx -> {
            Principal p = me(ctx);
            String uid = ctx.pathParam("id");
            if (!p.portalAdmin() && !p.userId().equals(uid))
                throw ApiError.forbidden("only a portal admin lists others' tokens");
            s.accounts.principal(uid);
            ctx.json(items(s.accounts.tokens(uid)));
        });
        r.delete("/api/v1/tokens/{id}", ctx -> {
            Principal p = me(ctx);
            String owner = s.accounts.tokenOwner(ctx.pathParam("id"));
            if (!p.portalAdmin() && !p.userId().equals(owner)) throw ApiError.notFound("token " + ctx.pathParam("id"));
            s.accounts.revokeToken(ctx.pathParam("id"));
            s.audit.record(p.name(), "token.revoke", "token:" + ctx.pathParam("id"), null, Map.of("user", owner));
            ctx.status(204);
        });
        r.get("/api/v1/audit", ctx -> {
            if (!me(ctx).portalAdmin()) throw ApiError.forbidden("only a portal admin reads the audit log");
            String before = ctx.queryParam("before");
            int limit = intParam(ctx, "limit", 100, 1, 1000);
            ctx.json(items(s.audit.list(
                    ctx.queryParam("actor"),
                    ctx.queryParam("action"),
                    before == null ? Long.MAX_VALUE : longParam(ctx, "before"),
                    limit)));
        });
        r.get("/api/v1/audit/verify", ctx -> {
            if (!me(ctx).portalAdmin()) throw ApiError.forbidden("only a portal admin verifies the audit log");
            ctx.json(s.audit.verify());
        });
        r.sse("/api/v1/events/stream", this::stream);
    }

    Map<String, Object> createUser(Principal p, JsonNode b) {
        if (!p.portalAdmin()) throw ApiError.forbidden("only a portal admin creates users");
        String name = str(b, "name");
        JsonNode roles = b.path("roles");
        if (!roles.isArray()) throw ApiError.badRequest("roles must be a list of {role, scope_id}");
        for (JsonNode role : roles) {
            Role rl = Role.parse(role.path("role").asText(null));
            String scope = role.path("scope_id").asText(null);
            if (rl == Role.PORTAL_ADMIN ? scope != null : scope == null) {
                throw ApiError.badRequest("role " + rl.id() + " is bound to " + rl.scopeType()
                        + (rl == Role.PORTAL_ADMIN ? " and takes no scope_id" : "; give scope_id"));
            }
        }
        record Grant(Role role, String type, String scope) {}
        java.util.List<Grant> grants = new java.util.ArrayList<>();
        for (JsonNode role : roles) {
            Role rl = Role.parse(role.path("role").asText());
            String scope = role.path("scope_id").asText(null);
            String type;
            if (rl == Role.PORTAL_ADMIN) type = "global";
            else if (s.catalog
                    .row("select id from organizations where id = ?", scope)
                    .isPresent()) type = "org";
            else if (s.catalog
                    .row("select id from projects where id = ?", scope)
                    .isPresent()) type = "project";
            else throw ApiError.unprocessable("scope_id " + scope + " is neither an organization nor a project");
            if (type.equals("org") && (rl == Role.PROJECT_ADMIN || rl == Role.PROJECT_MEMBER)) {
                throw ApiError.badRequest("role " + rl.id() + " is bound to a project, not an organization");
            }
            if (type.equals("project") && (rl == Role.ORG_OWNER || rl == Role.ORG_ADMIN)) {
                throw ApiError.badRequest("role " + rl.id() + " is bound to an organization, not a project");
            }
            grants.add(new Grant(rl, type, scope));
        }
        String id = s.accounts.createUser(name);
        for (Grant g : grants) s.accounts.bind(id, g.role(), g.type(), g.scope());
        s.audit.record(p.name(), "user.create", "user:" + id, null, Map.of("name", name));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("roles", s.accounts.principal(id).bindings());
        return m;
    }

    private void health(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", s.config.serverName());
        try {
            s.catalog.count("select count(*) from servers");
            m.put("status", "ok");
            m.put("catalog", "ok");
        } catch (RuntimeException e) {
            m.put("status", "failing");
            m.put("catalog", "unreachable");
            ctx.status(503);
        }
        m.put("running_tasks", s.running.count());
        ctx.json(m);
    }

    private void download(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        links.check(id, ctx.queryParam("expires"), ctx.queryParam("signature"));
        Map<String, Object> b = backups.view(id);
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + b.get("database_name") + "_" + id + ".zip\"");
        if (b.get("size") != null) ctx.header("Content-Length", b.get("size").toString());
        try (InputStream in = s.store.open((String) b.get("store_key"))) {
            in.transferTo(ctx.outputStream());
        }
    }

    private final Map<String, String> orgOfProject = new ConcurrentHashMap<>();

    private void stream(SseClient client) {
        Context ctx = client.ctx();
        Principal p;
        String token;
        try {
            String t = bearer(ctx);
            token = t == null ? ctx.queryParam("access_token") : t;
            p = s.accounts.authenticate(token);
        } catch (ApiError e) {
            refuse(client, e);
            return;
        }
        final String t = token;
        stream(client, p, () -> s.accounts.authenticate(t));
    }

    /**
     * Streams the events {@code principal} may see to {@code client}, from Last-Event-ID on; {@code reauth}
     * gives the principal again (or throws {@link ApiError}) before each batch, so a revoked token or an ended
     * session stops the stream. A null principal gets an error event.
     */
    void stream(SseClient client, Principal principal, java.util.function.Supplier<Principal> reauth) {
        Context ctx = client.ctx();
        Principal p = principal;
        if (p == null) {
            refuse(client, ApiError.unauthorized("not signed in"));
            return;
        }
        String last = ctx.header("Last-Event-ID");
        if (last == null) last = ctx.queryParam("last_event_id");
        long cursor;
        try {
            cursor = last == null ? s.events.lastId() : Long.parseLong(last.trim());
        } catch (NumberFormatException e) {
            cursor = s.events.lastId();
        }
        client.sendComment("lifeboat events from " + cursor);
        try {
            openStreams.incrementAndGet();
            try {
                pump(client, p, reauth, cursor);
            } finally {
                synchronized (openStreams) {
                    openStreams.decrementAndGet();
                    openStreams.notifyAll();
                }
            }
        } catch (RuntimeException e) {
            // the subscriber went away or the server is stopping: the stream just ends
            LOG.debug("event stream ended: {}", e.toString());
        }
    }

    private void refuse(SseClient client, ApiError e) {
        ObjectNode err = s.json.createObjectNode();
        err.put("error", e.code());
        err.put("message", e.getMessage());
        client.sendEvent("error", err.toString());
        client.close();
    }

    /** Ends the event streams (they end within a poll) and waits a little for them, before HTTP stops. */
    void stop() {
        stopping = true;
        long deadline = System.nanoTime() + 3_000_000_000L;
        synchronized (openStreams) {
            while (openStreams.get() > 0 && System.nanoTime() < deadline) {
                try {
                    openStreams.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicInteger openStreams =
            new java.util.concurrent.atomic.AtomicInteger();

    private void pump(
            SseClient client, Principal principal, java.util.function.Supplier<Principal> reauth, long cursor) {
        Principal p = principal;
        long lastWrite = System.nanoTime();
        long lastAuth = System.nanoTime();
        while (!client.terminated() && !stopping) {
            List<Events.Event> batch = s.events.after(cursor, 500);
            if (!batch.isEmpty() || System.nanoTime() - lastAuth > 5_000_000_000L) {
                // a revoked or expired token, or changed roles, take effect on open streams before anything more
                try {
                    p = reauth.get();
                } catch (ApiError e) {
                    refuse(client, e);
                    return;
                }
                lastAuth = System.nanoTime();
            }
            for (Events.Event e : batch) {
                if (client.terminated()) return;
                cursor = e.id();
                if (!visible(p, e)) continue;
                ObjectNode data = s.json.createObjectNode();
                data.put("id", e.id());
                data.put("type", e.type());
                data.put("at", Instant.ofEpochMilli(e.at()).toString());
                data.put("project_id", e.projectId());
                data.put("environment_id", e.environmentId());
                try {
                    data.set("data", s.json.readTree(e.data()));
                } catch (IOException ex) {
                    data.put("data", e.data());
                }
                client.sendEvent(e.type(), data.toString(), Long.toString(e.id()));
                lastWrite = System.nanoTime();
            }
            if (batch.size() < 500) {
                if (System.nanoTime() - lastWrite > 5_000_000_000L) {
                    client.sendComment("keep-alive");
                    lastWrite = System.nanoTime();
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean visible(Principal p, Events.Event e) {
        if (e.projectId() == null) return p.portalAdmin();
        String org = orgOfProject.computeIfAbsent(e.projectId(), id -> Catalog.str(s.platform.project(id), "org_id"));
        return p.can(Permission.BACKUPS_VIEW, org, e.projectId());
    }

    static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null) return null;
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7))
            throw ApiError.unauthorized("use 'Authorization: Bearer <token>'");
        return h.substring(7).trim();
    }

    static Principal me(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw ApiError.unauthorized("no API token");
        return p;
    }

    private JsonNode body(Context ctx) throws IOException {
        String text = ctx.body();
        if (text.isBlank()) throw ApiError.badRequest("the request needs a JSON body");
        JsonNode n = s.json.readTree(text);
        if (!n.isObject()) throw ApiError.badRequest("the request body must be a JSON object");
        return n;
    }

    private JsonNode optionalBody(Context ctx) throws IOException {
        return ctx.body().isBlank() ? s.json.createObjectNode() : body(ctx);
    }

    private static String str(JsonNode b, String key) {
        JsonNode v = b.get(key);
        if (v == null || v.isNull()) throw ApiError.badRequest(key + " is missing");
        if (!v.isTextual()) throw ApiError.badRequest(key + " must be a string");
        return v.asText();
    }

    private static boolean bool(JsonNode b, String key) {
        JsonNode v = b.get(key);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiError.badRequest(key + " must be true or false");
        return v.asBoolean();
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
        }
    }

    private static long longParam(Context ctx, String name) {
        try {
            long n = Long.parseLong(ctx.queryParam(name));
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a whole number of 1 or more");
        }
    }

    private static Map<String, Object> items(List<?> list) {
        return Map.of("items", list);
    }

    private static Map<String, Object> page(List<?> list, int limit, int offset) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", list);
        m.put("limit", limit);
        m.put("offset", offset);
        return m;
    }

    private static void created(Context ctx, Object o) {
        ctx.status(201).json(o);
    }

    private static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        ctx.status(status).json(m);
    }
}
