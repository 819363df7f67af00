package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import io.lifeboat.api.CheckFindingKind;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.Observer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup schedules and retention policies per environment, and scheduled integrity checks. Each worker
 * looks every {@code schedule-seconds} (default 30) at the schedules of the environments on its own server; a due backup is queued like
 * a manual one (type scheduled) and retention runs after it; a due check runs there and its findings become
 * metrics. Cron expressions have five fields (minute hour day month weekday), in UTC.
 */
final class Schedules {
    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    static final String DEFAULT_CRON = "0 */6 * * *";
    private final Services s;
    private final BackupJobs backups;
    private final DrillJobs drills;
    private final Jobs jobs;

    Schedules(Services s, BackupJobs backups, DrillJobs drills, Jobs jobs) {
        this.s = s;
        this.backups = backups;
        this.drills = drills;
        this.jobs = jobs;
    }

    static CronSchedule cron(String expr, String field) {
        try {
            return new CronSchedule(expr, ZoneOffset.UTC, CronStyle.UNIX);
        } catch (RuntimeException e) {
            throw ApiError.badRequest(field + " '" + expr + "' is not a cron expression of five fields (minute hour"
                    + " day month weekday), e.g. \"" + DEFAULT_CRON + "\"");
        }
    }

    Map<String, Object> get(Environment env) {
        var r = s.catalog.row("select * from schedules where environment_id = ?", env.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment_id", env.id());
        if (r.isEmpty()) {
            m.put("configured", false);
            m.put("backup_cron", DEFAULT_CRON);
            m.put("enabled", false);
            m.put("drill_cron", DrillJobs.defaultCron(env));
            m.put("drills_enabled", false);
            return m;
        }
        m.put("configured", true);
        m.put("backup_cron", r.get().get("backup_cron"));
        m.put("check_cron", r.get().get("check_cron"));
        m.put("enabled", Catalog.flag(r.get(), "enabled"));
        Map<String, Object> keep = new LinkedHashMap<>();
        for (String k : new String[] {"keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"}) {
            keep.put(k, r.get().get(k));
        }
        m.put("retention", keep);
        m.put("last_backup_at", time(Catalog.num(r.get(), "last_backup_at")));
        m.put("last_check_at", time(Catalog.num(r.get(), "last_check_at")));
        String drillCron = Catalog.str(r.get(), "drill_cron");
        m.put("drill_cron", drillCron == null ? DrillJobs.defaultCron(env) : drillCron);
        m.put("drills_enabled", Catalog.flag(r.get(), "drills_enabled"));
        m.put("drill_server", r.get().get("drill_server"));
        m.put("last_drill_at", time(Catalog.num(r.get(), "last_drill_at")));
        return m;
    }

    private static String time(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }

    Map<String, Object> put(Principal p, Environment env, JsonNode body) {
        if (!p.can(Permission.ENVIRONMENTS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("changing schedules needs " + Permission.ENVIRONMENTS_CREATE.id());
        }
        String backupCron = body.path("backup_cron").asText(DEFAULT_CRON);
        cron(backupCron, "backup_cron");
        String checkCron =
                body.hasNonNull("check_cron") ? body.get("check_cron").asText() : null;
        if (checkCron != null) cron(checkCron, "check_cron");
        JsonNode keep = body.path("retention");
        int[] k = new int[5];
        String[] names = {"keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"};
        int[] dflt = {0, 14, 8, 12, 0};
        for (int i = 0; i < 5; i++) {
            JsonNode v = keep.get(names[i]);
            k[i] = v == null || v.isNull() ? dflt[i] : v.asInt(-1);
            if (k[i] < 0 || (v != null && !v.isNull() && !(v.isIntegralNumber() && v.canConvertToInt()))) {
                throw ApiError.badRequest("retention." + names[i] + " must be a whole number of 0 or more");
            }
        }
        if (k[0] + k[1] + k[2] + k[3] + k[4] == 0) {
            throw ApiError.unprocessable("a retention that keeps nothing would remove every backup; keep at least one");
        }
        String drillCron =
                body.hasNonNull("drill_cron") ? body.get("drill_cron").asText() : null;
        if (drillCron != null) cron(drillCron, "drill_cron");
        JsonNode de = body.get("drills_enabled");
        if (de != null && !de.isNull() && !de.isBoolean()) {
            throw ApiError.badRequest("drills_enabled must be true or false");
        }
        boolean drillsEnabled = de == null || de.isNull() || de.asBoolean();
        String drillServer =
                body.hasNonNull("drill_server") ? body.get("drill_server").asText() : null;
        if (drillServer != null
                && s.catalog
                        .row("select name from servers where name = ?", drillServer)
                        .isEmpty()) {
            throw ApiError.unprocessable("no server named '" + drillServer + "' has reported to this catalog");
        }
        JsonNode en = body.get("enabled");
        if (en != null && !en.isNull() && !en.isBoolean()) throw ApiError.badRequest("enabled must be true or false");
        boolean enabled = en == null || en.isNull() || en.asBoolean();
        s.catalog.inTransaction(c -> {
            Catalog.update(c, "delete from schedules where environment_id = ?", env.id());
            return Catalog.update(
                    c,
                    "insert into schedules (environment_id, backup_cron, check_cron, enabled, keep_last, keep_daily,"
                            + " keep_weekly, keep_monthly, keep_yearly, last_backup_at, last_check_at, drill_cron,"
                            + " drills_enabled, drill_server, last_drill_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                            + " ?, ?, ?)",
                    env.id(),
                    backupCron,
                    checkCron,
                    enabled,
                    k[0],
                    k[1],
                    k[2],
                    k[3],
                    k[4],
                    Platform.now(),
                    Platform.now(),
                    drillCron,
                    drillsEnabled,
                    drillServer,
                    Platform.now());
        });
        s.audit.record(p.name(), "schedule.set", "environment:" + env.id(), null, Map.of("backup_cron", backupCron));
        return get(env);
    }

    /** Events are kept this long for subscribers that resume with Last-Event-ID; the audit log is kept forever. */
    static final long EVENT_RETENTION_MILLIS = 7L * 24 * 3600 * 1000;

    /** Queues the backups and runs the checks that are due on this server; drops events older than a week. */
    void tick() {
        long now = Platform.now();
        s.catalog.update("delete from events where at < ?", now - EVENT_RETENTION_MILLIS);
        for (var r : s.catalog.rows(
                "select s.*, e.server_name from schedules s join environments e on e.id = s.environment_id"
                        + " where s.enabled = 1 and e.server_name = ? and e.state = 'ready'",
                s.config.serverName())) {
            String envId = Catalog.str(r, "environment_id");
            try {
                Environment env = s.platform.environment(envId);
                if (due(Catalog.str(r, "backup_cron"), Catalog.num(r, "last_backup_at"), now)
                        && s.catalog.update(
                                        "update schedules set last_backup_at = ? where environment_id = ? and"
                                                + " last_backup_at = ?",
                                        now,
                                        envId,
                                        Catalog.num(r, "last_backup_at"))
                                > 0) {
                    String id = backups.insert(env, "scheduled", "lifeboat");
                    s.events.publish(
                            "backup.queued", env.projectId(), env.id(), Map.of("backup_id", id, "type", "scheduled"));
                    jobs.scheduleBackup(env.serverName(), id);
                }
                String checkCron = Catalog.str(r, "check_cron");
                if (checkCron != null
                        && due(checkCron, Catalog.num(r, "last_check_at"), now)
                        && s.catalog.update(
                                        "update schedules set last_check_at = ? where environment_id = ? and"
                                                + " last_check_at = ?",
                                        now,
                                        envId,
                                        Catalog.num(r, "last_check_at"))
                                > 0) {
                    s.notifications.checked(env, check(env));
                }
                if (Catalog.flag(r, "drills_enabled")) drill(env, r, now);
            } catch (RuntimeException e) {
                LOG.warn("schedule of environment {}: {}", envId, e.getMessage());
            }
        }
        s.notifications.backupsOverdue(now);
    }

    /**
     * A drill when one is due. A drill is missed when its time came and went by more than a grace period
     * without one starting (the worker was down), or when it could not be queued (no completed backup); a
     * missed drill raises {@code drill.missed} once until a drill runs again.
     */
    private void drill(Environment env, Map<String, Object> r, long now) {
        String cron = Catalog.str(r, "drill_cron");
        if (cron == null) cron = DrillJobs.defaultCron(env);
        Long last = Catalog.num(r, "last_drill_at");
        Instant next = cron(cron, "drill_cron").getInitialExecutionTime(Instant.ofEpochMilli(last == null ? 0 : last));
        if (next.isAfter(Instant.ofEpochMilli(now))) return;
        String missed = null;
        if (now - next.toEpochMilli() > missedAfterMillis()) {
            missed = "the drill due at " + next + " did not run (no worker of server " + env.serverName() + " was up)";
        }
        if (s.catalog.update(
                        "update schedules set last_drill_at = ? where environment_id = ? and (last_drill_at = ? or"
                                + " last_drill_at is null)",
                        now,
                        env.id(),
                        last)
                == 0) {
            return; // another worker took it
        }
        try {
            drills.queue(env, Catalog.str(r, "drill_server"), "scheduled", "lifeboat");
        } catch (ApiError e) {
            missed = "the drill due at " + next + " could not start: " + e.getMessage();
        }
        if (missed != null) {
            LOG.warn("environment {}: {}", env.name(), missed);
            s.catalog.update("update schedules set drill_missed_at = ? where environment_id = ?", now, env.id());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("due_at", next.toString());
            data.put("reason", missed);
            s.events.publish("drill.missed", env.projectId(), env.id(), data);
            s.notifications.notify("drill.missed", env, data);
        }
    }

    /** How late a scheduled drill may start before it counts as missed. */
    private long missedAfterMillis() {
        return Math.max(3600_000L, 4L * s.config.scheduleSeconds() * 1000);
    }

    static boolean due(String expr, Long last, long now) {
        Instant next = cron(expr, "cron").getInitialExecutionTime(Instant.ofEpochMilli(last == null ? 0 : last));
        return !next.isAfter(Instant.ofEpochMilli(now));
    }

    /** Runs an integrity check of an environment and keeps its counts for the metrics. */
    Map<String, Object> check(Environment env) {
        CheckResult r = s.lifeboat(env.instance()).check(CheckRequest.of(env.databaseName()), Observer.none());
        long missing = r.counts().getOrDefault(CheckFindingKind.MISSING_FILE, 0L);
        long corrupt = r.counts().getOrDefault(CheckFindingKind.CORRUPT_FILE, 0L)
                + r.counts().getOrDefault(CheckFindingKind.SIZE_MISMATCH, 0L);
        long orphans = r.counts().entrySet().stream()
                .filter(e -> e.getKey().name().startsWith("ORPHAN"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        s.catalog.inTransaction(c -> {
            Catalog.update(c, "delete from check_results where environment_id = ?", env.id());
            return Catalog.update(
                    c,
                    "insert into check_results (environment_id, checked_at, missing, corrupt, orphans, result) values"
                            + " (?, ?, ?, ?, ?, ?)",
                    env.id(),
                    Platform.now(),
                    missing,
                    corrupt,
                    orphans,
                    s.toJson(r));
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment_id", env.id());
        m.put("missing", missing);
        m.put("corrupt", corrupt);
        m.put("orphans", orphans);
        s.events.publish(missing + corrupt > 0 ? "check.problems" : "check.clean", env.projectId(), env.id(), m);
        return m;
    }
}
