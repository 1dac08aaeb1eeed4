package dev.lifeboat.daemon;

import dev.lifeboat.config.Durations;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.RepositoryConfig;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Event;
import dev.lifeboat.notify.Notifier;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.ServerArchiver;
import dev.lifeboat.wal.WalChain;
import dev.lifeboat.wal.WalWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The WAL archive of each physical job, as the daemon watches it: once a minute it lists the
 * archive in every repository of the job (listing and the small records only; no object is read),
 * keeps the figures /metrics serves, and raises the job's WAL alarm on a gap or damaged file, when
 * the server's {@code pg_stat_archiver} shows archiving failing (a failure newer than the last
 * success, or more failures than at the last check), or when no WAL arrived for longer than the
 * job's {@code wal-max-age} while the server is up. Each problem is reported once, and again only
 * after it cleared or changed.
 */
public final class WalWatch {
    static final Duration INTERVAL = Duration.ofMinutes(1);

    /**
     * One physical job's archive, the worst of its repositories: the oldest of their newest
     * segments, the narrowest window, and every gap of any of them.
     */
    public record Status(String job, Optional<Instant> lastArchived, Optional<Instant> windowStart,
                         Optional<Instant> windowEnd, int gaps, Instant checkedAt) {
        /** Now minus the last archived segment's time; empty when nothing was archived yet. */
        public Optional<Duration> lag() {
            return lastArchived.map(t -> Duration.between(t, checkedAt).isNegative() ? Duration.ZERO
                    : Duration.between(t, checkedAt));
        }
    }

    private final Clock clock;
    private final Function<String, Repository> repositories;
    private final Engines engines;
    private final Log log;
    private final Instant startedAt;
    private final Map<String, String> reported = new HashMap<>();
    private final Map<String, Long> failures = new HashMap<>();
    private volatile List<Status> statuses = List.of();
    private volatile boolean stopped;
    private Instant lastCheck;

    /** What the job's server said: whether it answered, and its archiver's counters when it did. */
    private record Server(boolean up, Optional<ServerArchiver.Status> archiver) {
    }

    public WalWatch(Clock clock, Function<String, Repository> repositories, Engines engines, Log log) {
        this.clock = clock;
        this.repositories = repositories;
        this.engines = engines;
        this.log = log;
        this.startedAt = clock.instant();
    }

    /** What the last check found, for /metrics. */
    public List<Status> statuses() {
        return statuses;
    }

    /** Checks every physical job when a minute has passed since the last check. */
    public void checkIfDue(LifeboatConfig config, Function<JobConfig, Notifier> notifiers) {
        Instant now = clock.instant();
        if (lastCheck != null && Duration.between(lastCheck, now).compareTo(INTERVAL) < 0) {
            return;
        }
        lastCheck = now;
        check(config, notifiers);
    }

    /**
     * Ends the checks: one still waiting on a slow store (not every store's client heeds an interrupt)
     * ends without an alarm when its wait does, since its failure then says nothing about the archive.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * Checks every physical job now. A check interrupted or stopped (the daemon stopping while a store
     * is slow) ends without an alarm and keeps the last figures.
     */
    public void check(LifeboatConfig config, Function<JobConfig, Notifier> notifiers) {
        List<Status> found = new ArrayList<>();
        for (JobConfig job : config.jobs().values()) {
            if (!job.physical()) {
                continue;
            }
            try {
                Status status = status(job);
                found.add(status);
                Optional<String> problem = problem(job, status, server(job));
                if (ending()) {
                    return;
                }
                alarm(job, problem, notifiers);
            } catch (Exception e) {
                if (ending() || e instanceof InterruptedException || e instanceof java.io.InterruptedIOException) {
                    return;
                }
                alarm(job, Optional.of("could not read the WAL archive: " + e.getMessage()), notifiers);
            }
        }
        statuses = List.copyOf(found);
    }

    private boolean ending() {
        return stopped || Thread.currentThread().isInterrupted();
    }

    private Status status(JobConfig job) throws Exception {
        Instant now = clock.instant();
        Optional<Instant> last = Optional.empty();
        Optional<Instant> from = Optional.empty();
        Optional<Instant> to = Optional.empty();
        int gaps = 0;
        boolean first = true;
        for (RepositoryConfig config : job.repositories()) {
            Optional<Instant> newest = Optional.empty();
            Optional<Instant> repoFrom = Optional.empty();
            Optional<Instant> repoTo = Optional.empty();
            try (Repository repository = repositories.apply(config.spec())) {
                // Not there yet: the first wal-push or base backup makes it. Until then the archive is
                // empty, which is no alarm by itself; a server archiving nothing is wal-max-age's business.
                List<WalWindow.ClusterReport> reports = repository.exists() ? new WalWindow(false).check(repository)
                        : List.of();
                for (WalWindow.ClusterReport report : reports) {
                    for (WalChain.Timeline t : report.chain().timelines()) {
                        gaps += t.missing().size() + t.damaged().size();
                        newest = later(newest, t.lastArchivedAt());
                    }
                    repoFrom = later(repoFrom, report.window().map(WalWindow.Window::from));
                    repoTo = later(repoTo, report.window().map(WalWindow.Window::to));
                }
            }
            last = first ? newest : earlier(last, newest);
            from = first ? repoFrom : later(from, repoFrom);
            to = first ? repoTo : earlier(to, repoTo);
            first = false;
        }
        return new Status(job.name(), last, from, to, gaps, now);
    }

    /** Asks the job's server about its archiver; a server that does not answer is down. */
    private Server server(JobConfig job) {
        Optional<ServerArchiver> archiver;
        try {
            archiver = engines.forSpec(job.source(), job.sourceOptions()).archiver(job.source());
        } catch (RuntimeException e) {
            return new Server(true, Optional.empty());
        }
        try {
            return new Server(true, archiver.map(ServerArchiver::read));
        } catch (RuntimeException e) {
            return new Server(false, Optional.empty());
        }
    }

    /** The job's WAL problem, if any: gaps first, then a failing archive_command, then a quiet archive. */
    private Optional<String> problem(JobConfig job, Status status, Server server) {
        if (status.gaps() > 0) {
            return Optional.of(status.gaps() + " WAL segment(s) missing or damaged; 'lifeboat wal check --repo R'"
                    + " names them, and a new base backup starts a clean chain");
        }
        if (server.archiver().isPresent()) {
            ServerArchiver.Status archiver = server.archiver().get();
            Long before = failures.put(job.name(), archiver.failedCount());
            if (archiver.failing() || (before != null && archiver.failedCount() > before)) {
                return Optional.of("the server's archive_command is failing (pg_stat_archiver: "
                        + archiver.failedCount() + " failures, the last" + archiver.lastFailedWal().map(w -> " for "
                        + w).orElse("") + archiver.lastFailedAt().map(t -> " at " + t).orElse("")
                        + "); the PostgreSQL log shows wal-push's error");
            }
        }
        if (job.walMaxAge().isEmpty() || !server.up()) {
            return Optional.empty();
        }
        Duration bound = job.walMaxAge().get();
        Instant since = status.lastArchived().orElse(startedAt);
        if (Duration.between(since, status.checkedAt()).compareTo(bound) > 0) {
            return Optional.of("no WAL archived since " + status.lastArchived().map(Object::toString)
                    .orElse("the daemon started") + ", longer than wal-max-age " + Durations.format(bound)
                    + "; check the server's archive_command and its log (pg_stat_archiver)");
        }
        return Optional.empty();
    }

    private void alarm(JobConfig job, Optional<String> problem, Function<JobConfig, Notifier> notifiers) {
        if (problem.isEmpty()) {
            reported.remove(job.name());
            return;
        }
        if (problem.get().equals(reported.put(job.name(), problem.get()))) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("job", job.name());
        fields.put("message", problem.get());
        log.event("wal_alarm", fields);
        notifiers.apply(job).send(new Event(Event.Kind.WAL, job.name(), "wal", problem.get(), Optional.empty(),
                clock.instant(), ProcessOwner.hostName()));
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
    }

    private static Optional<Instant> earlier(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() || b.isEmpty() ? Optional.empty()
                : Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }
}
