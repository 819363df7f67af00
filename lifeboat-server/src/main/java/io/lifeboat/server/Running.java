package io.lifeboat.server;

import io.lifeboat.api.Cancellation;
import io.lifeboat.api.ProgressEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs running on this worker: their step, percentage and cancellation. Once a second it publishes a
 * progress event for each (so a subscriber sees at least one event per second while work runs), and it
 * trips the cancellation of jobs whose cancel was requested through the catalog, from any worker.
 */
final class Running implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Running.class);
    /** Fault injection for tests: called on the job's thread each time a job enters a step. */
    static volatile Consumer<Job> stepHook;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeboat-progress");
        t.setDaemon(true);
        return t;
    });
    private final Events events;
    private final Catalog catalog;

    /** One job: what it is, where it stands, and how to stop it. */
    static final class Job {
        final String kind;
        final String id;
        final String projectId;
        final String environmentId;
        final Cancellation cancellation = Cancellation.none();
        volatile String step = "queued";
        volatile int percent;
        private final int[] span = {0, 100};

        Job(String kind, String id, String projectId, String environmentId) {
            this.kind = kind;
            this.id = id;
            this.projectId = projectId;
            this.environmentId = environmentId;
        }

        /** Progress events go out only while this is set: after the started event, before the end event. */
        private boolean live;

        /** Call after publishing the job's started event. */
        synchronized void live() {
            live = true;
        }

        /** Call before publishing the job's end event: no progress event follows it. */
        synchronized void ended() {
            live = false;
        }

        /** While set, the job runs a nested job (the safety backup of a restore) and keeps its own step. */
        volatile boolean nested;

        /** Enters a step that covers percentages from..to of the whole job. */
        void step(String name, int from, int to) {
            if (nested || name.equals(step)) return;
            step = name;
            span[0] = from;
            span[1] = to;
            percent = Math.max(percent, from);
            Consumer<Job> hook = stepHook;
            if (hook != null) hook.accept(this);
        }

        /** Progress of the core inside the current step. */
        void progress(ProgressEvent e) {
            if (e.total() > 0 && e.done() >= 0) {
                int p = span[0] + (int) ((span[1] - span[0]) * Math.min(1.0, (double) e.done() / e.total()));
                percent = Math.max(percent, p);
            }
        }
    }

    Running(Events events, Catalog catalog) {
        this.events = events;
        this.catalog = catalog;
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    Job start(String kind, String id, String projectId, String environmentId) {
        Job j = new Job(kind, id, projectId, environmentId);
        jobs.put(id, j);
        return j;
    }

    void finish(Job j) {
        jobs.remove(j.id);
    }

    int count() {
        return jobs.size();
    }

    private void tick() {
        for (Job j : jobs.values()) {
            try {
                String table = "restore".equals(j.kind) ? "restores" : "backups";
                if ("restores".equals(table)) {
                    catalog.update("update restores set step = ?, percent = ? where id = ?", j.step, j.percent, j.id);
                    if (catalog.count("select cancel_requested from restores where id = ?", j.id) != 0) {
                        j.cancellation.cancel("cancelled through the API");
                    }
                } else if ("drill".equals(j.kind)) {
                    catalog.update("update drills set step = ? where id = ?", j.step, j.id);
                } else if (catalog.count("select cancel_requested from backups where id = ?", j.id) != 0) {
                    j.cancellation.cancel("cancelled through the API");
                }
                synchronized (j) {
                    if (j.live) {
                        events.publish(
                                j.kind + ".progress",
                                j.projectId,
                                j.environmentId,
                                Map.of(j.kind + "_id", j.id, "step", j.step, "percent", j.percent));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("progress of {} {}: {}", j.kind, j.id, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
