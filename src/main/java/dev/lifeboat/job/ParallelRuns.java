package dev.lifeboat.job;

import dev.lifeboat.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs one task of several jobs once each in this one process, up to a number at a time
 * ({@code run --all}): many small databases then pay for one JVM start instead of one each. Each
 * job runs as {@link JobRunner} runs it alone (hooks, catalog, log line, notifications); a failed
 * job stops no other.
 */
public final class ParallelRuns {
    private final JobRunner runner;

    public ParallelRuns(JobRunner runner) {
        this.runner = runner;
    }

    /**
     * @param parallel how many jobs run at once (at least 1)
     * @param finished hears each outcome as its job ends, one at a time
     * @return the outcomes, in the order of {@code jobs}
     */
    public List<JobOutcome> run(List<String> jobs, Task task, String trigger, int parallel,
                                Consumer<JobOutcome> finished) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, jobs.size())),
                DaemonThreads.named("lifeboat-run"));
        try {
            List<Future<JobOutcome>> running = new ArrayList<>();
            for (String job : jobs) {
                running.add(pool.submit(() -> {
                    JobOutcome outcome = runner.run(job, task, trigger, false);
                    synchronized (finished) {
                        finished.accept(outcome);
                    }
                    return outcome;
                }));
            }
            List<JobOutcome> outcomes = new ArrayList<>();
            for (Future<JobOutcome> outcome : running) {
                outcomes.add(outcome.get());
            }
            return List.copyOf(outcomes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while jobs were running", e);
        } catch (ExecutionException e) {
            // JobRunner turns a job's failures into its outcome; what escapes it is a bug, reported as one
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
