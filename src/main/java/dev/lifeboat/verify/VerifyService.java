package dev.lifeboat.verify;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryContents;
import dev.lifeboat.crypto.BackupKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one implementation of verification, used by the command line and by jobs alike: which
 * backups, the real restore into scratch space (in {@link Verifier}), and the catalog records:
 * the run, and the backup's status VERIFIED or, when its content failed, FAILED.
 */
public final class VerifyService {
    private final Verifier verifier;
    private final RunTracker tracker;

    public VerifyService(Verifier verifier, RunTracker tracker) {
        this.verifier = verifier;
        this.tracker = tracker;
    }

    /**
     * Verifies what the request selects. A request that selects nothing verifiable (an unknown or
     * damaged id, several names and none chosen) is refused with its exit code; everything after
     * selection is in the report.
     */
    public VerifyReport verify(VerifyRequest request) throws Exception {
        if (request.which() instanceof VerifyRequest.Which.All) {
            return verifyAll(request);
        }
        if (request.which() instanceof VerifyRequest.Which.One one) {
            return verifyOnly(request, BackupSelector.select(request.repository(), one.id(), null, null));
        }
        BackupSelector.Newest newest = BackupSelector.newest(request.repository(), request.name().orElse(null), null);
        if (newest.backup().isEmpty()) {
            return new VerifyReport(request.which(), List.of(), List.of(), List.of(), Optional.of(newest));
        }
        return verifyOnly(request, newest.backup().get());
    }

    /**
     * The newest backup of {@code name} in each place, as a job verifies (see {@link NewestEverywhere});
     * each repository is opened with {@code repositories} and closed again.
     */
    public NewestEverywhere verifyNewest(List<NewestEverywhere.Place> places, String name, BackupKey key,
                                         Map<String, String> access, String trigger,
                                         Function<String, Repository> repositories) {
        List<String> verified = new ArrayList<>();
        List<String> nothingYet = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ExitCode exit = ExitCode.OK;
        for (NewestEverywhere.Place place : places) {
            Optional<LifeboatException> problem;
            try (Repository repository = repositories.apply(place.spec())) {
                VerifyReport report = verify(new VerifyRequest(repository, new VerifyRequest.Which.Latest(),
                        Optional.of(name), key, access, trigger));
                verified.addAll(report.records().stream().map(VerificationRecord::backupId).toList());
                report.nothingYet().ifPresent(none -> nothingYet.add(repository.location()));
                problem = report.nothingYet().isPresent() ? Optional.empty() : report.failure();
            } catch (LifeboatException e) {
                problem = Optional.of(e);
            } catch (Exception e) {
                problem = Optional.of(new LifeboatException(ExitCode.FAILURE, e.getClass().getSimpleName() + ": "
                        + e.getMessage(), e));
            }
            if (problem.isPresent()) {
                (place.optional() ? warnings : failures).add(place.spec() + ": " + problem.get().getMessage());
                exit = place.optional() || exit != ExitCode.OK ? exit : problem.get().exitCode();
            }
        }
        return new NewestEverywhere(name, verified, nothingYet, failures, warnings, exit);
    }

    private VerifyReport verifyOnly(VerifyRequest request, Manifest manifest) throws Exception {
        return new VerifyReport(request.which(), List.of(verifyOne(request, manifest)), List.of(), List.of(),
                Optional.empty());
    }

    /** Every backup (of the name); one whose content fails stops nothing, anything else stops the run. */
    private VerifyReport verifyAll(VerifyRequest request) throws Exception {
        Repository repository = request.repository();
        RepositoryContents contents = repository.contents();
        List<VerifyReport.Item> items = new ArrayList<>();
        for (Manifest manifest : contents.backups()) {
            if (request.name().filter(n -> !manifest.name().equals(n)).isPresent()) {
                continue;
            }
            VerifyReport.Item item = verifyOne(request, manifest);
            items.add(item);
            if (item.failure().isPresent() && !item.contentFailed()) {
                return new VerifyReport(request.which(), items, contents.damaged(), List.of(), Optional.empty());
            }
        }
        return new VerifyReport(request.which(), items, contents.damaged(), repository.incompleteBackups(),
                Optional.empty());
    }

    private VerifyReport.Item verifyOne(VerifyRequest request, Manifest manifest) throws Exception {
        Repository repository = request.repository();
        try {
            VerificationRecord record = tracker.track("verify", request.trigger(), manifest.name(),
                    repository.location(), () -> verifier.verify(repository, manifest,
                            request.key().decryption(manifest), request.access()),
                    done -> new RunTracker.Ending(RunStatus.COMPLETED, null));
            tracker.backup(manifest, repository.location(), RunStatus.VERIFIED, record.verifiedAt());
            return new VerifyReport.Item(manifest, Optional.of(record), Optional.empty());
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.INTEGRITY) {
                tracker.backup(manifest, repository.location(), RunStatus.FAILED, null);
            }
            return new VerifyReport.Item(manifest, Optional.empty(), Optional.of(e));
        }
    }
}
