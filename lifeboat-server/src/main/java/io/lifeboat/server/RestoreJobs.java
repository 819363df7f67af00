package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores of backups into environments, with every safety rule of the CLI: a safety backup of the target
 * first (by default), the download checked against the backup's SHA-256, the core's restore aside, verify
 * and swap, and on any failure or cancel a FAILED (or CANCELLED) restore point naming the step, the target
 * untouched and the safety backup kept. A new environment whose restore failed is removed entirely.
 */
final class RestoreJobs {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJobs.class);
    static final String CONFIRMATION_WORD = "restore-again";
    static final Set<String> MODES = Set.of("original", "existing", "new", "cross_server");
    private final Services s;
    private final Jobs jobs;
    private final BackupJobs backups;
    private final long staleMillis;

    RestoreJobs(Services s, Jobs jobs, BackupJobs backups) {
        this.s = s;
        this.jobs = jobs;
        this.backups = backups;
        this.staleMillis = s.config.staleMillis();
    }

    /** What a restore request says, whichever API version it came through. */
    record Ask(
            String backupId,
            String mode,
            String targetEnvironmentId,
            String newName,
            String newType,
            String newServer,
            String newInstance,
            String newDatabase,
            String newProjectId,
            boolean preRestoreBackup,
            boolean includeFilestore,
            String reason,
            String confirmEnvironmentName,
            boolean force,
            String confirmationWord) {}

    static Ask fromV1(JsonNode b) {
        return new Ask(
                text(b, "backup_id"),
                null,
                text(b, "target_environment_id"),
                null,
                null,
                null,
                null,
                null,
                null,
                bool(b, "create_pre_restore_backup", true),
                bool(b, "include_filestore", true),
                text(b, "reason"),
                text(b, "confirm_environment_name"),
                bool(b, "force", false),
                text(b, "confirmation_word"));
    }

    static Ask fromV2(JsonNode b) {
        JsonNode t = b.get("target");
        if (t == null || !t.isObject()) throw ApiError.badRequest("target is missing: {\"mode\": \"original\"|…}");
        return new Ask(
                text(b, "backup_id"),
                text(t, "mode"),
                text(t, "environment_id"),
                text(t, "name"),
                text(t, "type"),
                text(t, "server"),
                text(t, "instance"),
                text(t, "database"),
                text(t, "project_id"),
                bool(b, "create_pre_restore_backup", true),
                bool(b, "include_filestore", true),
                text(b, "reason"),
                text(b, "confirm_environment_name"),
                bool(b, "force", false),
                text(b, "confirmation_word"));
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.badRequest(k + " must be a string");
        return v.asText();
    }

    private static boolean bool(JsonNode n, String k, boolean dflt) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw ApiError.badRequest(k + " must be true or false");
        return v.asBoolean();
    }

    /** Checks a restore request and queues it on the target's server; returns the restore point. */
    Map<String, Object> request(Principal p, Ask ask) {
        if (ask.backupId() == null) throw ApiError.badRequest("backup_id is missing");
        Map<String, Object> backup = backups.view(p, ask.backupId());
        if (!"completed".equals(backup.get("status"))) {
            throw ApiError.conflict("backup " + ask.backupId() + " is " + backup.get("status")
                    + "; only a completed backup can be restored");
        }
        Environment source = s.platform.environment((String) backup.get("environment_id"));
        String mode = ask.mode();
        if (mode == null) {
            if (ask.targetEnvironmentId() == null) throw ApiError.badRequest("target_environment_id is missing");
            mode = ask.targetEnvironmentId().equals(source.id()) ? "original" : "existing";
        }
        if (!MODES.contains(mode)) {
            throw ApiError.badRequest("target.mode must be original, existing, new or cross_server");
        }
        Environment target;
        boolean isNew = mode.equals("new") || mode.equals("cross_server");
        if (mode.equals("original")) {
            if (ask.targetEnvironmentId() != null && !ask.targetEnvironmentId().equals(source.id())) {
                throw ApiError.badRequest("mode original restores into the backup's own environment; use existing");
            }
            target = source;
        } else if (mode.equals("existing")) {
            if (ask.targetEnvironmentId() == null) throw ApiError.badRequest("target.environment_id is missing");
            target = s.platform.visibleEnvironment(p, ask.targetEnvironmentId());
        } else {
            String server = mode.equals("new") ? source.serverName() : ask.newServer();
            if (server == null) throw ApiError.badRequest("target.server is missing for a cross_server restore");
            if (mode.equals("new")
                    && ask.newServer() != null
                    && !ask.newServer().equals(source.serverName())) {
                throw ApiError.badRequest("mode new stays on the backup's server; use cross_server for another one");
            }
            if (mode.equals("cross_server") && server.equals(source.serverName())) {
                throw ApiError.badRequest("cross_server needs a server other than the backup's (" + server + ")");
            }
            checkServer(server);
            target = null;
        }
        String projectId = target != null
                ? target.projectId()
                : (ask.newProjectId() != null ? ask.newProjectId() : source.projectId());
        Map<String, Object> project = s.platform.project(projectId);
        String orgId = (String) project.get("org_id");
        if (!p.can(Permission.BACKUPS_RESTORE, orgId, projectId)) {
            throw ApiError.forbidden(
                    "you may not restore into this project (needs " + Permission.BACKUPS_RESTORE.id() + ")");
        }
        List<String> warnings = new ArrayList<>();
        boolean production;
        if (target != null) {
            production = target.production();
            checkServer(target.serverName());
        } else {
            if (!p.can(Permission.ENVIRONMENTS_CREATE, orgId, projectId)) {
                throw ApiError.forbidden("a restore into a new environment creates one (needs "
                        + Permission.ENVIRONMENTS_CREATE.id() + ")");
            }
            production = Environment.PRODUCTION.equals(ask.newType());
        }
        if (production && !p.canRestoreProduction(orgId, projectId)) {
            throw ApiError.forbidden("your role may restore only into environments that are not production");
        }
        if (production && target != null && !target.name().equals(ask.confirmEnvironmentName())) {
            throw ApiError.unprocessable("restoring into production environment '" + target.name() + "' replaces its"
                    + " data: type its name in confirm_environment_name to confirm");
        }
        if (target != null
                && ask.backupId().equals(target.createdFromBackupId())
                && target.importRestoredAt() != null) {
            if (!ask.force()) {
                throw ApiError.conflict("environment '" + target.name() + "' was created from this backup and"
                        + " restored from it at " + Instant.ofEpochMilli(target.importRestoredAt()) + "; it is not"
                        + " restored from it again unless forced (force: true, confirmation_word: \""
                        + CONFIRMATION_WORD + "\")");
            }
            if (!CONFIRMATION_WORD.equals(ask.confirmationWord())) {
                throw ApiError.unprocessable(
                        "forcing this restore needs confirmation_word \"" + CONFIRMATION_WORD + "\"");
            }
            warnings.add("forced: environment was already restored from this backup at "
                    + Instant.ofEpochMilli(target.importRestoredAt()));
        }
        if (target != null
                && s.catalog.count(
                                "select count(*) from restores where target_environment_id = ? and status in"
                                        + " ('pending', 'running', 'awaiting_approval')",
                                target.id())
                        > 0) {
            throw ApiError.conflict("a restore into environment '" + target.name() + "' is already queued or running");
        }
        if (target != null) {
            String w = versionWarning(backup, target);
            if (w != null) warnings.add(w);
        }
        // a new environment is recorded now (state restoring) so its name is taken; it is removed if the restore fails
        if (target == null) {
            String server = mode.equals("new") ? source.serverName() : ask.newServer();
            String instance =
                    ask.newInstance() != null ? ask.newInstance() : mode.equals("new") ? source.instance() : null;
            if (instance == null) throw ApiError.badRequest("target.instance is missing for a cross_server restore");
            String database = ask.newDatabase() != null ? ask.newDatabase() : ask.newName();
            target = s.platform.createEnvironment(
                    p,
                    projectId,
                    ask.newName(),
                    ask.newType() == null ? "development" : ask.newType(),
                    server,
                    instance,
                    database,
                    "restoring");
            s.catalog.update(
                    "update environments set created_from_backup_id = ? where id = ?", ask.backupId(), target.id());
        }
        boolean approval = production && Boolean.TRUE.equals(project.get("require_approval"));
        String id = UUID.randomUUID().toString();
        s.catalog.update(
                "insert into restores (id, backup_id, target_environment_id, target_environment_name, project_id,"
                        + " mode, status, requested_by, reason, include_filestore, create_pre_restore_backup, is_new,"
                        + " cross_server, server_name, created_at, warnings) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?, ?)",
                id,
                ask.backupId(),
                target.id(),
                target.name(),
                target.projectId(),
                mode,
                approval ? "awaiting_approval" : "pending",
                p.name(),
                ask.reason(),
                ask.includeFilestore(),
                ask.preRestoreBackup(),
                isNew,
                !target.serverName().equals(source.serverName()),
                target.serverName(),
                Platform.now(),
                s.toJson(warnings));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup", ask.backupId());
        details.put("target", target.id());
        details.put("mode", mode);
        details.put("production", production);
        details.put("force", ask.force());
        s.audit.record(p.name(), "restore.request", "restore:" + id, ask.reason(), details);
        if (!approval) {
            jobs.scheduleRestore(target.serverName(), id);
        } else {
            s.events.publish("restore.awaiting_approval", target.projectId(), target.id(), Map.of("restore_id", id));
        }
        return view(id);
    }

    /** A warning when the backup's Odoo version differs from the one the target's last backup ran, else null. */
    String versionWarning(Map<String, Object> backup, Environment target) {
        String targetVersion = s.catalog
                .row(
                        "select odoo_version from backups where environment_id = ? and status = 'completed' and"
                                + " odoo_version is not null order by completed_at desc limit 1",
                        target.id())
                .map(r -> Catalog.str(r, "odoo_version"))
                .orElse(null);
        Object v = backup.get("odoo_version");
        if (targetVersion != null && v != null && !major(targetVersion).equals(major(v.toString()))) {
            return "the backup is from Odoo " + v + " and environment '" + target.name() + "' runs Odoo "
                    + targetVersion + "; the modules of the target's code must match the backup's";
        }
        return null;
    }

    private static String major(String v) {
        int dot = v.indexOf('.');
        String m = dot < 0 ? v : v.substring(0, dot);
        return m.replace("saas~", "");
    }

    private void checkServer(String server) {
        var r = s.catalog
                .row("select heartbeat_at from servers where name = ?", server)
                .orElseThrow(
                        () -> ApiError.unprocessable("no server named '" + server + "' has reported to this catalog"));
        long age = Platform.now() - Catalog.num(r, "heartbeat_at");
        if (age > staleMillis) {
            throw ApiError.unprocessable("server '" + server + "' has not reported for " + age / 1000
                    + " s; start or repair lifeboat server there first");
        }
    }

    /** A second admin approves a production restore of a project that asks for approval. */
    Map<String, Object> approve(Principal p, String id) {
        Map<String, Object> r = view(p, id);
        if (!"awaiting_approval".equals(r.get("status"))) {
            throw ApiError.conflict("restore " + id + " is " + r.get("status") + ", not awaiting approval");
        }
        if (p.name().equals(r.get("requested_by"))) {
            throw ApiError.forbidden("a restore is approved by someone other than who asked for it");
        }
        Environment env = s.platform.environment((String) r.get("target_environment_id"));
        if (!p.canRestoreProduction(env.orgId(), env.projectId())) {
            throw ApiError.forbidden("approving needs a role that may restore into production here");
        }
        int n = s.catalog.update(
                "update restores set status = 'pending', approved_by = ? where id = ? and status = 'awaiting_approval'",
                p.name(),
                id);
        if (n == 0) throw ApiError.conflict("restore " + id + " changed meanwhile");
        s.audit.record(p.name(), "restore.approve", "restore:" + id, null, Map.of());
        jobs.scheduleRestore(env.serverName(), id);
        return view(id);
    }

    Map<String, Object> cancel(Principal p, String id, String reason) {
        Map<String, Object> r = view(p, id);
        Environment env = s.platform.environment((String) r.get("target_environment_id"));
        if (!p.name().equals(r.get("requested_by"))
                && !p.can(Permission.BACKUPS_RESTORE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("you may not cancel this restore");
        }
        String status = (String) r.get("status");
        if (!Set.of("pending", "running", "awaiting_approval").contains(status)) {
            throw ApiError.conflict(
                    "restore " + id + " is " + status + "; only a queued or running restore is cancelled");
        }
        s.audit.record(p.name(), "restore.cancel", "restore:" + id, reason, Map.of());
        if ("awaiting_approval".equals(status)
                || ("pending".equals(status) && jobs.unqueueRestore(env.serverName(), id))) {
            if (s.catalog.update(
                            "update restores set status = 'cancelled', completed_at = ?, error_step = 'queued',"
                                    + " error_message = 'cancelled before it started' where id = ? and status = ?",
                            Platform.now(),
                            id,
                            status)
                    > 0) {
                if (Boolean.TRUE.equals(r.get("is_new"))) removeNewEnvironment(env);
                s.events.publish(
                        "restore.cancelled",
                        env.projectId(),
                        env.id(),
                        Map.of("restore_id", id, "step", "queued", "cancelled", true));
                return view(id);
            }
        }
        s.catalog.update("update restores set cancel_requested = 1 where id = ?", id);
        return view(id);
    }

    /** The job: runs a queued restore on this worker. */
    void execute(String id) {
        var row = s.catalog.row("select * from restores where id = ?", id).orElse(null);
        if (row == null) return;
        String status = Catalog.str(row, "status");
        Environment env = s.platform.environment(Catalog.str(row, "target_environment_id"));
        if ("running".equals(status)) {
            // revived after this worker died mid-restore: the core's restore-aside left the target as it was
            String step = Catalog.str(row, "step");
            cleanupLeftovers(env);
            try {
                Files.deleteIfExists(s.config.spool().resolve("restore-" + id + ".zip"));
            } catch (IOException e) {
                LOG.warn("could not remove the download of interrupted restore {}", id);
            }
            fail(
                    id,
                    env,
                    row,
                    step == null ? "unknown" : step,
                    "the worker stopped during step " + step + "; the target was left as it was",
                    false);
            return;
        }
        if (!"pending".equals(status)) return;
        if (Catalog.flag(row, "cancel_requested")) {
            fail(id, env, row, "queued", "cancelled before it started", true);
            return;
        }
        Running.Job job = s.running.start("restore", id, env.projectId(), env.id());
        Path zip = s.config.spool().resolve("restore-" + id + ".zip");
        try {
            s.catalog.update("update restores set status = 'running', started_at = ? where id = ?", Platform.now(), id);
            s.events.publish("restore.started", env.projectId(), env.id(), Map.of("restore_id", id));
            if (env.production()) s.notifications.productionRestore(id, env);
            job.live();
            perform(id, row, env, job, zip);
        } catch (RuntimeException | IOException e) {
            boolean cancelled = e instanceof LifeboatException le && le.kind() == LifeboatException.Kind.CANCELLED;
            String message = e instanceof LifeboatException le && le.hint() != null
                    ? le.getMessage() + " (" + le.hint() + ")"
                    : String.valueOf(e.getMessage());
            LOG.warn("restore {} failed in step {}: {}", id, job.step, message);
            job.ended();
            try {
                Files.deleteIfExists(zip); // before the record says it ended: nothing of it remains then
            } catch (IOException ignored) {
                LOG.warn("could not remove {}", zip);
            }
            fail(
                    id,
                    env,
                    s.catalog.row("select * from restores where id = ?", id).orElseThrow(),
                    job.step,
                    message,
                    cancelled);
        } finally {
            s.running.finish(job);
            if (env.production()) s.notifications.productionRestore(id, env);
            try {
                Files.deleteIfExists(zip);
            } catch (IOException e) {
                LOG.warn("could not remove {}", zip);
            }
        }
    }

    private void perform(String id, Map<String, Object> row, Environment env, Running.Job job, Path zip)
            throws IOException {
        Map<String, Object> backup = backups.view(Catalog.str(row, "backup_id"));
        Lifeboat lb = s.lifeboat(env.instance());
        boolean exists = lb.databases(DatabasesRequest.all(), Observer.none())
                .databases()
                .containsKey(env.databaseName());
        boolean isNew = Catalog.flag(row, "is_new");
        job.step("downloading", 0, 15);
        download(backup, zip, job);
        job.cancellation.check();
        // the same checks the restore makes, before anything changes (a newer pg_dump, a name taken)
        job.step("checking", 15, 20);
        String mode = Catalog.str(row, "mode");
        boolean original = "original".equals(mode);
        RestoreRequest rq = RestoreRequest.of(RestoreRequest.Source.file(zip), env.databaseName())
                .withReplace(exists && !isNew)
                .withMode(
                        Catalog.flag(row, "include_filestore") ? RestoreRequest.Mode.FULL : RestoreRequest.Mode.DB_ONLY)
                .withCopy(!original)
                .withNeutralize(!original && !env.production());
        RestoreResult plan = lb.restore(rq.withDryRun(true), Observer.of(e -> {}, job.cancellation));
        if (plan.plan().refused() != null) {
            throw new LifeboatException(
                    plan.plan().refusal() == null
                            ? LifeboatException.Kind.BAD_INPUT
                            : plan.plan().refusal(),
                    "refused before anything changed: " + plan.plan().refused());
        }
        job.cancellation.check();
        if (Catalog.flag(row, "create_pre_restore_backup") && exists) {
            job.step("pre_restore_backup", 20, 40);
            String pre = backups.runNow(env, "pre_restore", "lifeboat", job);
            s.catalog.update("update restores set pre_restore_backup_id = ? where id = ?", pre, id);
        }
        job.cancellation.check();
        job.step("restoring_db", 40, 75);
        RestoreResult result = lb.restore(rq, Observer.of(e -> onProgress(job, e), job.cancellation));
        Files.deleteIfExists(zip);
        List<String> warnings = new ArrayList<>(readWarnings(row));
        warnings.addAll(result.warnings());
        long now = Platform.now();
        long started = Catalog.num(
                s.catalog
                        .row("select started_at from restores where id = ?", id)
                        .orElseThrow(),
                "started_at");
        job.percent = 100;
        s.catalog.update(
                "update restores set status = 'completed', step = 'completed', percent = 100, completed_at = ?,"
                        + " duration_ms = ?, warnings = ?, result = ? where id = ?",
                now,
                now - started,
                s.toJson(warnings),
                s.toJson(result),
                id);
        s.catalog.update("update environments set state = 'ready' where id = ?", env.id());
        if (Catalog.str(row, "backup_id").equals(env.createdFromBackupId())) {
            s.catalog.update("update environments set import_restored_at = ? where id = ?", now, env.id());
        }
        s.audit.record("lifeboat", "restore.completed", "restore:" + id, null, Map.of("duration_ms", now - started));
        job.ended();
        s.events.publish(
                "restore.completed", env.projectId(), env.id(), Map.of("restore_id", id, "duration_ms", now - started));
    }

    private static void onProgress(Running.Job job, ProgressEvent e) {
        if (e.type() == ProgressEvent.Type.PHASE && e.phase() != null) {
            if (e.phase().startsWith("load database")) job.step("restoring_db", 40, 75);
            else if (e.phase().startsWith("restore filestore")) job.step("restoring_files", 75, 92);
            else if (e.phase().startsWith("verify")) job.step("verifying", 92, 100);
        }
        job.progress(e);
    }

    /** Copies a backup from the store to {@code zip}, checking it against its recorded SHA-256. */
    void download(Map<String, Object> backup, Path zip, Running.Job job) throws IOException {
        Files.createDirectories(zip.getParent());
        MessageDigest sha = BackupJobs.sha256();
        long size = backup.get("size") == null ? -1 : ((Number) backup.get("size")).longValue();
        try (InputStream in = new DigestInputStream(s.store.open((String) backup.get("store_key")), sha);
                OutputStream out = Files.newOutputStream(zip)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                done += n;
                job.progress(new ProgressEvent(
                        null, ProgressEvent.Type.ADVANCE, "downloading", "bytes", done, size, n, null, null));
                job.cancellation.check();
            }
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equals(backup.get("sha256"))) {
            throw new LifeboatException(
                    LifeboatException.Kind.INTEGRITY,
                    "the backup downloaded from the store does not match its SHA-256 (" + got + ", recorded "
                            + backup.get("sha256") + ")",
                    "The stored copy is damaged; restore another backup.");
        }
    }

    private List<String> readWarnings(Map<String, Object> row) {
        try {
            return List.of(s.json.readValue(Catalog.str(row, "warnings"), String[].class));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void fail(
            String id, Environment env, Map<String, Object> row, String step, String message, boolean cancelled) {
        // a failed new environment goes before the record says the restore ended: nothing of it remains then
        if (Catalog.flag(row, "is_new")) removeNewEnvironment(env);
        long now = Platform.now();
        Long started = Catalog.num(row, "started_at");
        s.catalog.update(
                "update restores set status = ?, completed_at = ?, duration_ms = ?, error_step = ?, error_message = ?"
                        + " where id = ?",
                cancelled ? "cancelled" : "failed",
                now,
                started == null ? null : now - started,
                step,
                message,
                id);
        s.audit.record(
                "lifeboat",
                cancelled ? "restore.cancelled" : "restore.failed",
                "restore:" + id,
                null,
                Map.of("step", step, "error", message));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("restore_id", id);
        data.put("step", step);
        data.put("error", message);
        data.put("cancelled", cancelled);
        s.events.publish(cancelled ? "restore.cancelled" : "restore.failed", env.projectId(), env.id(), data);
    }

    /** A new environment whose restore failed: its leftovers go, then its record. */
    private void removeNewEnvironment(Environment env) {
        try {
            if (s.config.instances().containsKey(env.instance())
                    && s.config.serverName().equals(env.serverName())) {
                Lifeboat lb = s.lifeboat(env.instance());
                boolean exists = lb.databases(DatabasesRequest.all(), Observer.none())
                        .databases()
                        .containsKey(env.databaseName());
                if (exists) {
                    LOG.warn(
                            "database {} of failed new environment {} exists and is left alone",
                            env.databaseName(),
                            env.name());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look at the instance of environment {}: {}", env.name(), e.getMessage());
        }
        s.catalog.update("delete from schedules where environment_id = ?", env.id());
        s.catalog.update("delete from environments where id = ? and state = 'restoring'", env.id());
    }

    /** What a job of this worker left when the worker died: the core's interrupted run, undone. */
    void cleanupLeftovers(Environment env) {
        try {
            s.lifeboat(env.instance()).cleanup(new CleanupRequest(false, false), Observer.none());
        } catch (RuntimeException e) {
            LOG.warn("cleanup after an interrupted restore on {}: {}", env.instance(), e.getMessage());
        }
    }

    Map<String, Object> view(Principal p, String id) {
        Map<String, Object> r = view(id);
        String projectId = (String) r.get("project_id");
        String orgId = Catalog.str(s.platform.project(projectId), "org_id");
        if (!p.can(Permission.BACKUPS_VIEW, orgId, projectId)) throw ApiError.notFound("restore " + id);
        return r;
    }

    Map<String, Object> view(String id) {
        var r = s.catalog
                .row("select * from restores where id = ?", id)
                .orElseThrow(() -> ApiError.notFound("restore " + id));
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of(
                "id",
                "backup_id",
                "target_environment_id",
                "target_environment_name",
                "project_id",
                "mode",
                "status",
                "step",
                "percent",
                "requested_by",
                "reason",
                "approved_by",
                "pre_restore_backup_id",
                "server_name",
                "duration_ms",
                "error_step",
                "error_message")) {
            m.put(k, r.get(k));
        }
        for (String k : List.of(
                "include_filestore", "create_pre_restore_backup", "is_new", "cross_server", "cancel_requested")) {
            m.put(k, Catalog.flag(r, k));
        }
        for (String k : List.of("created_at", "started_at", "completed_at")) {
            Long v = Catalog.num(r, k);
            m.put(k, v == null ? null : Instant.ofEpochMilli(v).toString());
        }
        m.put("warnings", readWarnings(r));
        try {
            String res = Catalog.str(r, "result");
            m.put("result", res == null ? null : s.json.readTree(res));
        } catch (IOException e) {
            m.put("result", null);
        }
        return m;
    }

    List<Map<String, Object>> list(Principal p, String environmentId, String status, int limit, int offset) {
        if (status != null
                && !Set.of("awaiting_approval", "pending", "running", "completed", "failed", "cancelled")
                        .contains(status)) {
            throw ApiError.badRequest(
                    "status must be one of awaiting_approval, pending, running, completed, failed, cancelled");
        }
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select id, project_id from restores where 1 = 1");
        if (environmentId != null) {
            sql.append(" and target_environment_id = ?");
            params.add(environmentId);
        }
        if (status != null) {
            sql.append(" and status = ?");
            params.add(status);
        }
        sql.append(" order by created_at desc, id desc");
        List<Map<String, Object>> out = new ArrayList<>();
        int skipped = 0;
        for (var r : s.catalog.rows(sql.toString(), params.toArray())) {
            String projectId = Catalog.str(r, "project_id");
            if (!p.can(Permission.BACKUPS_VIEW, Catalog.str(s.platform.project(projectId), "org_id"), projectId))
                continue;
            if (skipped++ < offset) continue;
            out.add(view(Catalog.str(r, "id")));
            if (out.size() >= limit) break;
        }
        return out;
    }

    /** Environments a backup may be restored into, for this principal, and why some are not offered. */
    List<Map<String, Object>> compatibleEnvironments(Principal p, String backupId) {
        Map<String, Object> backup = backups.view(p, backupId);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Environment e : s.platform.environments(p, null)) {
            if (!"ready".equals(e.state())) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("environment_id", e.id());
            m.put("name", e.name());
            m.put("type", e.type());
            m.put("server_name", e.serverName());
            m.put("original", e.id().equals(backup.get("environment_id")));
            String reason = null;
            if (!p.can(Permission.BACKUPS_RESTORE, e.orgId(), e.projectId()))
                reason = "you may not restore into this project";
            else if (e.production() && !p.canRestoreProduction(e.orgId(), e.projectId())) {
                reason = "your role may not restore into production";
            }
            m.put("compatible", reason == null);
            m.put("reason", reason);
            m.put("requires_confirmation", e.production());
            out.add(m);
        }
        return out;
    }

    /** Servers a backup may be restored on, with their resources and why one is not suitable. */
    List<Map<String, Object>> compatibleServers(Principal p, String backupId) {
        Map<String, Object> backup = backups.view(p, backupId);
        Environment source = s.platform.environment((String) backup.get("environment_id"));
        if (!p.can(Permission.SERVERS_VIEW, source.orgId(), null)) {
            throw ApiError.forbidden("listing servers needs " + Permission.SERVERS_VIEW.id());
        }
        long size = backup.get("size") == null ? 0 : ((Number) backup.get("size")).longValue();
        long needed = 4 * size;
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> srv : s.platform.servers(staleMillis)) {
            Map<String, Object> m = new LinkedHashMap<>(srv);
            String reason = null;
            if (!Boolean.TRUE.equals(srv.get("alive")))
                reason = "no heartbeat for " + srv.get("heartbeat_age_seconds") + " s";
            else if (((Number) srv.get("free_disk")).longValue() < needed) {
                reason = "free disk " + srv.get("free_disk") + " bytes is less than the " + needed
                        + " bytes needed (4 × the backup: download, database and filestore)";
            } else if (((List<?>) srv.get("instances")).isEmpty()) {
                reason = "no Odoo instance is configured on it";
            }
            m.put("needed_disk", needed);
            m.put("suitable", reason == null);
            m.put("reason", reason);
            out.add(m);
        }
        return out;
    }
}
