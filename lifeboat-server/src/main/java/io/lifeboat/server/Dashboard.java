package io.lifeboat.server;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.lifeboat.LifeboatException;
import io.lifeboat.server.web.Chart;
import io.lifeboat.server.web.Page;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard under {@code /ui}: pages rendered on the server from precompiled templates, a little
 * htmx for partial updates, and the event stream for live restore progress. Every action goes through the
 * same services and permission checks as the API; forms carry the session's form token (CSRF).
 */
final class Dashboard {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    static final String COOKIE = "lifeboat_session";
    private static final String SESSION = "lifeboat.session";
    private static final Map<String, String> STATIC = Map.of(
            "app.css", "/ui/app.css",
            "app.js", "/ui/app.js",
            "htmx.min.js", "/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final Services s;
    private final BackupJobs backups;
    private final RestoreJobs restores;
    private final Schedules schedules;
    private final DrillJobs drills;
    private final Api api;
    private final Sessions sessions;
    private final TemplateEngine templates;

    Dashboard(Services s, BackupJobs backups, RestoreJobs restores, Schedules schedules, DrillJobs drills, Api api) {
        this.s = s;
        this.backups = backups;
        this.restores = restores;
        this.schedules = schedules;
        this.drills = drills;
        this.api = api;
        this.sessions = new Sessions(s.catalog, s.accounts);
        this.templates = TemplateEngine.createPrecompiled(
                null, ContentType.Html, Dashboard.class.getClassLoader(), "io.lifeboat.server.web.templates");
    }

    interface Page0 {
        void handle(Context ctx, Sessions.Session session) throws Exception;
    }

    void routes(JavalinConfig config) {
        var r = config.routes;
        r.get("/", ctx -> ctx.redirect("/ui/"));
        r.get("/ui/static/{name}", this::staticFile);
        r.get("/ui/login", ctx -> {
            headers(ctx);
            signInPage(ctx, 200, "", next(ctx));
        });
        r.post("/ui/login", this::signIn);
        r.post("/ui/logout", page((ctx, ses) -> {
            sessions.close(ctx.cookie(COOKIE));
            ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
            ctx.redirect("/ui/login");
        }));
        r.get("/ui/", page(this::home));
        r.get("/ui/environments/{id}", page(this::environment));
        r.get("/ui/environments/{id}/backups", page(this::backupRows));
        r.post("/ui/environments/{id}/backups", page((ctx, ses) -> {
            Principal p = ses.principal();
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            backups.request(p, env, "manual", blank(ctx.formParam("reason")));
            if (isHtmx(ctx)) {
                backupRows(ctx, ses);
            } else {
                ctx.redirect("/ui/environments/" + env.id());
            }
        }));
        r.post("/ui/environments/{id}/schedule", page(this::saveSchedule));
        r.post("/ui/environments/{id}/drills", page((ctx, ses) -> {
            Principal p = ses.principal();
            Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
            drills.request(p, env);
            ctx.redirect("/ui/environments/" + env.id() + "#drills");
        }));
        r.get("/ui/backups/{id}/restore", page((ctx, ses) -> wizard(ctx, ses, null, 200)));
        r.get("/ui/backups/{id}/restore/target", page(this::targetNotes));
        r.post("/ui/backups/{id}/restore", page(this::restore));
        r.get("/ui/restores", page(this::restoreHistory));
        r.get("/ui/restores/{id}", page(this::restorePage));
        r.get(
                "/ui/restores/{id}/progress",
                page((ctx, ses) -> render(
                        ctx, "progress.jte", Map.of("restore", restores.view(ses.principal(), ctx.pathParam("id"))))));
        r.post("/ui/restores/{id}/cancel", page((ctx, ses) -> {
            restores.cancel(ses.principal(), ctx.pathParam("id"), blank(ctx.formParam("reason")));
            ctx.redirect("/ui/restores/" + ctx.pathParam("id"));
        }));
        r.post("/ui/restores/{id}/approve", page((ctx, ses) -> {
            restores.approve(ses.principal(), ctx.pathParam("id"));
            ctx.redirect("/ui/restores/" + ctx.pathParam("id"));
        }));
        r.get("/ui/drills", page(this::drillsPage));
        r.get(
                "/ui/drills/{id}",
                page((ctx, ses) -> render(
                        ctx,
                        "drill.jte",
                        Map.of(
                                "page",
                                page(ses, "Drill", "drills"),
                                "drill",
                                drills.view(ses.principal(), ctx.pathParam("id"))))));
        r.get("/ui/audit", page(this::audit));
        r.get("/ui/users", page((ctx, ses) -> users(ctx, ses, null, null, 200)));
        r.post("/ui/users", page(this::createUser));
        r.post("/ui/users/{id}/tokens", page(this::createToken));
        r.sse("/ui/events", client -> {
            Optional<Sessions.Session> ses = sessions.find(client.ctx().cookie(COOKIE));
            String id = client.ctx().cookie(COOKIE);
            api.stream(
                    client,
                    ses.map(Sessions.Session::principal).orElse(null),
                    () -> sessions.find(id)
                            .map(Sessions.Session::principal)
                            .orElseThrow(() -> ApiError.unauthorized("the session ended; sign in again")));
        });
    }

    // ---- plumbing

    /** A page that needs a session: no session sends a browser to sign in; a form needs the session's token. */
    private io.javalin.http.Handler page(Page0 handler) {
        return ctx -> {
            headers(ctx);
            Optional<Sessions.Session> ses = sessions.find(ctx.cookie(COOKIE));
            if (ses.isEmpty()) {
                if (ctx.method() == io.javalin.http.HandlerType.GET) {
                    ctx.redirect("/ui/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8));
                } else {
                    signInPage(ctx, 401, "Your session ended; sign in again.", "/ui/");
                }
                return;
            }
            if (ctx.method() == io.javalin.http.HandlerType.POST && !formFromHere(ctx, ses.get())) {
                error(
                        ctx,
                        ses.get(),
                        403,
                        "This form did not come from a page of this dashboard (its form token"
                                + " is missing or wrong). Reload the page and send it again.");
                return;
            }
            try {
                handler.handle(ctx, ses.get());
            } catch (ApiError e) {
                error(ctx, ses.get(), e.status(), e.getMessage());
            } catch (LifeboatException e) {
                error(
                        ctx,
                        ses.get(),
                        e.kind() == LifeboatException.Kind.CONFLICT ? 409 : 422,
                        e.getMessage() + (e.hint() == null ? "" : " " + e.hint()));
            }
        };
    }

    private boolean formFromHere(Context ctx, Sessions.Session ses) {
        if (!sameOrigin(ctx)) return false;
        String sent = ctx.header("X-CSRF-Token");
        if (sent == null) sent = ctx.formParam("_csrf");
        return Sessions.csrfMatches(ses, sent);
    }

    private void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private void staticFile(Context ctx) {
        String path = STATIC.get(ctx.pathParam("name"));
        InputStream in = path == null ? null : Dashboard.class.getResourceAsStream(path);
        if (in == null) {
            ctx.status(404).result("not found");
            return;
        }
        String name = ctx.pathParam("name");
        ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.result(in);
    }

    private void render(Context ctx, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private void error(Context ctx, Sessions.Session ses, int status, String message) {
        ctx.status(status);
        render(ctx, "error.jte", Map.of("page", page(ses, "Refused", ""), "status", status, "message", message));
    }

    private void signInPage(Context ctx, int status, String error, String nextPath) {
        ctx.status(status);
        render(ctx, "login.jte", Map.of("page", Page.signIn(), "error", error, "next", nextPath));
    }

    private static Page page(Sessions.Session ses, String title, String section) {
        return new Page(
                title, ses.principal().name(), ses.csrf(), ses.principal().portalAdmin(), section);
    }

    private static boolean isHtmx(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String next(Context ctx) {
        return next(ctx.queryParam("next"));
    }

    /** Where to go after signing in: only a path of this dashboard, never another site. */
    private static String next(String n) {
        return n != null && n.startsWith("/ui/") && !n.startsWith("//") && !n.contains("\\") ? n : "/ui/";
    }

    /** Whether a request's Origin, when it sends one, is this server. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.equals("null")) return true;
        try {
            String host = URI.create(origin).getAuthority();
            return host != null && host.equalsIgnoreCase(ctx.host());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void signIn(Context ctx) {
        headers(ctx);
        if (!sameOrigin(ctx)) {
            signInPage(ctx, 403, "Sign in from this server's page.", "/ui/");
            return;
        }
        String token = ctx.formParam("token");
        String nextPath = next(ctx.formParam("next"));
        try {
            String id = sessions.open(token);
            boolean secure = "https".equals(ctx.scheme())
                    || (s.config.publicUrl() != null && s.config.publicUrl().startsWith("https:"));
            ctx.header(
                    "Set-Cookie",
                    COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
            Principal p = s.accounts.authenticate(token);
            s.audit.record(p.name(), "session.open", "user:" + p.userId(), null, Map.of());
            ctx.redirect(nextPath);
        } catch (ApiError e) {
            LOG.info("dashboard sign-in refused: {}", e.getMessage());
            signInPage(ctx, 401, "That token is not valid: " + e.getMessage(), nextPath);
        }
    }

    // ---- pages

    private void home(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> projectNames = new LinkedHashMap<>();
        for (var pr : s.platform.projects(p)) projectNames.put(Catalog.str(pr, "id"), Catalog.str(pr, "name"));
        for (Environment e : s.platform.environments(p, null)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("name", e.name());
            m.put("type", e.type());
            m.put("state", e.state());
            m.put("server", e.serverName());
            m.put("project", projectNames.getOrDefault(e.projectId(), ""));
            var last = backups.list(e, null, null, 1, 0);
            m.put("backup_status", last.isEmpty() ? null : last.get(0).get("status"));
            m.put(
                    "backup_at",
                    last.isEmpty()
                            ? null
                            : Optional.ofNullable(last.get(0).get("completed_at"))
                                    .orElse(last.get(0).get("created_at")));
            var lastGood = backups.list(e, "completed", null, 1, 0);
            m.put("good_backup_at", lastGood.isEmpty() ? null : lastGood.get(0).get("completed_at"));
            var drill = drills.latest(e);
            m.put("drill_status", drill.map(d -> d.get("status")).orElse(null));
            m.put(
                    "drill_at",
                    drill.map(d -> d.get("completed_at") != null ? d.get("completed_at") : d.get("created_at"))
                            .orElse(null));
            m.put("drill_rto_ms", drill.map(d -> d.get("rto_ms")).orElse(null));
            m.put("drill_rpo_ms", drill.map(d -> d.get("rpo_ms")).orElse(null));
            rows.add(m);
        }
        render(ctx, "home.jte", Map.of("page", page(ses, "Overview", "overview"), "envs", rows));
    }

    private void environment(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page(ses, env.name(), "overview"));
        m.put("env", env);
        m.put("project", s.platform.project(env.projectId()));
        m.put("rows", backupRowsModel(ctx, p, env));
        m.put("schedule", schedules.get(env));
        m.put("canBackup", p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId()));
        m.put("canSchedule", p.can(Permission.ENVIRONMENTS_CREATE, env.orgId(), env.projectId()));
        m.put("canRestore", p.can(Permission.BACKUPS_RESTORE, env.orgId(), env.projectId()));
        List<Map<String, Object>> envDrills = drills.list(env, 20);
        m.put("drills", envDrills);
        m.put("chart", Chart.svg(drills.points(env)));
        m.put("restores", restores.list(p, env.id(), null, 10, 0));
        m.put("notice", ctx.queryParam("saved") != null ? "Schedule saved." : "");
        render(ctx, "environment.jte", m);
    }

    private Map<String, Object> backupRowsModel(Context ctx, Principal p, Environment env) {
        String status = blank(ctx.queryParam("status"));
        String type = blank(ctx.queryParam("type"));
        int offset = 0;
        try {
            offset = Math.max(
                    0,
                    Integer.parseInt(
                            Optional.ofNullable(ctx.queryParam("offset")).orElse("0")));
        } catch (NumberFormatException e) {
            offset = 0;
        }
        int limit = 20;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("envId", env.id());
        m.put("status", status == null ? "" : status);
        m.put("type", type == null ? "" : type);
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("backups", backups.list(env, status, type, limit, offset));
        m.put(
                "canRestore",
                p.can(Permission.BACKUPS_RESTORE, env.orgId(), env.projectId())
                        || !s.platform.projects(p).isEmpty());
        m.put("statuses", List.copyOf(new java.util.TreeSet<>(BackupJobs.STATUSES)));
        m.put("types", List.copyOf(new java.util.TreeSet<>(BackupJobs.TYPES)));
        return m;
    }

    private void backupRows(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
        render(ctx, "backup_rows.jte", Map.of("rows", backupRowsModel(ctx, p, env), "csrf", ses.csrf()));
    }

    private void saveSchedule(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        Environment env = s.platform.visibleEnvironment(p, ctx.pathParam("id"));
        var body = s.json.createObjectNode();
        body.put(
                "backup_cron",
                Optional.ofNullable(blank(ctx.formParam("backup_cron"))).orElse(Schedules.DEFAULT_CRON));
        String check = blank(ctx.formParam("check_cron"));
        if (check != null) body.put("check_cron", check);
        String drill = blank(ctx.formParam("drill_cron"));
        if (drill != null) body.put("drill_cron", drill);
        body.put("enabled", ctx.formParam("enabled") != null);
        body.put("drills_enabled", ctx.formParam("drills_enabled") != null);
        var keep = body.putObject("retention");
        for (String k : List.of("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")) {
            String v = blank(ctx.formParam(k));
            if (v == null) continue;
            try {
                keep.put(k, Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("retention " + k + " must be a whole number of 0 or more");
            }
        }
        schedules.put(p, env, body);
        ctx.redirect("/ui/environments/" + env.id() + "?saved=1#schedule");
    }

    private void wizard(Context ctx, Sessions.Session ses, String error, int status) {
        Principal p = ses.principal();
        String backupId = ctx.pathParam("id");
        Map<String, Object> backup = backups.view(p, backupId);
        Environment source = s.platform.environment((String) backup.get("environment_id"));
        List<Map<String, Object>> servers;
        try {
            servers = restores.compatibleServers(p, backupId);
        } catch (ApiError e) {
            servers = List.of();
        }
        String target =
                Optional.ofNullable(ctx.formParam("target_environment_id")).orElse(source.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page(ses, "Restore", "restores"));
        m.put("backup", backup);
        m.put("source", source);
        m.put("envs", restores.compatibleEnvironments(p, backupId));
        m.put("servers", servers);
        m.put("projects", s.platform.projects(p));
        m.put("notes", targetNotesModel(p, backup, target));
        m.put("form", form(ctx));
        m.put("error", error == null ? "" : error);
        ctx.status(status);
        render(ctx, "wizard.jte", m);
    }

    private Map<String, String> form(Context ctx) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String k : List.of(
                "mode",
                "target_environment_id",
                "name",
                "type",
                "project_id",
                "server",
                "instance",
                "database",
                "confirm_environment_name",
                "reason")) {
            f.put(k, Optional.ofNullable(ctx.formParam(k)).orElse(""));
        }
        boolean posted = ctx.method() == io.javalin.http.HandlerType.POST;
        f.put("mode", f.get("mode").isEmpty() ? "original" : f.get("mode"));
        f.put("type", f.get("type").isEmpty() ? "development" : f.get("type"));
        f.put("create_pre_restore_backup", !posted || ctx.formParam("create_pre_restore_backup") != null ? "on" : "");
        f.put("include_filestore", posted && "false".equals(ctx.formParam("include_filestore")) ? "false" : "true");
        return f;
    }

    private Map<String, Object> targetNotesModel(Principal p, Map<String, Object> backup, String targetId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("production", false);
        m.put("name", "");
        m.put("warning", "");
        if (targetId == null || targetId.isBlank()) return m;
        try {
            Environment t = s.platform.visibleEnvironment(p, targetId);
            m.put("production", t.production());
            m.put("name", t.name());
            String w = restores.versionWarning(backup, t);
            m.put("warning", w == null ? "" : w);
        } catch (ApiError e) {
            m.put("warning", e.getMessage());
        }
        return m;
    }

    private void targetNotes(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        Map<String, Object> backup = backups.view(p, ctx.pathParam("id"));
        String target = ctx.queryParam("target_environment_id");
        String mode = Optional.ofNullable(ctx.queryParam("mode")).orElse("original");
        if (mode.equals("original")) target = (String) backup.get("environment_id");
        Map<String, Object> notes = mode.equals("original") || mode.equals("existing")
                ? targetNotesModel(p, backup, target)
                : Map.of("production", "production".equals(ctx.queryParam("type")), "name", "", "warning", "");
        render(ctx, "target_notes.jte", Map.of("notes", notes, "value", ""));
    }

    private void restore(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        String backupId = ctx.pathParam("id");
        Map<String, String> f = form(ctx);
        String mode = f.get("mode");
        if (!RestoreJobs.MODES.contains(mode)) throw ApiError.badRequest("choose where to restore");
        String target = mode.equals("existing") ? blank(f.get("target_environment_id")) : null;
        boolean isNew = mode.equals("new") || mode.equals("cross_server");
        RestoreJobs.Ask ask = new RestoreJobs.Ask(
                backupId,
                mode,
                target,
                isNew ? blank(f.get("name")) : null,
                isNew ? blank(f.get("type")) : null,
                mode.equals("cross_server") ? blank(f.get("server")) : null,
                isNew ? blank(f.get("instance")) : null,
                isNew ? blank(f.get("database")) : null,
                isNew ? blank(f.get("project_id")) : null,
                "on".equals(f.get("create_pre_restore_backup")),
                !"false".equals(f.get("include_filestore")),
                blank(f.get("reason")),
                blank(f.get("confirm_environment_name")),
                false,
                null);
        if (isNew && ask.newName() == null) {
            wizard(ctx, ses, "Give the new environment a name.", 422);
            return;
        }
        Map<String, Object> r;
        try {
            r = restores.request(p, ask);
        } catch (ApiError e) {
            wizard(ctx, ses, e.getMessage(), e.status());
            return;
        }
        ctx.redirect("/ui/restores/" + r.get("id"));
    }

    private void restorePage(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        Map<String, Object> r = restores.view(p, ctx.pathParam("id"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page(ses, "Restore into " + r.get("target_environment_name"), "restores"));
        m.put("restore", r);
        String projectId = (String) r.get("project_id");
        String orgId = Catalog.str(s.platform.project(projectId), "org_id");
        m.put("canCancel", p.can(Permission.BACKUPS_RESTORE, orgId, projectId));
        m.put("canApprove", p.canRestoreProduction(orgId, projectId));
        render(ctx, "restore.jte", m);
    }

    private void restoreHistory(Context ctx, Sessions.Session ses) {
        String status = blank(ctx.queryParam("status"));
        render(
                ctx,
                "restores.jte",
                Map.of(
                        "page",
                        page(ses, "Restores", "restores"),
                        "restores",
                        restores.list(ses.principal(), null, status, 100, 0),
                        "status",
                        status == null ? "" : status));
    }

    private void drillsPage(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        List<Map<String, Object>> envs = new ArrayList<>();
        for (Environment e : s.platform.environments(p, null)) {
            List<Map<String, Object>> list = drills.list(e, 10);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("env", e);
            m.put("drills", list);
            m.put("chart", Chart.svg(drills.points(e)));
            envs.add(m);
        }
        render(ctx, "drills.jte", Map.of("page", page(ses, "Drills", "drills"), "envs", envs));
    }

    private void audit(Context ctx, Sessions.Session ses) {
        if (!ses.principal().portalAdmin()) throw ApiError.forbidden("only a portal admin reads the audit log");
        String actor = blank(ctx.queryParam("actor"));
        String action = blank(ctx.queryParam("action"));
        render(
                ctx,
                "audit.jte",
                Map.of(
                        "page",
                        page(ses, "Audit log", "audit"),
                        "records",
                        s.audit.list(actor, action, Long.MAX_VALUE, 200),
                        "verify",
                        s.audit.verify(),
                        "actor",
                        actor == null ? "" : actor,
                        "action",
                        action == null ? "" : action));
    }

    private void users(Context ctx, Sessions.Session ses, String token, String error, int status) {
        if (!ses.principal().portalAdmin()) throw ApiError.forbidden("only a portal admin manages users");
        List<Map<String, Object>> scopes = new ArrayList<>();
        for (var o : s.platform.organizations(ses.principal())) {
            scopes.add(Map.of("id", o.get("id"), "label", "organization " + o.get("name")));
        }
        for (var pr : s.platform.projects(ses.principal())) {
            scopes.add(Map.of("id", pr.get("id"), "label", "project " + pr.get("name")));
        }
        ctx.status(status);
        render(
                ctx,
                "users.jte",
                Map.of(
                        "page",
                        page(ses, "Users and roles", "users"),
                        "users",
                        s.accounts.users(),
                        "roles",
                        java.util.Arrays.stream(Role.values()).map(Role::id).toList(),
                        "scopes",
                        scopes,
                        "token",
                        token == null ? "" : token,
                        "error",
                        error == null ? "" : error));
    }

    private void createUser(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        if (!p.portalAdmin()) throw ApiError.forbidden("only a portal admin creates users");
        String name = blank(ctx.formParam("name"));
        Role role = Role.parse(Optional.ofNullable(ctx.formParam("role")).orElse(""));
        String scope = role == Role.PORTAL_ADMIN ? null : blank(ctx.formParam("scope_id"));
        var body = s.json.createObjectNode();
        body.put("name", name);
        var roles = body.putArray("roles");
        var binding = roles.addObject();
        binding.put("role", role.id());
        if (scope != null) binding.put("scope_id", scope);
        try {
            api.createUser(p, body);
        } catch (ApiError e) {
            users(ctx, ses, null, e.getMessage(), e.status());
            return;
        }
        ctx.redirect("/ui/users");
    }

    private void createToken(Context ctx, Sessions.Session ses) {
        Principal p = ses.principal();
        if (!p.portalAdmin()) throw ApiError.forbidden("only a portal admin makes tokens for others");
        String uid = ctx.pathParam("id");
        s.accounts.principal(uid);
        String name = Optional.ofNullable(blank(ctx.formParam("name"))).orElse("dashboard");
        String token = s.accounts.createToken(uid, name, null);
        s.audit.record(p.name(), "token.create", "user:" + uid, null, Map.of("name", name));
        users(ctx, ses, token, null, 201);
    }
}
