package dev.lifeboat.backup;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * How often a whole transfer is tried when a repository failed in a way that may pass (after
 * the storage client's own retries of single requests), and how long to wait between tries.
 */
public record Retries(int attempts, Duration pause) {
    public static final Retries NONE = new Retries(1, Duration.ZERO);

    public Retries {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    /** Waits before try number {@code attempt + 1}, a little longer each time. */
    void pause(int attempt) throws InterruptedIOException {
        try {
            Thread.sleep(pause.multipliedBy(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between retries");
        }
    }
}
