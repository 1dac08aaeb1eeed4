package dev.lifeboat.job;

import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.notify.Event;
import dev.lifeboat.notify.Notifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one job task once, as {@code lifeboat run} and the daemon do: hooks around it, every run in
 * the catalog, one structured log line, and the notifications its outcome calls for. It never
 * throws for a failed run: the outcome says what happened.
 */
public final class JobRunner {
    private final LifeboatConfig config;
    private final JobParts parts;
    private final JobLocks locks;

    public JobRunner(LifeboatConfig config, JobParts parts, JobLocks locks) {
        this.config = config;
        this.parts = parts;
        this.locks = locks;
    }

    public LifeboatConfig config() {
        return config;
    }

    public Notifier notifier(JobConfig job) {
        return Notifier.forJob(job.notifications(), config.smtp(), parts.http(), parts.deliveries());
    }

    /** Runs the task; the caller holds the job's lock when it needs one. */
    public JobOutcome run(String name, Task task, String trigger, boolean dryRun) {
        JobConfig job = config.job(name);
        Notifier notifier = notifier(job);
        Instant started = parts.clock().instant();
        if (!dryRun) {
            notifier.send(event(job, task, Event.Kind.STARTED, "", Optional.empty()));
        }
        HookCalls hooks = new HookCalls(parts.hooks(), job.hooks(), job.name(), task.key(), trigger);
        TaskResult result;
        try {
            result = switch (task) {
                case BACKUP -> new BackupTask(parts).run(job, trigger, hooks);
                case VERIFY -> new VerifyTask(parts).run(job, trigger);
                case PURGE -> new PurgeTask(parts).run(job, config, trigger, dryRun, hooks, other ->
                        locks.exclusive(other, () -> run(other, Task.BACKUP, trigger, false)));
            };
        } catch (Exception e) {
            String message = BackupTask.message(e);
            // A run that failed before reaching any repository still counts, for history, metrics and catch-up.
            parts.tracker().failed(task.key(), trigger, job.name(), message);
            result = new TaskResult(RunStatus.FAILED, message, List.of(), 0, List.of(), List.of(),
                    e instanceof dev.lifeboat.LifeboatException l ? l.exitCode() : dev.lifeboat.ExitCode.FAILURE);
        }
        JobOutcome outcome = new JobOutcome(job.name(), task, trigger, result.status(), result.message(), started,
                Duration.between(started, parts.clock().instant()), result.backupIds(), result.storedBytes(),
                result.warnings(), result.exit(), result.purge());
        log(outcome);
        if (!dryRun) {
            notify(notifier, job, task, outcome, result.alarms());
        }
        return outcome;
    }

    private void notify(Notifier notifier, JobConfig job, Task task, JobOutcome outcome, List<String> alarms) {
        Optional<String> id = outcome.backupIds().stream().findFirst();
        if (!alarms.isEmpty()) {
            notifier.send(event(job, task, Event.Kind.SUSPICIOUS, String.join("; ", alarms), id));
        }
        if (outcome.failed()) {
            notifier.send(event(job, task, Event.Kind.FAILURE, outcome.message(), id));
        } else if (!outcome.suspicious()) {
            notifier.send(event(job, task, Event.Kind.SUCCESS, outcome.message(), id));
        }
    }

    private Event event(JobConfig job, Task task, Event.Kind kind, String message, Optional<String> backupId) {
        return new Event(kind, job.name(), task.key(), config.mask(message), backupId, parts.clock().instant(),
                parts.host());
    }

    private void log(JobOutcome outcome) {
        Map<String, Object> fields = outcome.fields();
        fields.put("message", outcome.message());
        // The code the command line exits with for the same outcome, so a log says what kind of failure it was.
        fields.put("exit_code", outcome.exit().code());
        if (!outcome.warnings().isEmpty()) {
            fields.put("warnings", outcome.warnings());
        }
        parts.log().event("run", fields);
    }
}
