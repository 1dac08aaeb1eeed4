package dev.lifeboat.daemon;

import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.job.JobRunner;
import dev.lifeboat.job.Task;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scheduling loop: starts due job tasks on their lanes, notices stale jobs, and swaps in a
 * reloaded config between ticks. {@link #tick} does one round and is what tests drive with their
 * own clock; {@link #runUntilStopped} repeats it, sleeping until the next due time.
 */
public final class Daemon {
    private static final Duration MAX_SLEEP = Duration.ofSeconds(30);
    private final Clock clock;
    private final Scheduler scheduler;
    private final Lanes lanes;
    private final JobStatuses statuses;
    private final Optional<JobRecords> records;
    private final Function<LifeboatConfig, JobRunner> runners;
    private final Log log;
    private final Optional<WalWatchThread> wal;
    private final Set<String> reportedStale = new HashSet<>();
    private volatile JobRunner runner;
    private boolean stopping;

    public Daemon(Clock clock, Scheduler scheduler, Lanes lanes, JobStatuses statuses, Optional<JobRecords> records,
                  Function<LifeboatConfig, JobRunner> runners, Log log) {
        this(clock, scheduler, lanes, statuses, records, runners, log, Optional.empty());
    }

    /** @param wal watches physical jobs' WAL archives each minute, on its own thread, when given */
    public Daemon(Clock clock, Scheduler scheduler, Lanes lanes, JobStatuses statuses, Optional<JobRecords> records,
                  Function<LifeboatConfig, JobRunner> runners, Log log, Optional<WalWatchThread> wal) {
        this.wal = wal;
        this.clock = clock;
        this.scheduler = scheduler;
        this.lanes = lanes;
        this.statuses = statuses;
        this.records = records;
        this.runners = runners;
        this.log = log;
    }

    /** Loads the first config; tasks missed while the daemon was down become due at once. */
    public void start(LifeboatConfig config) {
        runner = runners.apply(config);
        scheduler.start(config, clock.instant(), (job, task) -> records.flatMap(r -> r.lastRun(task.key(), job))
                .map(run -> run.startedAt()));
        log.event("started", dev.lifeboat.log.Log.fields("config", config.file(), "jobs", config.jobs().keySet()));
    }

    public LifeboatConfig config() {
        return runner.config();
    }

    /** Starts every due task and reports jobs that turned stale. */
    public void tick() {
        Instant now = clock.instant();
        JobRunner current = runner;
        for (Scheduler.Due due : scheduler.due(now)) {
            if (!current.config().jobs().containsKey(due.key().job())) {
                continue;
            }
            lanes.submit(due.key(), now, () -> runLogged(current, due.key()));
            if (due.reason().equals("catch-up")) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("job", due.key().job());
                fields.put("task", due.key().task().key());
                fields.put("missed", due.scheduledFor().toString());
                log.event("catch_up", fields);
            }
        }
        try {
            reportStale(current);
        } catch (RuntimeException e) {
            log.event("warning", dev.lifeboat.log.Log.fields("message", "could not check for stale jobs (" + e.getMessage() + ")"));
        }
        // only hands the check to the WAL watch's thread: a slow store must not hold back the next tick
        wal.ifPresent(w -> w.checkIfDue(current.config(), current::notifier));
    }

    /** A run never throws for a failed job; anything else escaping it is logged, and the lane lives on. */
    private void runLogged(JobRunner current, Scheduler.Key key) {
        try {
            current.run(key.job(), key.task(), "schedule", false);
        } catch (RuntimeException e) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("job", key.job());
            fields.put("task", key.task().key());
            fields.put("message", "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            log.event("error", fields);
        }
    }

    /** Uses a new config from the next tick on; running tasks finish with the config they started with. */
    public void reload(LifeboatConfig config) {
        runner = runners.apply(config);
        scheduler.reload(config, clock.instant());
        log.event("reloaded", dev.lifeboat.log.Log.fields("config", config.file(), "jobs", config.jobs().keySet()));
    }

    /** Ticks until {@link #stop}; {@code between} runs on the loop's thread before each tick (e.g. a pending reload). */
    public void runUntilStopped(Runnable between) {
        while (true) {
            between.run();
            synchronized (this) {
                if (stopping) {
                    return;
                }
            }
            tick();
            Instant now = clock.instant();
            Instant wake = scheduler.nextWake().filter(t -> t.isBefore(now.plus(MAX_SLEEP))).orElse(now.plus(MAX_SLEEP));
            long millis = Math.max(1, Duration.between(now, wake).toMillis());
            synchronized (this) {
                if (!stopping) {
                    try {
                        wait(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Wakes the loop early, e.g. for a reload. */
    public synchronized void wake() {
        notifyAll();
    }

    public synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /** A job that is stale while a run of it is queued or running is not reported: that run may fix it. */
    private void reportStale(JobRunner current) {
        for (JobStatus status : statuses.all(current.config())) {
            if (!status.stale() || lanes.isBusy(status.job())) {
                reportedStale.remove(status.job());
                continue;
            }
            if (reportedStale.add(status.job())) {
                JobConfig job = current.config().jobs().get(status.job());
                String message = "no success since " + status.lastSuccess().map(Object::toString).orElse("the daemon"
                        + " started") + ", longer than the allowed " + status.allowedAge().map(
                        dev.lifeboat.config.Durations::format).orElse("?") + "; check the log and 'lifeboat history'";
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("job", status.job());
                fields.put("message", message);
                log.event("stale", fields);
                Task task = job.kind() == JobConfig.Kind.PURGE ? Task.PURGE : Task.BACKUP;
                current.notifier(job).send(new Event(Event.Kind.STALE, job.name(), task.key(), message,
                        Optional.empty(), clock.instant(), dev.lifeboat.repository.ProcessOwner.hostName()));
            }
        }
    }
}
