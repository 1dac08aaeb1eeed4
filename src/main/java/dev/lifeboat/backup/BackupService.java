package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.prune.Pruner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one implementation of a backup, used by the command line and by jobs alike: a job's backup
 * hooks, preflight, the encryption policy, locks and the run (in {@link BackupRunner}), catalog
 * records, pins, and each repository's retention after a stored backup. One source's failure
 * stops no other; {@link BackupReport#status()} and {@link BackupReport#failure()} say how the
 * whole run ends, for every front end.
 */
public final class BackupService {
    /**
     * Retention after a stored backup waits this long for another job's prune of the same
     * repository: the backup is already safe, and failing it for a busy lock would be spurious.
     */
    private static final java.time.Duration RETENTION_LOCK_WAIT = java.time.Duration.ofMinutes(2);
    private final BackupRunner runner;
    private final RunTracker tracker;
    private final Function<String, Repository> repositories;
    private final Clock clock;

    public BackupService(BackupRunner runner, RunTracker tracker, Function<String, Repository> repositories,
                         Clock clock) {
        this.runner = runner;
        this.tracker = tracker;
        this.repositories = repositories;
        this.clock = clock;
    }

    /**
     * Backs up every source of the request, between the job's backup hooks when it has them: a
     * failing {@code before-backup} hook stops the run before anything is touched (and is recorded),
     * the {@code after-backup} hook runs whatever happened, with the run's status.
     */
    public BackupReport backUp(BackupRequest request) throws Exception {
        if (request.hooks().isEmpty()) {
            return backUpEach(request);
        }
        BackupRequest.Hooks hooks = request.hooks().get();
        Map<String, String> env = Map.of("LIFEBOAT_SOURCE", hooks.source());
        try {
            hooks.calls().before(HookPoint.BEFORE_BACKUP, env);
        } catch (LifeboatException e) {
            tracker.failed("backup", request.trigger(), request.name().orElse(hooks.source()), e.getMessage());
            return new BackupReport(List.of(), Optional.of(e), hooks.calls().after(HookPoint.AFTER_BACKUP,
                    RunStatus.FAILED, List.of(), e.getMessage(), env));
        }
        BackupReport report = backUpEach(request);
        Optional<String> afterHook = hooks.calls().after(HookPoint.AFTER_BACKUP, report.status(), report.storedIds(),
                report.failure().filter(f -> report.status() == RunStatus.FAILED).map(Exception::getMessage)
                        .orElse(null), env);
        return new BackupReport(report.items(), Optional.empty(), afterHook);
    }

    private BackupReport backUpEach(BackupRequest request) throws Exception {
        List<BackupReport.Item> items = new ArrayList<>();
        for (Source source : request.sources()) {
            String name = request.nameOf(source);
            try {
                items.add(backUp(request, source, name));
            } catch (LifeboatException e) {
                items.add(new BackupReport.Item(source.location(), name, BackupReport.Status.FAILED, Optional.empty(),
                        Optional.empty(), List.of(), List.of(), Optional.of(e)));
            }
        }
        return new BackupReport(items);
    }

    private BackupReport.Item backUp(BackupRequest request, Source source, String wanted) throws Exception {
        List<Destination> destinations = new ArrayList<>();
        try {
            for (BackupRequest.Target target : request.targets()) {
                destinations.add(new Destination(repositories.apply(target.spec()), target.required()));
            }
            Map<Destination, RepositoryOutcome> unreached = unreachedOptional(destinations);
            List<Destination> reached = destinations.stream().filter(d -> !unreached.containsKey(d)).toList();
            NameClaims.Claim claim = NameClaims.claim(reached.stream().map(Destination::repository).toList(),
                    source.identity(), wanted, request.name().isPresent());
            String name = claim.name();
            String where = destinations.stream().map(d -> d.repository().location()).collect(Collectors.joining(", "));
            BackupRunner.Outcome outcome = tracker.track("backup", request.trigger(), name, where, () -> {
                source.preflight();
                StoredForm form = new StoredForm(request.compression(), request.level(), EncryptionPolicy.resolve(
                        request.encryption(), reached.stream().map(Destination::repository).toList(),
                        source.snapshotIsEncrypted()));
                return withUnreached(runner.run(source, name, form, reached, request.guards()), destinations,
                        unreached);
            }, BackupService::ending);
            List<String> warnings = new ArrayList<>(outcome.warnings());
            claim.note().ifPresent(warnings::add);
            if (outcome.skipped().isPresent()) {
                return new BackupReport.Item(source.location(), name, BackupReport.Status.SKIPPED, Optional.empty(),
                        outcome.skipped(), warnings, List.of(), Optional.empty());
            }
            BackupResult result = outcome.result().orElseThrow();
            List<String> notes = new ArrayList<>();
            List<String> retentionFailures = new ArrayList<>();
            for (int i = 0; i < destinations.size(); i++) {
                if (result.repositories().get(i).stored()) {
                    keep(request, name, result.manifest(), destinations.get(i).repository(),
                            request.targets().get(i), notes, retentionFailures);
                }
            }
            warnings.addAll(missedOptional(result));
            Optional<LifeboatException> failure = failure(result, retentionFailures, request.failOnShrink());
            BackupReport.Status status = failure.isPresent() && failure.get().exitCode() != ExitCode.SUSPICIOUS
                    ? BackupReport.Status.FAILED : result.manifest().isSuspicious() ? BackupReport.Status.SUSPICIOUS
                    : BackupReport.Status.STORED;
            return new BackupReport.Item(source.location(), name, status, Optional.of(result), Optional.empty(),
                    warnings, notes, failure);
        } finally {
            destinations.forEach(d -> d.repository().close());
        }
    }

    /**
     * Optional repositories that do not answer at all are asked once, here, and left out of the
     * rest of the backup: each later step would otherwise wait out the same timeouts again.
     * (Required ones go on, so that the run fails with their error.)
     */
    private static Map<Destination, RepositoryOutcome> unreachedOptional(List<Destination> destinations) {
        Map<Destination, RepositoryOutcome> unreached = new IdentityHashMap<>();
        for (Destination d : destinations) {
            if (d.required()) {
                continue;
            }
            long start = System.nanoTime();
            try {
                d.repository().pinnedEncryption();
            } catch (IOException | RuntimeException e) {
                unreached.put(d, RepositoryOutcome.failed(d, (System.nanoTime() - start) / 1_000_000, false,
                        BackupResult.unexpected(e)));
            }
        }
        // With no repository left to store into, the run itself reports each failure.
        return unreached.size() == destinations.size() ? Map.of() : unreached;
    }

    /** The run's outcome with the unreached repositories' failures in their places among the targets. */
    private static BackupRunner.Outcome withUnreached(BackupRunner.Outcome outcome, List<Destination> destinations,
                                                      Map<Destination, RepositoryOutcome> unreached) {
        if (unreached.isEmpty() || outcome.result().isEmpty()) {
            return outcome;
        }
        BackupResult result = outcome.result().get();
        List<RepositoryOutcome> all = new ArrayList<>();
        int next = 0;
        for (Destination d : destinations) {
            all.add(unreached.containsKey(d) ? unreached.get(d) : result.repositories().get(next++));
        }
        return new BackupRunner.Outcome(Optional.of(new BackupResult(result.manifest(), all)), outcome.skipped(),
                outcome.warnings());
    }

    /** Indexes the stored backup, pins the repository if it had no pin, and applies its retention. */
    private void keep(BackupRequest request, String name, Manifest manifest, Repository repository,
                      BackupRequest.Target target, List<String> notes, List<String> retentionFailures)
            throws java.io.IOException {
        tracker.backup(manifest, repository.location(), manifest.isSuspicious() ? RunStatus.SUSPICIOUS : RunStatus.COMPLETED,
                null);
        EncryptionPolicy.pinAfterBackup(repository, manifest).ifPresent(notes::add);
        if (target.retention().isEmpty()) {
            return;
        }
        Pruner pruner = new Pruner(clock, target.zone(), new dev.lifeboat.repository.LockWait(RETENTION_LOCK_WAIT));
        RetentionPolicy policy = target.retention().get();
        try {
            new dev.lifeboat.prune.PruneService(tracker).prune(pruner, repository, policy,
                    RetentionPolicy.SAFETY_BACKUPS, Optional.of(name), request.trigger(), false,
                    waiting -> notes.add("retention: " + waiting));
        } catch (Exception e) {
            retentionFailures.add(repository.location() + ": retention failed: " + (e instanceof LifeboatException
                    ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static List<String> missedOptional(BackupResult result) {
        Optional<String> stored = result.repositories().stream().filter(RepositoryOutcome::stored).findFirst()
                .map(RepositoryOutcome::repository);
        if (stored.isEmpty() || result.manifest() == null) {
            return List.of();
        }
        String id = result.manifest().id();
        return result.repositories().stream().filter(r -> !r.stored() && !r.required()).map(r -> "optional repository "
                + r.repository() + " does not have backup " + id + " (" + r.error() + "); copy it there later with"
                + " 'lifeboat copy " + id + " --from " + stored.get() + " --to " + r.repository() + "'").toList();
    }

    private static Optional<LifeboatException> failure(BackupResult result, List<String> retentionFailures,
                                                       boolean failOnShrink) {
        Optional<RepositoryOutcome> failed = result.failedRequired();
        if (failed.isPresent()) {
            Optional<String> stored = result.repositories().stream().filter(RepositoryOutcome::stored).findFirst()
                    .map(RepositoryOutcome::repository);
            return Optional.of(new LifeboatException(failed.get().failure().exitCode(), "the backup did not reach"
                    + " required repository " + failed.get().repository() + ": " + failed.get().error()
                    + stored.filter(s -> result.manifest() != null).map(s -> "; it is stored in " + s + ", copy it"
                    + " there once the cause is fixed with 'lifeboat copy " + result.manifest().id() + " --from " + s
                    + " --to " + failed.get().repository() + "'").orElse("")));
        }
        if (!result.succeeded()) {
            RepositoryOutcome first = result.repositories().get(0);
            return Optional.of(new LifeboatException(first.failure().exitCode(), "the backup reached no repository: "
                    + first.error()));
        }
        if (!retentionFailures.isEmpty()) {
            return Optional.of(new LifeboatException(ExitCode.REPOSITORY, "backup " + result.manifest().id()
                    + " is stored, but " + String.join("; ", retentionFailures)));
        }
        Manifest manifest = result.manifest();
        if (manifest.isSuspicious() && failOnShrink) {
            return Optional.of(new LifeboatException(ExitCode.SUSPICIOUS, "backup " + manifest.id() + " is SUSPICIOUS: "
                    + String.join("; ", manifest.alarms()) + "; check the database (the backup is kept, and earlier"
                    + " ones are not replaced by it)"));
        }
        return Optional.empty();
    }

    private static RunTracker.Ending ending(BackupRunner.Outcome done) {
        if (done.skipped().isPresent()) {
            return new RunTracker.Ending(RunStatus.SKIPPED, null);
        }
        BackupResult result = done.result().orElseThrow();
        if (!result.succeeded()) {
            // the run's record says why, as it does for a run that threw
            return new RunTracker.Ending(RunStatus.FAILED, result.manifest(), result.repositories().stream()
                    .filter(r -> !r.stored()).findFirst().map(RepositoryOutcome::error).orElse(null));
        }
        return new RunTracker.Ending(result.manifest().isSuspicious() ? RunStatus.SUSPICIOUS : RunStatus.COMPLETED,
                result.manifest());
    }
}
