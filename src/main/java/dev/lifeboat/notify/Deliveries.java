package dev.lifeboat.notify;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.log.Log;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Delivers notifications on a background thread with retries, so that a slow or broken
 * receiver never delays or fails a backup. A delivery that keeps failing is logged and dropped.
 */
public final class Deliveries implements AutoCloseable {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("lifeboat-notify"));
    private final Log log;
    private final Duration closeWait;

    /** @param closeWait how long {@link #close} waits for pending deliveries */
    public Deliveries(Log log, Duration closeWait) {
        this.log = log;
        this.closeWait = closeWait;
    }

    public void submit(Channel channel, Event event, int attempts, Duration backoff) {
        executor.execute(() -> deliver(channel, event, attempts, backoff));
    }

    private void deliver(Channel channel, Event event, int attempts, Duration backoff) {
        Duration wait = backoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                channel.deliver(event);
                log.event("notified", fields(channel, event, attempt, null));
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt == attempts) {
                    log.event("notification_failed", fields(channel, event, attempt,
                            e.getClass().getSimpleName() + ": " + e.getMessage()));
                    return;
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                wait = wait.multipliedBy(2);
            }
        }
    }

    private static Map<String, Object> fields(Channel channel, Event event, int attempts, String error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("job", event.job());
        fields.put("task", event.task());
        fields.put("kind", event.kind().key());
        fields.put("channel", channel.describe());
        fields.put("attempts", attempts);
        if (error != null) {
            fields.put("error", error);
        }
        return fields;
    }

    /** Waits up to the close timeout for pending deliveries, then gives up on them. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
