package dev.lifeboat.prune;

import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one way retention is applied, by {@code prune} and after each stored backup alike: the
 * {@link Pruner}'s decisions and deletions, recorded in the catalog as a {@code prune} run. A dry
 * run only plans, and records nothing.
 */
public final class PruneService {
    private final RunTracker tracker;

    public PruneService(RunTracker tracker) {
        this.tracker = tracker;
    }

    /**
     * @param name only backups of this name, or all
     * @param trigger who started it, for the catalog: {@code manual}, {@code schedule}, ...
     * @param waiting hears when another prune holds the repository's lock and this one waits for it
     */
    public Pruner.Result prune(Pruner pruner, Repository repository, RetentionPolicy policy, RetentionPolicy safety,
                               Optional<String> name, String trigger, boolean dryRun, Consumer<String> waiting)
            throws Exception {
        if (dryRun) {
            return pruner.plan(repository, policy, safety, name);
        }
        return tracker.track("prune", trigger, name.orElse(null), repository.location(),
                () -> pruner.prune(repository, policy, safety, name, waiting),
                done -> new RunTracker.Ending(RunStatus.COMPLETED, null));
    }
}
