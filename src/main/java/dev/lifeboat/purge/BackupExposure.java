package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.prune.Pruner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.Retention;
import dev.lifeboat.retention.RetentionForecast;
import dev.lifeboat.retention.RetentionPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which backups of a purged database still hold rows its rules deleted, and when each backup
 * job's retention will drop them. Read from the repositories' manifests; the dates come from
 * {@link RetentionForecast}, replaying the job's retention after each future backup: one per
 * scheduled time of the job (one a day for a job without a schedule), each assumed to pass
 * verification. Pre-restore safety backups are dropped by their own retention, as after a backup.
 */
final class BackupExposure {
    /** How many future backups a forecast replays: a year and more of hourly backups. */
    static final int HORIZON = 20_000;
    private final List<Copy> copies;
    private final String assumption;

    /** One stored backup of the database, and when retention drops it. */
    private record Copy(Manifest manifest, String repository, Optional<Instant> dropped, String when) {
        BackupsHolding.Copy view() {
            return new BackupsHolding.Copy(manifest.id(), manifest.startedAt(), repository, dropped, when);
        }
    }

    private BackupExposure(List<Copy> copies, String assumption) {
        this.copies = List.copyOf(copies);
        this.assumption = assumption;
    }

    /**
     * Reads the backups of {@code jobs} in their repositories; a repository that cannot be read is
     * left out with a warning, one that does not exist yet holds nothing.
     */
    static BackupExposure read(List<PurgeRequest.BackupJob> jobs, Function<String, Repository> repositories,
                               Instant now, List<String> warnings) {
        List<Copy> copies = new ArrayList<>();
        List<String> assumptions = new ArrayList<>();
        for (PurgeRequest.BackupJob job : jobs) {
            assumptions.add(job.schedule().map(s -> "a backup of job " + job.name() + " at each time of its schedule '"
                    + s.expression() + "'").orElse("a backup of job " + job.name() + " a day (it has no schedule)"));
            for (PurgeRequest.Repository repo : job.repositories()) {
                try (Repository repository = repositories.apply(repo.spec())) {
                    copies.addAll(copies(job, repo, repository, now));
                } catch (LifeboatException e) {
                    if (e.exitCode() != ExitCode.NOT_FOUND) {
                        warnings.add(unread(repo, e));
                    }
                } catch (IOException | RuntimeException e) {
                    warnings.add(unread(repo, e));
                }
            }
        }
        return new BackupExposure(copies, jobs.isEmpty() ? "" : String.join("; ", assumptions)
                + ", retention applied after each, every backup passing verification");
    }

    private static String unread(PurgeRequest.Repository repo, Exception e) {
        return "the backups in " + repo.spec().replaceAll("\\?.*", "") + " could not be read (" + e.getMessage()
                + "), so the purge report leaves them out; check the repository";
    }

    private static List<Copy> copies(PurgeRequest.BackupJob job, PurgeRequest.Repository repo, Repository repository,
                                     Instant now) throws IOException {
        List<Manifest> regular = new ArrayList<>();
        List<Manifest> safety = new ArrayList<>();
        for (Manifest m : repository.manifests()) {
            if (m.name().equals(job.name())) {
                (m.isPreRestore() ? safety : regular).add(m);
            }
        }
        Function<Instant, Optional<Instant>> next = job.schedule().<Function<Instant, Optional<Instant>>>map(s -> s::next)
                .orElse(t -> Optional.of(t.plus(Duration.ofDays(1))));
        List<Copy> copies = new ArrayList<>();
        copies.addAll(forecast(regular, repo.retention(), true, job, repository, now, next));
        copies.addAll(forecast(safety, repo.retention().map(r -> RetentionPolicy.SAFETY_BACKUPS), false, job,
                repository, now, next));
        return copies;
    }

    private static List<Copy> forecast(List<Manifest> group, Optional<RetentionPolicy> policy, boolean futureJoins,
                                       PurgeRequest.BackupJob job, Repository repository, Instant now,
                                       Function<Instant, Optional<Instant>> next) throws IOException {
        List<Copy> copies = new ArrayList<>();
        if (policy.isEmpty()) {
            group.forEach(m -> copies.add(new Copy(m, repository.location(), Optional.empty(),
                    "never: the repository has no retention for job " + job.name())));
            return copies;
        }
        List<Retention.Candidate> candidates = new ArrayList<>();
        for (Manifest m : group) {
            candidates.add(new Retention.Candidate(m.id(), m.startedAt(), Pruner.passedVerification(repository, m),
                    false));
        }
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(candidates, policy.get(), job.zone(), now,
                next, futureJoins, HORIZON);
        for (Manifest m : group) {
            RetentionForecast.Drop drop = drops.get(m.id());
            copies.add(drop == null ? new Copy(m, repository.location(), Optional.empty(), "not within the next "
                    + HORIZON + " backups (" + policy.get().describe() + ")")
                    : new Copy(m, repository.location(), Optional.of(drop.at()), drop.at().truncatedTo(
                    ChronoUnit.SECONDS) + " (after " + drop.afterBackups() + " more backup(s), "
                    + policy.get().describe() + ")"));
        }
        return copies;
    }

    /** The backups taken by {@code deletesStarted} whose manifests count rows in {@code table}. */
    BackupsHolding holding(String table, Instant deletesStarted) {
        List<Copy> holding = copies.stream().filter(c -> !c.manifest().startedAt().isAfter(deletesStarted)
                && rows(c.manifest(), table) > 0).toList();
        Optional<Copy> oldest = holding.stream().min(Comparator.comparing((Copy c) -> c.manifest().startedAt())
                .thenComparing(c -> c.dropped().orElse(Instant.MAX), Comparator.reverseOrder()));
        Optional<Copy> last = holding.stream().max(Comparator.comparing((Copy c) -> c.dropped().orElse(Instant.MAX))
                .thenComparing(c -> c.manifest().startedAt()));
        return new BackupsHolding(holding.size(), oldest.map(Copy::view), last.map(Copy::view), assumption);
    }

    /** The rows a manifest counts in {@code table}, matched with or without its schema. */
    private static long rows(Manifest manifest, String table) {
        long rows = 0;
        for (Map.Entry<String, Long> counted : manifest.facts().tableRows().entrySet()) {
            String name = counted.getKey();
            if (name.equals(table) || (!table.contains(".") && name.endsWith("." + table))) {
                rows += counted.getValue();
            }
        }
        return rows;
    }
}
