package dev.lifeboat.daemon;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.job.JobLocks;
import dev.lifeboat.job.Task;
import dev.lifeboat.log.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One queue per job, so a job's runs never overlap while different jobs run side by side. A task
 * that is already queued or running is not queued again (its overlap is logged as skipped); a
 * different task of a busy job, such as a verify during a backup, waits its turn.
 */
public final class Lanes implements JobLocks {
    private final Log log;
    private final Map<String, ExecutorService> lanes = new HashMap<>();
    private final Map<String, ReentrantLock> locks = new HashMap<>();
    private final Map<Scheduler.Key, Instant> busy = new LinkedHashMap<>();
    private final Map<Scheduler.Key, Instant> running = new LinkedHashMap<>();
    private boolean closed;

    public Lanes(Log log) {
        this.log = log;
    }

    /** Queues the work on its job's lane; false (and a log line) when the same task is already queued or running. */
    public synchronized boolean submit(Scheduler.Key key, Instant now, Runnable work) {
        if (closed) {
            return false;
        }
        Instant since = busy.get(key);
        if (since != null) {
            log.event("skipped", dev.lifeboat.log.Log.fields("job", key.job(), "task", key.task().key(), "reason",
                    "the previous " + key.task().key() + " (queued " + since + ") has not finished; this run is"
                            + " skipped rather than overlapped"));
            return false;
        }
        busy.put(key, now);
        lanes.computeIfAbsent(key.job(), job -> Executors.newSingleThreadExecutor(
                DaemonThreads.named("lifeboat-job-" + job))).execute(() -> {
            try {
                started(key);
                exclusive(key.job(), () -> {
                    work.run();
                    return null;
                });
            } finally {
                finished(key);
            }
        });
        return true;
    }

    @Override
    public <T> T exclusive(String job, Supplier<T> work) {
        ReentrantLock lock;
        synchronized (this) {
            lock = locks.computeIfAbsent(job, j -> new ReentrantLock());
        }
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a task of this job is queued or running. */
    public synchronized boolean isBusy(String job) {
        return busy.keySet().stream().anyMatch(k -> k.job().equals(job));
    }

    /** The tasks running right now and since when they were queued. */
    public synchronized Map<Scheduler.Key, Instant> running() {
        return Map.copyOf(running);
    }

    /**
     * Stops taking work and waits for queued and running work; after {@code timeout} running work
     * is interrupted (hooks are killed, a backup stops at its next repository) and given a few more
     * seconds. Returns the tasks that had to be interrupted (empty after a clean stop).
     */
    public List<Scheduler.Key> shutdown(Duration timeout) {
        List<ExecutorService> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(lanes.values());
        }
        all.forEach(ExecutorService::shutdown);
        if (awaitAll(all, timeout)) {
            return List.of();
        }
        List<Scheduler.Key> interrupted;
        synchronized (this) {
            interrupted = List.copyOf(busy.keySet());
        }
        all.forEach(ExecutorService::shutdownNow);
        awaitAll(all, Duration.ofSeconds(5));
        return interrupted;
    }

    private static boolean awaitAll(List<ExecutorService> executors, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (ExecutorService executor : executors) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !executor.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void started(Scheduler.Key key) {
        running.put(key, busy.get(key));
    }

    private synchronized void finished(Scheduler.Key key) {
        running.remove(key);
        busy.remove(key);
    }
}
