package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Purgeable;
import dev.lifeboat.source.RestoreTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The purge rules a restore applies to its staged copy before installing it, so a restore never
 * brings rows a purge deleted back into the application: those of every purge job whose source is
 * the restore target, matched by the engine's identity of the database (the file's real path, or
 * server, port and database).
 */
public final class StagedPurge {
    private final List<PurgeOnRestore.Job> jobs;
    private final boolean optedOut;
    private final Purger purger;

    private StagedPurge(List<PurgeOnRestore.Job> jobs, boolean optedOut, Purger purger) {
        this.jobs = List.copyOf(jobs);
        this.optedOut = optedOut;
        this.purger = purger;
    }

    public static StagedPurge forTarget(PurgeOnRestore request, Engines engines, String target, Purger purger) {
        Optional<String> identity = identity(engines, target);
        List<PurgeOnRestore.Job> matching = request.jobs().stream()
                .filter(job -> identity.isPresent() && identity.equals(identity(engines, job.source()))).toList();
        return new StagedPurge(matching, request.optedOut(), purger);
    }

    private static Optional<String> identity(Engines engines, String spec) {
        try {
            return engines.forSpec(spec).purgeable(spec).map(Purgeable::identity);
        } catch (LifeboatException e) {
            return Optional.empty();
        }
    }

    /** The loud line a restore prints when the user opted out of rules that apply to its target. */
    public Optional<String> optOutWarning(String target) {
        if (!optedOut || jobs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("--no-purge: the rules of purge job " + names() + " are NOT applied, so rows they deleted"
                + " from " + target + " come back with this restore; run " + names() + " after it to delete them"
                + " again");
    }

    /**
     * Deletes by every matching rule in the staged copy; returns what it did, as lines for the
     * restore's checks. A rule that fails fails the restore before the target is touched.
     */
    public List<String> apply(RestoreTarget.Staged staged) {
        if (optedOut || jobs.isEmpty()) {
            return List.of();
        }
        Purgeable copy = staged.purgeable().orElseThrow(() -> new LifeboatException(ExitCode.USAGE, "purge job "
                + names() + " targets this database, but its engine cannot purge a restored copy; pass --no-purge"
                + " and run the purge job after the restore"));
        List<String> lines = new ArrayList<>();
        for (PurgeOnRestore.Job job : jobs) {
            PurgeResult result = purger.run(copy, job.rules(), false, Purger.Target.STAGED);
            if (result.failed()) {
                throw new LifeboatException(ExitCode.TARGET, "the rules of purge job " + job.name() + " failed on the"
                        + " restored copy (" + String.join("; ", result.rules().stream()
                        .flatMap(r -> r.error().stream()).toList()) + "), so it was not installed; fix the rule, or"
                        + " pass --no-purge to restore without the rules (the rows they delete then come back)");
            }
            lines.add("purge job " + job.name() + " re-applied to the restored copy before install: deleted "
                    + result.describeRows() + (result.erasure().isEmpty() ? "" : " (" + String.join(", ",
                    result.erasure()) + ")"));
        }
        return lines;
    }

    private String names() {
        return String.join(", ", jobs.stream().map(PurgeOnRestore.Job::name).toList());
    }
}
