package dev.lifeboat.catalog;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Records runs in the catalog around the work itself. The catalog is a convenience: when it
 * fails, a warning is printed and the run goes on.
 */
public final class RunTracker {
    private final Optional<Catalog> catalog;
    private final Consumer<String> warnings;

    public RunTracker(Optional<Catalog> catalog, Consumer<String> warnings) {
        this.catalog = catalog;
        this.warnings = warnings;
    }

    /**
     * How a finished run is recorded: its status, for backups the manifest, and for a run that
     * returned FAILED (rather than threw) why it failed.
     */
    public record Ending(RunStatus status, Manifest backup, String error) {
        public Ending(RunStatus status, Manifest backup) {
            this(status, backup, null);
        }
    }

    public <T> T track(String kind, String trigger, String name, String repository, Callable<T> work,
                       Function<T, Ending> ending) throws Exception {
        long run = quietly(() -> catalog.map(c -> c.start(kind, trigger, name, repository)).orElse(-1L), -1L);
        try {
            T result = work.call();
            Ending end = ending.apply(result);
            quietly(() -> {
                catalog.ifPresent(c -> c.finish(run, end.status(), end.backup(), end.error()));
                return null;
            }, null);
            return result;
        } catch (Exception e) {
            String error = e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
            quietly(() -> {
                catalog.ifPresent(c -> c.finish(run, RunStatus.FAILED, null, error));
                return null;
            }, null);
            throw e;
        }
    }

    /** A run that failed before its work began still counts, for history, metrics and catch-up. */
    public void failed(String kind, String trigger, String name, String message) {
        try {
            track(kind, trigger, name, null, () -> {
                throw new LifeboatException(dev.lifeboat.ExitCode.FAILURE, message);
            }, done -> null);
        } catch (Exception expected) {
            // track() rethrows the failure it recorded.
        }
    }

    /** Enters a backup in the index with its status (COMPLETED, SUSPICIOUS, VERIFIED, FAILED). */
    public void backup(Manifest manifest, String repository, RunStatus status, Instant verifiedAt) {
        quietly(() -> {
            catalog.ifPresent(c -> c.putBackup(manifest, repository, status, verifiedAt));
            return null;
        }, null);
    }

    private <T> T quietly(Callable<T> action, T fallback) {
        try {
            return action.call();
        } catch (Exception e) {
            warnings.accept("the catalog was not updated (" + e.getMessage() + ")");
            return fallback;
        }
    }
}
