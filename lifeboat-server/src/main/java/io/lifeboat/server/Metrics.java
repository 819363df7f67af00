package io.lifeboat.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus metrics, read from the catalog at each scrape so every worker reports the same picture:
 * age of the last good backup per environment, backups and restores by status, the last backup's duration
 * and size, queue depth, this worker's running tasks, worker heartbeats and the last integrity check.
 */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Services s;
    private final MultiGauge lastGoodAge;
    private final MultiGauge lastDuration;
    private final MultiGauge lastBytes;
    private final MultiGauge backupsByStatus;
    private final MultiGauge restoresByStatus;
    private final MultiGauge heartbeats;
    private final MultiGauge checkMissing;
    private final MultiGauge checkCorrupt;

    Metrics(Services s, Jobs jobs) {
        this.s = s;
        lastGoodAge = MultiGauge.builder("lifeboat_last_good_backup_age_seconds")
                .description("seconds since the newest completed backup of the environment")
                .register(registry);
        lastDuration =
                MultiGauge.builder("lifeboat_last_backup_duration_seconds").register(registry);
        lastBytes = MultiGauge.builder("lifeboat_last_backup_bytes").register(registry);
        backupsByStatus = MultiGauge.builder("lifeboat_backups")
                .description("backups by status")
                .register(registry);
        restoresByStatus = MultiGauge.builder("lifeboat_restores")
                .description("restores by status")
                .register(registry);
        heartbeats = MultiGauge.builder("lifeboat_worker_heartbeat_age_seconds").register(registry);
        checkMissing = MultiGauge.builder("lifeboat_check_missing_files").register(registry);
        checkCorrupt = MultiGauge.builder("lifeboat_check_corrupt_files").register(registry);
        Gauge.builder("lifeboat_queue_depth", jobs, Jobs::queueDepth)
                .description("jobs queued and not yet picked by a worker")
                .register(registry);
        Gauge.builder("lifeboat_notifications_pending", s.notifications, Notifications::pending)
                .description("alert deliveries waiting to be sent or retried")
                .register(registry);
        Gauge.builder("lifeboat_notifications_failed", s.notifications, Notifications::failed)
                .description("alert deliveries given up on after their last attempt failed")
                .register(registry);
        Gauge.builder("lifeboat_running_tasks", s.running, Running::count)
                .tag("server", s.config.serverName())
                .register(registry);
    }

    /** One scrape at a time: the gauges are re-registered from the catalog on each. */
    synchronized String scrape() {
        long now = Platform.now();
        List<MultiGauge.Row<?>> age = new ArrayList<>();
        List<MultiGauge.Row<?>> dur = new ArrayList<>();
        List<MultiGauge.Row<?>> bytes = new ArrayList<>();
        for (var r : s.catalog.rows(
                "select e.id, e.name, e.type, max(b.completed_at) as last_at from environments e left join backups b on"
                        + " b.environment_id = e.id and b.status = 'completed' and b.deleted_at is null group by e.id, e.name, e.type")) {
            Tags t = Tags.of(
                    "environment",
                    Catalog.str(r, "name"),
                    "environment_id",
                    Catalog.str(r, "id"),
                    "type",
                    Catalog.str(r, "type"));
            Long last = Catalog.num(r, "last_at");
            if (last != null) age.add(MultiGauge.Row.of(t, (now - last) / 1000.0));
        }
        for (var r : s.catalog.rows(
                "select b.environment_id, e.name, b.started_at, b.completed_at, b.size from backups b join environments e"
                        + " on e.id = b.environment_id where b.status = 'completed' and b.deleted_at is null and b.completed_at ="
                        + " (select max(completed_at) from backups x where x.environment_id = b.environment_id and"
                        + " x.status = 'completed' and x.deleted_at is null)")) {
            Tags t = Tags.of("environment", Catalog.str(r, "name"), "environment_id", Catalog.str(r, "environment_id"));
            dur.add(MultiGauge.Row.of(t, (Catalog.num(r, "completed_at") - Catalog.num(r, "started_at")) / 1000.0));
            bytes.add(MultiGauge.Row.of(t, Catalog.num(r, "size")));
        }
        lastGoodAge.register(age, true);
        lastDuration.register(dur, true);
        lastBytes.register(bytes, true);
        backupsByStatus.register(
                s
                        .catalog
                        .rows("select status, count(*) as n from backups where deleted_at is null group by status")
                        .stream()
                        .map(r -> (MultiGauge.Row<?>)
                                MultiGauge.Row.of(Tags.of("status", Catalog.str(r, "status")), Catalog.num(r, "n")))
                        .toList(),
                true);
        restoresByStatus.register(
                s.catalog.rows("select status, count(*) as n from restores group by status").stream()
                        .map(r -> (MultiGauge.Row<?>)
                                MultiGauge.Row.of(Tags.of("status", Catalog.str(r, "status")), Catalog.num(r, "n")))
                        .toList(),
                true);
        heartbeats.register(
                s.catalog.rows("select name, heartbeat_at from servers").stream()
                        .map(r -> (MultiGauge.Row<?>) MultiGauge.Row.of(
                                Tags.of("server", Catalog.str(r, "name")),
                                (now - Catalog.num(r, "heartbeat_at")) / 1000.0))
                        .toList(),
                true);
        List<MultiGauge.Row<?>> miss = new ArrayList<>();
        List<MultiGauge.Row<?>> corr = new ArrayList<>();
        for (var r : s.catalog.rows(
                "select c.environment_id, e.name, c.missing, c.corrupt from check_results c join environments e on e.id ="
                        + " c.environment_id")) {
            Tags t = Tags.of("environment", Catalog.str(r, "name"), "environment_id", Catalog.str(r, "environment_id"));
            miss.add(MultiGauge.Row.of(t, Catalog.num(r, "missing")));
            corr.add(MultiGauge.Row.of(t, Catalog.num(r, "corrupt")));
        }
        checkMissing.register(miss, true);
        checkCorrupt.register(corr, true);
        return registry.scrape();
    }
}
