package dev.lifeboat.daemon;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.job.JobParts;
import dev.lifeboat.job.JobRunner;
import dev.lifeboat.log.Log;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The daemon's parts wired as {@code lifeboat daemon} runs them: job lanes, the scheduler, the job
 * statuses, the WAL watch on its own thread and the scheduling loop, around the job machinery and a
 * clock. The command adds the config file, signals and the loop's thread; tests drive the same parts
 * tick by tick with their own clock.
 */
public final class DaemonRuntime {
    private final Lanes lanes;
    private final Scheduler scheduler;
    private final JobStatuses statuses;
    private final WalWatchThread wal;
    private final Daemon daemon;
    private final JobParts parts;

    public DaemonRuntime(Clock clock, JobParts parts, Log log, RandomGenerator random) {
        this.parts = parts;
        this.lanes = new Lanes(log);
        this.scheduler = new Scheduler(random);
        this.statuses = new JobStatuses(clock, parts.records(), scheduler, lanes);
        this.wal = new WalWatchThread(new WalWatch(clock, parts::repository, parts.engines(), log), clock, log);
        this.daemon = new Daemon(clock, scheduler, lanes, statuses, parts.records(),
                loaded -> new JobRunner(loaded, parts, lanes), log, Optional.of(wal));
    }

    public Daemon daemon() {
        return daemon;
    }

    public Lanes lanes() {
        return lanes;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Serves /metrics, /health and /api/… for the config {@code config} supplies (it changes on reload). */
    public StatusServer serve(ServerConfig listen, Supplier<LifeboatConfig> config) throws IOException {
        return StatusServer.start(listen, config, statuses, parts.records(), wal::statuses);
    }

    /**
     * Stops the WAL watch (a check in flight is interrupted), then the lanes as {@link
     * Lanes#shutdown} does; returns the tasks that had to be interrupted.
     */
    public List<Scheduler.Key> shutdown(Duration timeout) {
        wal.close();
        return lanes.shutdown(timeout);
    }
}
