package dev.lifeboat.daemon;

import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.job.Task;
import dev.lifeboat.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Computes each job's {@link JobStatus}. A job is stale when its last success (or, if it never
 * succeeded, the daemon's start) is older than its allowed age.
 */
public final class JobStatuses {
    private static final List<RunStatus> SUCCESS = List.of(RunStatus.COMPLETED, RunStatus.SKIPPED);
    private final Clock clock;
    private final Optional<JobRecords> records;
    private final Scheduler scheduler;
    private final Lanes lanes;
    private final Instant startedAt;

    public JobStatuses(Clock clock, Optional<JobRecords> records, Scheduler scheduler, Lanes lanes) {
        this.clock = clock;
        this.records = records;
        this.scheduler = scheduler;
        this.lanes = lanes;
        this.startedAt = clock.instant();
    }

    /**
     * What the catalog alone says, for a run outside the daemon ({@code run --metrics-textfile}):
     * nothing is scheduled or running, and a job that never succeeded is not (yet) stale.
     */
    public static JobStatuses recorded(Clock clock, Optional<JobRecords> records) {
        return new JobStatuses(clock, records, new Scheduler(java.util.random.RandomGenerator.getDefault()),
                new Lanes(Log.NONE));
    }

    public List<JobStatus> all(LifeboatConfig config) {
        List<JobStatus> statuses = new ArrayList<>();
        Instant now = clock.instant();
        for (JobConfig job : config.jobs().values()) {
            statuses.add(status(job, now));
        }
        return statuses;
    }

    private JobStatus status(JobConfig job, Instant now) {
        Task main = job.kind() == JobConfig.Kind.PURGE ? Task.PURGE : Task.BACKUP;
        String kind = main.key();
        Optional<Run> success = records.flatMap(r -> r.lastRunWithStatus(kind, job.name(), SUCCESS));
        Optional<Run> completed = records.flatMap(r -> r.lastRunWithStatus(kind, job.name(), List.of(RunStatus.COMPLETED)));
        Optional<Run> last = records.flatMap(r -> r.lastRun(kind, job.name()));
        Map<String, Map<RunStatus, Long>> counts = new TreeMap<>();
        for (Task task : job.kind() == JobConfig.Kind.PURGE ? List.of(Task.PURGE) : List.of(Task.BACKUP, Task.VERIFY)) {
            counts.put(task.key(), records.map(r -> r.runCounts(task.key(), job.name())).orElse(Map.of()));
        }
        Optional<Instant> lastSuccess = success.map(r -> r.finishedAt() == null ? r.startedAt() : r.finishedAt());
        Optional<Duration> allowed = job.allowedAge(now);
        Instant baseline = lastSuccess.orElse(startedAt);
        boolean stale = allowed.isPresent() && Duration.between(baseline, now).compareTo(allowed.get()) > 0;
        boolean running = lanes.running().keySet().stream().anyMatch(k -> k.job().equals(job.name()));
        return new JobStatus(job.name(), job.kind().key(), job.schedule().map(Object::toString),
                scheduler.nextRun(job.name(), main), running, lastSuccess, last.map(Run::status),
                last.map(Run::error).filter(e -> e != null), completed.map(Run::durationMillis),
                completed.map(Run::plainSize), completed.map(Run::storedSize), counts,
                records.flatMap(r -> r.lastVerified(job.name())), allowed, stale);
    }
}
