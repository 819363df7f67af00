package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.api.Observer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of environments: requested through the API or a schedule, run as a job on the worker of the
 * environment's server, written as an Odoo zip (SHA-256 computed as it is written), copied to the backup
 * store and read back from there before the backup counts as verified.
 */
final class BackupJobs {
    private static final Logger LOG = LoggerFactory.getLogger(BackupJobs.class);
    static final Set<String> TYPES = Set.of("manual", "scheduled", "pre_restore", "pre_upgrade", "imported");
    static final Set<String> STATUSES = Set.of("pending", "running", "completed", "failed", "cancelled");
    private final Services s;
    private final Jobs jobs;

    BackupJobs(Services s, Jobs jobs) {
        this.s = s;
        this.jobs = jobs;
    }

    /** Queues a backup; the worker of the environment's server runs it. */
    Map<String, Object> request(Principal p, Environment env, String type, String reason) {
        if (!p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden(
                    "you may not back up this environment (needs " + Permission.BACKUPS_CREATE.id() + ")");
        }
        if (type == null) type = "manual";
        if (!Set.of("manual", "pre_upgrade").contains(type)) {
            throw ApiError.badRequest("type must be manual or pre_upgrade (scheduled and pre_restore backups are made"
                    + " by the server)");
        }
        String id = insert(env, type, p.name());
        s.audit.record(
                p.name(), "backup.create", "backup:" + id, reason, Map.of("environment", env.id(), "type", type));
        s.events.publish("backup.queued", env.projectId(), env.id(), Map.of("backup_id", id, "type", type));
        jobs.scheduleBackup(env.serverName(), id);
        return view(id);
    }

    String insert(Environment env, String type, String actor) {
        String id = UUID.randomUUID().toString();
        s.catalog.update(
                "insert into backups (id, environment_id, project_id, type, status, requested_by, server_name,"
                        + " database_name, created_at) values (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                id,
                env.id(),
                env.projectId(),
                type,
                actor,
                env.serverName(),
                env.databaseName(),
                Platform.now());
        return id;
    }

    /** The job: runs a queued backup on this worker. */
    void execute(String id) {
        var row = s.catalog.row("select * from backups where id = ?", id);
        if (row.isEmpty()) return;
        String status = Catalog.str(row.get(), "status");
        if ("running".equals(status)) {
            // revived after this worker died mid-backup: its spool file and any stored copy go
            Environment dead = s.platform.environment(Catalog.str(row.get(), "environment_id"));
            try {
                Files.deleteIfExists(s.config.spool().resolve("backup-" + id + ".zip"));
                s.store.delete(BackupStore.key(dead.id(), id));
            } catch (IOException e) {
                LOG.warn("leftovers of interrupted backup {}: {}", id, e.getMessage());
            }
            fail(id, dead, "the worker stopped during the backup; nothing was kept", "failed");
            return;
        }
        if (!"pending".equals(status)) return;
        Environment env = s.platform.environment(Catalog.str(row.get(), "environment_id"));
        Running.Job job = s.running.start("backup", id, env.projectId(), env.id());
        try {
            perform(id, env, job);
        } catch (RuntimeException e) {
            LOG.warn("backup {} failed: {}", id, e.getMessage());
        } finally {
            s.running.finish(job);
        }
    }

    /** A backup made now, inside another job (the safety backup before a restore); throws when it fails. */
    String runNow(Environment env, String type, String actor, Running.Job parent) {
        String id = insert(env, type, actor);
        parent.nested = true;
        try {
            perform(id, env, parent);
        } finally {
            parent.nested = false;
        }
        return id;
    }

    private void perform(String id, Environment env, Running.Job job) {
        Path zip = s.config.spool().resolve("backup-" + id + ".zip");
        String key = BackupStore.key(env.id(), id);
        boolean stored = false;
        try {
            Files.createDirectories(s.config.spool());
            s.catalog.update("update backups set status = 'running', started_at = ? where id = ?", Platform.now(), id);
            s.events.publish("backup.started", env.projectId(), env.id(), Map.of("backup_id", id));
            if (!job.nested) job.live();
            Lifeboat lb = s.lifeboat(env.instance());
            MessageDigest sha = sha256();
            BackupResult result;
            job.step("backing_up", 0, 80);
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(zip), sha)) {
                result = lb.backup(
                        new BackupRequest(
                                env.databaseName(),
                                BackupRequest.Target.ZIP,
                                null,
                                out,
                                BackupRequest.Filestore.REFERENCED,
                                false,
                                BackupRequest.DEFAULT_LEVEL,
                                true,
                                null,
                                null,
                                null),
                        Observer.of(job::progress, job.cancellation));
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            long size = Files.size(zip);
            Map<String, Object> manifest = manifest(zip);
            job.cancellation.check();
            job.step("uploading", 80, 90);
            s.store.put(key, zip);
            stored = true;
            job.step("verifying", 90, 100);
            String stored256 = storedSha256(key);
            if (!digest.equals(stored256)) {
                throw new LifeboatException(
                        LifeboatException.Kind.INTEGRITY,
                        "the backup read back from the store differs from the one written (SHA-256 " + stored256
                                + ", expected " + digest + ")");
            }
            Files.deleteIfExists(zip); // before the record says it ended
            long now = Platform.now();
            s.catalog.update(
                    "update backups set status = 'completed', completed_at = ?, size = ?, sha256 = ?, odoo_version = ?,"
                            + " pg_version = ?, modules = ?, files = ?, verified = 1, verified_at = ?, store_key = ?,"
                            + " result = ? where id = ?",
                    now,
                    size,
                    digest,
                    manifest.get("version"),
                    manifest.get("pg_version"),
                    s.toJson(manifest.getOrDefault("modules", Map.of())),
                    result.files(),
                    now,
                    key,
                    s.toJson(result),
                    id);
            if (!job.nested) job.ended();
            s.events.publish(
                    "backup.completed",
                    env.projectId(),
                    env.id(),
                    Map.of("backup_id", id, "size", size, "sha256", digest));
            if ("scheduled"
                    .equals(Catalog.str(
                            s.catalog
                                    .row("select type from backups where id = ?", id)
                                    .orElseThrow(),
                            "type"))) {
                applyRetention(env);
            }
        } catch (IOException | RuntimeException e) {
            String message = e instanceof LifeboatException le && le.hint() != null
                    ? le.getMessage() + " (" + le.hint() + ")"
                    : String.valueOf(e.getMessage());
            if (stored) {
                try {
                    s.store.delete(key);
                } catch (IOException ignored) {
                    LOG.warn("could not remove the stored copy of failed backup {}", id);
                }
            }
            try {
                Files.deleteIfExists(zip); // before the record says it ended
            } catch (IOException ignored) {
                LOG.warn("could not remove {}", zip);
            }
            boolean cancelled = e instanceof LifeboatException le && le.kind() == LifeboatException.Kind.CANCELLED;
            if (!job.nested) job.ended();
            fail(id, env, message, cancelled ? "cancelled" : "failed");
            if (e instanceof RuntimeException re) throw re;
            throw new LifeboatException(LifeboatException.Kind.ENVIRONMENT, message);
        } finally {
            try {
                Files.deleteIfExists(zip);
            } catch (IOException ignored) {
                LOG.warn("could not remove {}", zip);
            }
        }
    }

    private void fail(String id, Environment env, String message, String status) {
        String st = "cancelled".equals(status) ? "cancelled" : "failed";
        s.catalog.update(
                "update backups set status = ?, completed_at = ?, error_message = ? where id = ?",
                st,
                Platform.now(),
                message,
                id);
        var row = s.catalog
                .row("select project_id, environment_id from backups where id = ?", id)
                .orElseThrow();
        s.events.publish(
                "backup." + st,
                Catalog.str(row, "project_id"),
                Catalog.str(row, "environment_id"),
                Map.of("backup_id", id, "error", message));
        if ("failed".equals(st))
            s.notifications.notify("backup.failed", env, Map.of("backup_id", id, "error", message));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String storedSha256(String key) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(s.store.open(key), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private Map<String, Object> manifest(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            var entry = z.getEntry("manifest.json");
            if (entry == null) return Map.of();
            try (InputStream in = z.getInputStream(entry)) {
                JsonNode n = s.json.readTree(in);
                Map<String, Object> m = new LinkedHashMap<>();
                if (n.hasNonNull("version")) m.put("version", n.get("version").asText());
                if (n.hasNonNull("pg_version"))
                    m.put("pg_version", n.get("pg_version").asText());
                if (n.has("modules")) m.put("modules", s.json.convertValue(n.get("modules"), Map.class));
                return m;
            }
        }
    }

    /** Grandfather-father-son retention over an environment's completed scheduled backups. */
    List<String> applyRetention(Environment env) {
        var sched = s.catalog.row("select * from schedules where environment_id = ?", env.id());
        ForgetPolicy policy = sched.map(r -> new ForgetPolicy(
                        Catalog.num(r, "keep_last").intValue(),
                        0,
                        Catalog.num(r, "keep_daily").intValue(),
                        Catalog.num(r, "keep_weekly").intValue(),
                        Catalog.num(r, "keep_monthly").intValue(),
                        Catalog.num(r, "keep_yearly").intValue(),
                        null,
                        Set.of()))
                .orElse(ForgetPolicy.DEFAULT);
        var rows = s.catalog.rows(
                "select id, completed_at, store_key from backups where environment_id = ? and type = 'scheduled'"
                        + " and status = 'completed' and deleted_at is null order by completed_at desc, id desc",
                env.id());
        List<Instant> times = rows.stream()
                .map(r -> Instant.ofEpochMilli(Catalog.num(r, "completed_at")))
                .toList();
        List<List<String>> keep = Lifeboat.retention(times, policy, ZoneOffset.UTC);
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!keep.get(i).isEmpty()) continue;
            String id = Catalog.str(rows.get(i), "id");
            removeStored(id, Catalog.str(rows.get(i), "store_key"));
            removed.add(id);
        }
        if (!removed.isEmpty()) {
            s.audit.record("lifeboat", "backup.retention", "environment:" + env.id(), null, Map.of("removed", removed));
        }
        return removed;
    }

    private void removeStored(String id, String key) {
        s.catalog.update("update backups set deleted_at = ? where id = ?", Platform.now(), id);
        try {
            if (key != null) s.store.delete(key);
        } catch (IOException e) {
            LOG.warn("backup {} is marked deleted but its file {} could not be removed: {}", id, key, e.getMessage());
        }
    }

    void delete(Principal p, String id, String reason) {
        Map<String, Object> b = view(p, id);
        Environment env = s.platform.environment((String) b.get("environment_id"));
        if (!p.can(Permission.ENVIRONMENTS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("deleting a backup needs an admin role of the project (the permission "
                    + Permission.ENVIRONMENTS_CREATE.id() + ")");
        }
        String status = (String) b.get("status");
        if ("pending".equals(status) || "running".equals(status)) {
            throw ApiError.conflict("the backup is " + status + "; wait for it to end");
        }
        if (s.catalog.count(
                        "select count(*) from restores where backup_id = ? and status in ('pending', 'running',"
                                + " 'awaiting_approval')",
                        id)
                > 0) {
            throw ApiError.conflict("a restore from this backup is queued or running");
        }
        removeStored(id, (String) b.get("store_key"));
        s.audit.record(p.name(), "backup.delete", "backup:" + id, reason, Map.of("environment", env.id()));
        s.events.publish("backup.deleted", env.projectId(), env.id(), Map.of("backup_id", id));
    }

    /** Cancels a queued backup at once, or asks a running one to stop at its next safe point. */
    Map<String, Object> cancel(Principal p, String id) {
        Map<String, Object> b = view(p, id);
        Environment env = s.platform.environment((String) b.get("environment_id"));
        if (!p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("you may not cancel backups of this environment");
        }
        String status = (String) b.get("status");
        if (!"pending".equals(status) && !"running".equals(status)) {
            throw ApiError.conflict(
                    "backup " + id + " is " + status + "; only a queued or running backup is cancelled");
        }
        if ("pre_restore".equals(b.get("type"))) {
            throw ApiError.conflict("this is the safety backup of a restore; cancel the restore instead");
        }
        s.audit.record(p.name(), "backup.cancel", "backup:" + id, null, Map.of());
        if ("pending".equals(status) && jobs.unqueueBackup(env.serverName(), id)) {
            fail(id, env, "cancelled before it started", "cancelled");
            return view(id);
        }
        s.catalog.update("update backups set cancel_requested = 1 where id = ?", id);
        return view(id);
    }

    /**
     * Records an Odoo zip made elsewhere (Odoo's database manager, Odoo.sh, another tool) as an imported
     * backup of an environment: streamed to the spool with its SHA-256, checked to be an Odoo backup, stored.
     */
    Map<String, Object> importZip(Principal p, Environment env, InputStream body, String reason) throws IOException {
        if (!p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("importing backups needs " + Permission.BACKUPS_CREATE.id());
        }
        // the record is written last, complete: an import cut short leaves no record behind
        String id = UUID.randomUUID().toString();
        Path zip = s.config.spool().resolve("import-" + id + ".zip");
        String key = BackupStore.key(env.id(), id);
        boolean stored = false;
        try {
            Files.createDirectories(s.config.spool());
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(body, sha)) {
                Files.copy(in, zip);
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            Map<String, Object> manifest;
            try (ZipFile z = new ZipFile(zip.toFile())) {
                if (z.getEntry("dump.sql") == null && z.getEntry("dump.dump") == null) {
                    throw ApiError.unprocessable("the upload is a zip but not an Odoo backup: it has no dump.sql");
                }
                manifest = manifest(zip);
            } catch (java.util.zip.ZipException e) {
                throw ApiError.unprocessable("the upload is not a readable zip file: " + e.getMessage());
            }
            s.store.put(key, zip);
            stored = true;
            if (!storedSha256(key).equals(digest)) {
                throw new LifeboatException(
                        LifeboatException.Kind.INTEGRITY, "the stored copy of the upload differs from it");
            }
            long now = Platform.now();
            s.catalog.update(
                    "insert into backups (id, environment_id, project_id, type, status, requested_by, server_name,"
                            + " database_name, created_at, started_at, completed_at, size, sha256, odoo_version,"
                            + " pg_version, modules, verified, verified_at, store_key) values (?, ?, ?, 'imported',"
                            + " 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                    id,
                    env.id(),
                    env.projectId(),
                    p.name(),
                    env.serverName(),
                    env.databaseName(),
                    now,
                    now,
                    now,
                    Files.size(zip),
                    digest,
                    manifest.get("version"),
                    manifest.get("pg_version"),
                    s.toJson(manifest.getOrDefault("modules", Map.of())),
                    now,
                    key);
            s.audit.record(
                    p.name(),
                    "backup.import",
                    "backup:" + id,
                    reason,
                    Map.of("environment", env.id(), "sha256", digest));
            s.events.publish(
                    "backup.completed", env.projectId(), env.id(), Map.of("backup_id", id, "type", "imported"));
            return view(id);
        } catch (IOException | RuntimeException e) {
            if (stored) {
                try {
                    s.store.delete(key);
                } catch (IOException ignored) {
                    LOG.warn("could not remove the stored copy of failed import {}", id);
                }
            }
            throw e;
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    /** A backup the principal may see. */
    Map<String, Object> view(Principal p, String id) {
        Map<String, Object> b = view(id);
        Environment env = s.platform.environment((String) b.get("environment_id"));
        if (!p.can(Permission.BACKUPS_VIEW, env.orgId(), env.projectId())) throw ApiError.notFound("backup " + id);
        return b;
    }

    Map<String, Object> view(String id) {
        var r = s.catalog
                .row("select * from backups where id = ? and deleted_at is null", id)
                .orElseThrow(() -> ApiError.notFound("backup " + id));
        return render(r);
    }

    Map<String, Object> render(Map<String, Object> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of(
                "id",
                "environment_id",
                "project_id",
                "type",
                "status",
                "requested_by",
                "server_name",
                "database_name",
                "size",
                "sha256",
                "odoo_version",
                "pg_version",
                "files",
                "error_message",
                "store_key")) {
            m.put(k, r.get(k));
        }
        for (String k : List.of("created_at", "started_at", "completed_at", "verified_at")) {
            Long v = Catalog.num(r, k);
            m.put(k, v == null ? null : Instant.ofEpochMilli(v).toString());
        }
        m.put("verified", Catalog.flag(r, "verified"));
        m.put("modules", parse(Catalog.str(r, "modules")));
        m.put("result", parse(Catalog.str(r, "result")));
        return m;
    }

    private JsonNode parse(String text) {
        if (text == null) return null;
        try {
            return s.json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    List<Map<String, Object>> list(Environment env, String status, String type, int limit, int offset) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.badRequest("status must be one of " + STATUSES);
        }
        if (type != null && !TYPES.contains(type)) throw ApiError.badRequest("type must be one of " + TYPES);
        List<Object> params = new ArrayList<>(List.of(env.id()));
        StringBuilder sql = new StringBuilder("select * from backups where environment_id = ? and deleted_at is null");
        if (status != null) {
            sql.append(" and status = ?");
            params.add(status);
        }
        if (type != null) {
            sql.append(" and type = ?");
            params.add(type);
        }
        sql.append(" order by created_at desc, id desc limit ? offset ?");
        params.add(limit);
        params.add(offset);
        return s.catalog.rows(sql.toString(), params.toArray()).stream()
                .map(this::render)
                .toList();
    }
}
