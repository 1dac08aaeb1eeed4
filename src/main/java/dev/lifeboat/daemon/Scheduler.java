package dev.lifeboat.daemon;

import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.job.Task;
import dev.lifeboat.schedule.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * When each job task is due next. Time only moves forward through {@link #due}: whatever was
 * missed while the process slept or was stopped runs once, never once per missed time.
 */
public final class Scheduler {
    private final RandomGenerator random;
    private Map<Key, Entry> entries = new HashMap<>();

    public Scheduler(RandomGenerator random) {
        this.random = random;
    }

    /** A job task on a schedule. */
    public record Key(String job, Task task) {
    }

    /** A run to start now; {@code reason} is "schedule" or "catch-up". */
    public record Due(Key key, Instant scheduledFor, String reason) {
    }

    private record Entry(CronSchedule schedule, Duration jitter, Instant scheduledFor, Instant startAt,
                         boolean catchUp) {
    }

    /**
     * Loads the config at start-up. A task whose last run (from the catalog) is older than a
     * scheduled time that has passed since runs at once, if the job allows catch-up.
     */
    public synchronized void start(LifeboatConfig config, Instant now, BiFunction<String, Task, Optional<Instant>> lastRun) {
        entries = new HashMap<>();
        for (Map.Entry<Key, CronSchedule> e : schedules(config).entrySet()) {
            JobConfig job = config.jobs().get(e.getKey().job());
            Optional<Instant> missed = job.catchUp() ? lastRun.apply(job.name(), e.getKey().task())
                    .flatMap(last -> e.getValue().next(last)).filter(t -> !t.isAfter(now)) : Optional.empty();
            entries.put(e.getKey(), missed.map(t -> new Entry(e.getValue(), job.jitter(), t, now, true))
                    .orElseGet(() -> entry(e.getValue(), job.jitter(), now)));
        }
    }

    /** Replaces the config on reload; a task whose schedule did not change keeps its next time. */
    public synchronized void reload(LifeboatConfig config, Instant now) {
        Map<Key, Entry> next = new HashMap<>();
        for (Map.Entry<Key, CronSchedule> e : schedules(config).entrySet()) {
            Entry old = entries.get(e.getKey());
            JobConfig job = config.jobs().get(e.getKey().job());
            boolean same = old != null && old.schedule().toString().equals(e.getValue().toString())
                    && old.jitter().equals(job.jitter());
            next.put(e.getKey(), same ? old : entry(e.getValue(), job.jitter(), now));
        }
        entries = next;
    }

    /** The tasks due at {@code now}; each is moved on to its first scheduled time after {@code now}. */
    public synchronized List<Due> due(Instant now) {
        List<Due> due = new ArrayList<>();
        Map<Key, Entry> next = new HashMap<>(entries);
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            if (entry.startAt() != null && !entry.startAt().isAfter(now)) {
                due.add(new Due(e.getKey(), entry.scheduledFor(), entry.catchUp() ? "catch-up" : "schedule"));
                next.put(e.getKey(), entry(entry.schedule(), entry.jitter(), now));
            }
        }
        entries = next;
        due.sort(java.util.Comparator.comparing((Due d) -> d.scheduledFor()).thenComparing(d -> d.key().job())
                .thenComparing(d -> d.key().task()));
        return due;
    }

    /** When {@link #due} next has something, if ever. */
    public synchronized Optional<Instant> nextWake() {
        return entries.values().stream().map(Entry::startAt).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo);
    }

    /** The next scheduled (not jittered) time of a task. */
    public synchronized Optional<Instant> nextRun(String job, Task task) {
        return Optional.ofNullable(entries.get(new Key(job, task))).map(Entry::scheduledFor);
    }

    private Entry entry(CronSchedule schedule, Duration jitter, Instant now) {
        Optional<Instant> next = schedule.next(now);
        long spread = jitter.toMillis();
        Instant start = next.map(t -> spread > 0 ? t.plusMillis(random.nextLong(spread)) : t).orElse(null);
        return new Entry(schedule, jitter, next.orElse(null), start, false);
    }

    private static Map<Key, CronSchedule> schedules(LifeboatConfig config) {
        Map<Key, CronSchedule> schedules = new HashMap<>();
        for (JobConfig job : config.jobs().values()) {
            Task main = job.kind() == JobConfig.Kind.PURGE ? Task.PURGE : Task.BACKUP;
            job.schedule().ifPresent(s -> schedules.put(new Key(job.name(), main), s));
            job.verify().ifPresent(s -> schedules.put(new Key(job.name(), Task.VERIFY), s));
        }
        return schedules;
    }
}
