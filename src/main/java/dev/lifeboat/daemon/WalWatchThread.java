package dev.lifeboat.daemon;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.config.Durations;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs the {@link WalWatch}'s checks on a thread of their own. A check lists every repository of
 * every physical job and asks each server about its archiver, so an unreachable store (an S3
 * endpoint that does not answer) can take minutes; on the scheduling loop that would hold back
 * every job's start. At most one check is in flight: while it runs, ticks start none, /metrics
 * serves what the last finished check found, and a check running longer than {@link #STUCK} is
 * logged once.
 */
public final class WalWatchThread implements AutoCloseable {
    static final Duration STUCK = Duration.ofMinutes(5);
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private final WalWatch watch;
    private final Clock clock;
    private final Log log;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("lifeboat-wal-watch"));
    /** When the check in flight was handed to the thread; null when none is. */
    private final AtomicReference<Instant> inFlight = new AtomicReference<>();
    private Instant warnedFor;

    public WalWatchThread(WalWatch watch, Clock clock, Log log) {
        this.watch = watch;
        this.clock = clock;
        this.log = log;
    }

    /** What the last finished check found, for /metrics. */
    public List<WalWatch.Status> statuses() {
        return watch.statuses();
    }

    /** Hands a check to the thread (the watch itself checks at most once a minute) unless one is still running. */
    public void checkIfDue(LifeboatConfig config, Function<JobConfig, Notifier> notifiers) {
        Instant now = clock.instant();
        if (!inFlight.compareAndSet(null, now)) {
            warnIfStuck(now);
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    watch.checkIfDue(config, notifiers);
                } catch (RuntimeException e) {
                    log.event("warning", Log.fields("message", "could not check the WAL archives ("
                            + e.getMessage() + ")"));
                } finally {
                    inFlight.set(null);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.set(null); // closed: the daemon is stopping
        }
    }

    private void warnIfStuck(Instant now) {
        Instant since = inFlight.get();
        if (since == null || since.equals(warnedFor) || Duration.between(since, now).compareTo(STUCK) < 0) {
            return;
        }
        warnedFor = since;
        log.event("warning", Log.fields("message", "the WAL check started at " + since + " has not finished after "
                + Durations.format(Duration.between(since, now)) + "; a repository of a physical job is slow or"
                + " unreachable, and the lifeboat_wal_* metrics are from the check before it"));
    }

    /**
     * Stops the thread: a check in flight is interrupted and given a moment (it only reads, so one
     * stuck in a store's client that ignores interrupts is left to end with the process); it raises
     * no alarm then.
     */
    @Override
    public void close() {
        watch.stop();
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.event("warning", Log.fields("message", "the WAL check did not stop within "
                        + Durations.format(STOP_WAIT) + "; it is left to end with the process"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
