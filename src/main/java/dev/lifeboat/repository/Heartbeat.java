package dev.lifeboat.repository;

import dev.lifeboat.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a beat at a fixed rate on a daemon thread until closed: how held locks show they are alive. */
public final class Heartbeat implements AutoCloseable {
    private final ScheduledExecutorService executor;

    public Heartbeat(String threadName, Duration every, Runnable beat) {
        executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
        executor.scheduleAtFixedRate(beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops beating and waits for a beat under way, so that none lands after what the caller does next. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
