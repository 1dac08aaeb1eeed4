package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait for a repository lock another run holds, instead of failing at once. Waits
 * back off from 50 ms to 1 s with jitter, so twenty jobs started in the same second do not retry
 * in step. {@link #NONE} fails at once, naming the holder, as a lock always did. The limit is
 * elapsed time on the monotonic clock, not the run's clock: a wait must end even when the
 * wall clock is stepped or, in tests, stands still.
 */
public record LockWait(Duration limit) {
    public static final LockWait NONE = new LockWait(Duration.ZERO);

    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long LONGEST_PAUSE_MILLIS = 1000;

    /** Something that takes a lock or fails with {@link ExitCode#LOCKED}. */
    public interface Taking {
        RepositoryLock take() throws IOException;
    }

    /** Takes the lock, waiting up to the limit while another run holds it; then fails as the last try did. */
    public RepositoryLock take(Taking taking) throws IOException {
        return take(taking, waiting -> { });
    }

    /** As {@link #take(Taking)}; {@code waiting} hears once, at the first refusal, that this run waits and why. */
    public RepositoryLock take(Taking taking, java.util.function.Consumer<String> waiting) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        for (boolean first = true; ; first = false) {
            try {
                return taking.take();
            } catch (LifeboatException e) {
                if (first && e.exitCode() == ExitCode.LOCKED && !limit.isZero()) {
                    waiting.accept("waiting up to " + limit.toSeconds() + " s: " + e.getMessage());
                }
                if (e.exitCode() != ExitCode.LOCKED || System.nanoTime() - deadline >= 0) {
                    throw limit.isZero() || e.exitCode() != ExitCode.LOCKED ? e : new LifeboatException(ExitCode.LOCKED,
                            e.getMessage() + " (waited " + limit.toSeconds() + " s)", e);
                }
            }
            sleep(Math.min(pause + ThreadLocalRandom.current().nextLong(pause),
                    (deadline - System.nanoTime()) / 1_000_000 + 1));
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a repository lock");
        }
    }
}
