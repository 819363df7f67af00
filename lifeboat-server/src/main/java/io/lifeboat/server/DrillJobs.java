package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.DrillRequest;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.server.web.Chart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore drills on the server (docs/drills.md): the newest completed backup of an environment is
 * downloaded and checked against its SHA-256, then the core's drill restores it into a scratch database
 * and filestore, neutralized, verifies it and removes it. The drill's record keeps the evidence: RTO from
 * the start of the download to the verified copy, split by step; RPO as the age of the backup when the
 * drill started; counts and failures. A failed drill raises {@code drill.failed}.
 */
final class DrillJobs {
    private static final Logger LOG = LoggerFactory.getLogger(DrillJobs.class);
    /** Default drill schedules: daily for production, weekly for the others (UTC). */
    static final String PRODUCTION_CRON = "30 3 * * *";

    static final String OTHER_CRON = "30 4 * * 0";

    private final Services s;
    private final Jobs jobs;
    private final BackupJobs backups;
    private final RestoreJobs restores;

    DrillJobs(Services s, Jobs jobs, BackupJobs backups, RestoreJobs restores) {
        this.s = s;
        this.jobs = jobs;
        this.backups = backups;
        this.restores = restores;
    }

    static String defaultCron(Environment env) {
        return env.production() ? PRODUCTION_CRON : OTHER_CRON;
    }

    /** Queues a drill of the newest completed backup of {@code env}; returns its record. */
    Map<String, Object> request(Principal p, Environment env, String server) {
        if (!p.can(Permission.BACKUPS_CREATE, env.orgId(), env.projectId())) {
            throw ApiError.forbidden("running a drill needs " + Permission.BACKUPS_CREATE.id());
        }
        String id = queue(env, server, "manual", p.name());
        s.audit.record(p.name(), "drill.request", "drill:" + id, null, Map.of("environment", env.id()));
        return view(id);
    }

    Map<String, Object> request(Principal p, Environment env) {
        return request(p, env, null);
    }

    /** Records and queues a drill; throws {@link ApiError} (409) when there is no completed backup. */
    String queue(Environment env, String server, String trigger, String actor) {
        String backupId = newestBackup(env)
                .orElseThrow(() -> ApiError.conflict(
                        "environment '" + env.name() + "' has no completed backup to drill; back it up first"));
        String on = server == null ? env.serverName() : server;
        if (!on.equals(env.serverName())) {
            var row = s.catalog
                    .row("select instances from servers where name = ?", on)
                    .orElseThrow(() -> ApiError.unprocessable("no server named '" + on + "' has reported"));
            if (!Platform.instances(Catalog.str(row, "instances")).contains(env.instance())) {
                throw ApiError.unprocessable(
                        "server '" + on + "' has no instance named '" + env.instance() + "' to drill on");
            }
        }
        String id = UUID.randomUUID().toString();
        s.catalog.update(
                "insert into drills (id, environment_id, project_id, backup_id, server_name, trigger_type, status,"
                        + " requested_by, created_at) values (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                id,
                env.id(),
                env.projectId(),
                backupId,
                on,
                trigger,
                actor,
                Platform.now());
        s.events.publish("drill.queued", env.projectId(), env.id(), Map.of("drill_id", id, "backup_id", backupId));
        jobs.scheduleDrill(on, id);
        return id;
    }

    private Optional<String> newestBackup(Environment env) {
        return s.catalog
                .row(
                        "select id from backups where environment_id = ? and status = 'completed' and deleted_at is"
                                + " null order by completed_at desc, id desc limit 1",
                        env.id())
                .map(r -> Catalog.str(r, "id"));
    }

    /** The job: runs a queued drill on this worker. */
    void execute(String id) {
        var row = s.catalog.row("select * from drills where id = ?", id).orElse(null);
        if (row == null) return;
        Environment env = s.platform.environment(Catalog.str(row, "environment_id"));
        Path zip = s.config.spool().resolve("drill-" + id + ".zip");
        if ("running".equals(Catalog.str(row, "status"))) {
            // revived after this worker died mid-drill: the scratch copy the core recorded goes, then the download
            restores.cleanupLeftovers(env);
            try {
                Files.deleteIfExists(zip);
            } catch (IOException e) {
                LOG.warn("could not remove the download of interrupted drill {}", id);
            }
            finish(
                    id,
                    env,
                    "failed",
                    null,
                    "the worker stopped during the drill (step " + Catalog.str(row, "step") + ")");
            return;
        }
        if (!"pending".equals(Catalog.str(row, "status"))) return;
        Running.Job job = s.running.start("drill", id, env.projectId(), env.id());
        long started = Platform.now();
        s.catalog.update("update drills set status = 'running', started_at = ? where id = ?", started, id);
        s.events.publish("drill.started", env.projectId(), env.id(), Map.of("drill_id", id));
        job.live();
        try {
            Map<String, Object> backup = backups.view(Catalog.str(row, "backup_id"));
            job.step("downloading", 0, 30);
            long t0 = System.nanoTime();
            restores.download(backup, zip, job);
            long downloadMillis = (System.nanoTime() - t0) / 1_000_000;
            job.step("drilling", 30, 100);
            Instant point = Instant.parse((String) backup.get("completed_at"));
            ServerConfig.Probe probe = s.config.drillProbe();
            DrillRequest request = DrillRequest.of(RestoreRequest.Source.file(zip))
                    .withPointTime(point)
                    .withLargestTables(s.config.drillLargestTables())
                    .withSampleFiles(s.config.drillSampleFiles())
                    .withProbe(
                            probe == null
                                    ? null
                                    : new DrillRequest.Probe(
                                            probe.command(), probe.url(), Duration.ofSeconds(probe.timeoutSeconds())));
            DrillResult result =
                    s.lifeboat(env.instance()).drill(request, Observer.of(job::progress, job.cancellation));
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("download_millis", downloadMillis);
            evidence.put("drill", result);
            long rto = downloadMillis + result.rtoMillis();
            long rpo = started - point.toEpochMilli();
            s.catalog.update(
                    "update drills set rto_ms = ?, rpo_ms = ?, scratch_database = ?, result = ? where id = ?",
                    rto,
                    rpo,
                    result.scratchDatabase(),
                    s.toJson(evidence),
                    id);
            job.ended();
            finish(
                    id,
                    env,
                    result.passed() ? "passed" : "failed",
                    result,
                    result.passed() ? null : String.join("; ", result.failures()));
        } catch (RuntimeException | IOException e) {
            job.ended();
            String message = e instanceof LifeboatException le && le.hint() != null
                    ? le.getMessage() + " (" + le.hint() + ")"
                    : String.valueOf(e.getMessage());
            LOG.warn("drill {} failed in step {}: {}", id, job.step, message);
            finish(id, env, "failed", null, "step " + job.step + ": " + message);
        } finally {
            s.running.finish(job);
            try {
                Files.deleteIfExists(zip);
            } catch (IOException e) {
                LOG.warn("could not remove {}", zip);
            }
        }
    }

    private void finish(String id, Environment env, String status, DrillResult result, String error) {
        s.catalog.update(
                "update drills set status = ?, completed_at = ?, error_message = ? where id = ?",
                status,
                Platform.now(),
                error,
                id);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("drill_id", id);
        data.put("status", status);
        if (result != null) {
            data.put("rto_ms", view(id).get("rto_ms"));
            data.put("rpo_ms", view(id).get("rpo_ms"));
        }
        if (error != null) data.put("error", error);
        s.events.publish("drill." + status, env.projectId(), env.id(), data);
        s.audit.record("lifeboat", "drill." + status, "drill:" + id, null, Map.of("environment", env.id()));
        if ("failed".equals(status)) s.notifications.notify("drill.failed", env, data);
    }

    Map<String, Object> view(Principal p, String id) {
        Map<String, Object> d = view(id);
        Environment env = s.platform.environment((String) d.get("environment_id"));
        if (!p.can(Permission.BACKUPS_VIEW, env.orgId(), env.projectId())) throw ApiError.notFound("drill " + id);
        d.put("environment_name", env.name());
        return d;
    }

    Map<String, Object> view(String id) {
        var r = s.catalog
                .row("select * from drills where id = ?", id)
                .orElseThrow(() -> ApiError.notFound("drill " + id));
        return render(r);
    }

    private Map<String, Object> render(Map<String, Object> r) {
        Map<String, Object> m = EpochIso.row(r);
        m.remove("result");
        m.put("trigger", m.remove("trigger_type"));
        String res = Catalog.str(r, "result");
        JsonNode evidence = null;
        if (res != null) {
            try {
                evidence = s.json.readTree(res);
            } catch (IOException e) {
                evidence = null;
            }
        }
        m.put("evidence", evidence);
        return m;
    }

    /** The newest drills of an environment, newest first. */
    List<Map<String, Object>> list(Environment env, int limit) {
        return s
                .catalog
                .rows(
                        "select * from drills where environment_id = ? order by created_at desc, id desc limit ?",
                        env.id(),
                        limit)
                .stream()
                .map(this::render)
                .toList();
    }

    Optional<Map<String, Object>> latest(Environment env) {
        var l = list(env, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** RTO and RPO of the last 60 finished drills, oldest first, for the chart. */
    List<Chart.Point> points(Environment env) {
        List<Chart.Point> out = new ArrayList<>();
        for (var r : s.catalog.rows(
                "select started_at, rto_ms, rpo_ms from drills where environment_id = ? and rto_ms is not null"
                        + " order by started_at desc limit 60",
                env.id())) {
            out.add(
                    0,
                    new Chart.Point(Catalog.num(r, "started_at"), Catalog.num(r, "rto_ms"), Catalog.num(r, "rpo_ms")));
        }
        return out;
    }
}
