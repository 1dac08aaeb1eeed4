package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.catalog.PurgeAudit;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Purgeable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one implementation of a purge run: the backup first, the purge hooks, the rules on the
 * database its engine connects to (then erasure), the report on backups still holding the deleted
 * rows, an audit record per rule and the run in the catalog. A dry run only counts: no backup, no
 * hooks, nothing deleted.
 */
public final class PurgeService {
    private final Engines engines;
    private final Purger purger;
    private final RunTracker tracker;
    private final Optional<JobRecords> records;
    private final Function<String, Repository> repositories;
    private final Clock clock;

    public PurgeService(Engines engines, Purger purger, RunTracker tracker, Optional<JobRecords> records,
                        Function<String, Repository> repositories, Clock clock) {
        this.engines = engines;
        this.purger = purger;
        this.tracker = tracker;
        this.records = records;
        this.repositories = repositories;
        this.clock = clock;
    }

    /** The database a SOURCE argument names, as its engine offers it for purging. */
    public static Purgeable purgeable(Engines engines, String source) {
        return engines.forSpec(source).purgeable(source).orElseThrow(() -> new LifeboatException(ExitCode.USAGE,
                "cannot purge '" + source.replaceAll("\\?.*", "") + "'; purge jobs support SQLite files,"
                        + " sqlcipher:PATH?key-env=VAR and postgresql:// URLs"));
    }

    /** Never throws for a failed run: the report says how it ended. A malformed source is refused first. */
    public PurgeReport purge(PurgeRequest request) {
        Purgeable database = purgeable(engines, request.source());
        Map<String, String> env = Map.of("LIFEBOAT_SOURCE", database.location());
        List<String> backupIds = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Run run = new Run();
        boolean tracked = false;
        try {
            if (!request.dryRun()) {
                request.backupFirst().ifPresent(first -> backupIds.addAll(backUp(first)));
                request.hooks().before(HookPoint.BEFORE_PURGE, env);
            }
            tracked = true;
            tracker.track("purge", request.trigger(), request.job(), database.location(),
                    () -> run.purge(request, database, warnings), done -> new RunTracker.Ending(RunStatus.COMPLETED,
                            null));
            run.message = (request.dryRun() ? "dry run, nothing deleted; would delete " : "deleted ")
                    + run.result.describeRows();
        } catch (Exception e) {
            run.fail(e);
            if (!tracked) {
                tracker.failed("purge", request.trigger(), request.job(), run.message);
            }
        }
        if (!request.dryRun()) {
            Optional<String> hookFailure = request.hooks().after(HookPoint.AFTER_PURGE, run.status, backupIds,
                    run.status == RunStatus.FAILED ? run.message : null, env);
            if (hookFailure.isPresent()) {
                run.status = RunStatus.FAILED;
                run.exit = ExitCode.FAILURE;
                run.message = run.message + "; " + hookFailure.get();
            }
        }
        return new PurgeReport(request.job(), database.location(), request.dryRun(), run.status, run.message, backupIds,
                run.rules, run.result == null ? List.of() : run.result.erasure(), warnings, run.exit);
    }

    private static List<String> backUp(PurgeRequest.BackupFirst first) {
        PurgeRequest.BackupFirst.Outcome backup = first.run();
        if (backup.status() == RunStatus.FAILED || backup.status() == RunStatus.SUSPICIOUS) {
            throw new LifeboatException(ExitCode.FAILURE, "the backup first (job " + first.job() + ") "
                    + backup.status() + ": " + backup.message() + "; nothing was purged");
        }
        return backup.backupIds();
    }

    /** One run's state as it goes. */
    private final class Run {
        RunStatus status = RunStatus.COMPLETED;
        ExitCode exit = ExitCode.OK;
        String message = "";
        PurgeResult result;
        List<PurgeReport.Rule> rules = List.of();

        PurgeResult purge(PurgeRequest request, Purgeable database, List<String> warnings) {
            Instant deletesStarted = clock.instant();
            result = purger.run(database, request.rules(), request.dryRun(), Purger.Target.LIVE);
            warnings.addAll(result.erasureMissed());
            List<PurgeRequest.BackupJob> backupJobs = backupJobs(request, database);
            BackupExposure exposure = BackupExposure.read(backupJobs, repositories, clock.instant(), warnings);
            List<PurgeReport.Rule> reported = new ArrayList<>();
            for (PurgeResult.RuleOutcome outcome : result.rules()) {
                Optional<BackupsHolding> held = outcome.failed() || backupJobs.isEmpty() ? Optional.empty()
                        : Optional.of(exposure.holding(outcome.rule().table(), deletesStarted));
                reported.add(new PurgeReport.Rule(outcome.rule().describe(), outcome.rule().table(), outcome.cutoff(),
                        outcome.rows(), outcome.error(), held));
                audit(request, outcome, held, warnings);
            }
            rules = reported;
            if (result.failed()) {
                throw new LifeboatException(ExitCode.SOURCE, result.rules().stream()
                        .filter(PurgeResult.RuleOutcome::failed).map(r -> r.error().orElseThrow())
                        .collect(Collectors.joining("; ")) + (result.rules().stream().anyMatch(r -> !r.failed())
                        ? " (other rules: " + result.describeRows() + ")" : ""));
            }
            return result;
        }

        void fail(Exception e) {
            status = RunStatus.FAILED;
            exit = e instanceof LifeboatException l ? l.exitCode() : ExitCode.FAILURE;
            message = e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
        }
    }

    /** The backup job run first, and every backup job whose source is the purged database. */
    private List<PurgeRequest.BackupJob> backupJobs(PurgeRequest request, Purgeable database) {
        Optional<String> first = request.backupFirst().map(PurgeRequest.BackupFirst::job);
        return request.backupJobs().stream().filter(job -> first.filter(job.name()::equals).isPresent()
                || sameDatabase(job.source(), database)).toList();
    }

    private boolean sameDatabase(String source, Purgeable database) {
        try {
            return engines.forSpec(source).purgeable(source).map(Purgeable::identity)
                    .filter(database.identity()::equals).isPresent();
        } catch (LifeboatException e) {
            return false;
        }
    }

    private void audit(PurgeRequest request, PurgeResult.RuleOutcome rule, Optional<BackupsHolding> held,
                       List<String> warnings) {
        if (records.isEmpty()) {
            return;
        }
        Optional<BackupsHolding.Copy> oldest = held.flatMap(BackupsHolding::oldest);
        try {
            records.get().putPurgeAudit(new PurgeAudit(request.job(), clock.instant(), rule.rule().describe(),
                    rule.rule().table(), rule.cutoff(), rule.rows(), request.dryRun(), rule.error().orElse(null),
                    oldest.map(BackupsHolding.Copy::backupId).orElse(null),
                    oldest.flatMap(BackupsHolding.Copy::dropped).orElse(null),
                    held.flatMap(BackupsHolding::lastToGo).flatMap(BackupsHolding.Copy::dropped).orElse(null)));
        } catch (LifeboatException e) {
            warnings.add("the purge audit record was not written (" + e.getMessage() + ")");
        }
    }
}
