package io.lifeboat.server;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The jobs of this worker, on db-scheduler. Every job is bound to the server whose instance it works on:
 * its task is named {@code backup@<server>} or {@code restore@<server>}, and only that server's worker
 * registers that name, so it runs there and nowhere else; db-scheduler makes each execution run once even
 * with several workers on one PostgreSQL catalog. A worker that dies mid-job leaves its execution behind;
 * when that worker is back, the execution is revived and the job sees it was interrupted: it cleans up and
 * fails cleanly instead of running twice.
 */
final class Jobs implements AutoCloseable {
    private final Services s;
    private final SchedulerClient client;
    private Scheduler scheduler;

    Jobs(Services s) {
        this.s = s;
        this.client = SchedulerClient.Builder.create(s.catalog.dataSource()).build();
    }

    void start(Consumer<String> backup, Consumer<String> restore, Consumer<String> drill, Runnable tick) {
        String server = s.config.serverName();
        OneTimeTask<String> backupTask = Tasks.oneTime("backup@" + server, String.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> backup.accept(inst.getData()));
        OneTimeTask<String> restoreTask = Tasks.oneTime("restore@" + server, String.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> restore.accept(inst.getData()));
        OneTimeTask<String> drillTask = Tasks.oneTime("drill@" + server, String.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> drill.accept(inst.getData()));
        RecurringTask<Void> ticks = Tasks.recurring(
                        "schedules@" + server, FixedDelay.ofSeconds(s.config.scheduleSeconds()))
                .execute((inst, ctx) -> tick.run());
        Duration poll = Duration.ofMillis((long) (s.config.pollSeconds() * 1000));
        var b = Scheduler.create(s.catalog.dataSource(), List.of(backupTask, restoreTask, drillTask))
                .startTasks(ticks)
                .threads(s.config.workers())
                .pollingInterval(poll)
                .heartbeatInterval(Duration.ofSeconds(Math.max(1, s.config.heartbeatSeconds())))
                .schedulerName(new SchedulerName.Fixed(
                        server + "-" + ProcessHandle.current().pid()))
                .deleteUnresolvedAfter(Duration.ofDays(3650))
                .enableImmediateExecution();
        // polling stays fetch-then-lock (db-scheduler's default), also on PostgreSQL: lock-and-fetch marks due
        // executions picked before looking at their task name, so a worker would lock the jobs of other servers
        // (unknown tasks to it), never run them, and leave them for dead-execution detection to release
        // seconds later. Fetch-then-lock skips tasks this worker does not know before picking anything.
        scheduler = b.build();
        scheduler.start();
    }

    void scheduleBackup(String server, String backupId) {
        client.schedule(new TaskInstance<>("backup@" + server, backupId, backupId), Instant.now());
    }

    void scheduleRestore(String server, String restoreId) {
        client.schedule(new TaskInstance<>("restore@" + server, restoreId, restoreId), Instant.now());
    }

    void scheduleDrill(String server, String drillId) {
        client.schedule(new TaskInstance<>("drill@" + server, drillId, drillId), Instant.now());
    }

    /** Removes a queued restore that has not started; false when a worker already picked it. */
    boolean unqueueRestore(String server, String restoreId) {
        return unqueue("restore@" + server, restoreId);
    }

    /** Removes a queued backup that has not started; false when a worker already picked it. */
    boolean unqueueBackup(String server, String backupId) {
        return unqueue("backup@" + server, backupId);
    }

    private boolean unqueue(String task, String instance) {
        var id = TaskInstanceId.of(task, instance);
        var e = client.getScheduledExecution(id);
        if (e.isEmpty() || e.get().isPicked()) return false;
        try {
            client.cancel(id);
            return true;
        } catch (RuntimeException picked) {
            // a worker picked it between the look and the cancel: it is cancelled as a running job instead
            return false;
        }
    }

    /** Queued executions that no worker has picked yet. */
    long queueDepth() {
        return s.catalog.count(
                "select count(*) from scheduled_tasks where picked = false and task_name not like 'schedules@%'");
    }

    @Override
    public void close() {
        if (scheduler != null) scheduler.stop();
    }
}
