package dev.lifeboat.restore;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.hooks.HookCalls;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.source.RestoreTarget;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a restore between a job's restore hooks. The {@code before-restore} hook runs once the
 * backup has been fully checked in scratch space, just before the target is touched, so a damaged
 * backup never stops the application; if it fails, nothing is touched. The {@code after-restore}
 * hook runs whatever happened, with LIFEBOAT_STATUS saying what.
 */
final class RestoreHooks {
    private final HookCalls hooks;
    private final String backupId;
    private final String target;

    RestoreHooks(HookCalls hooks, String backupId, String target) {
        this.hooks = hooks;
        this.backupId = backupId;
        this.target = target;
    }

    /** A restore that follows the given phases. */
    interface Restore<T> {
        T run(RestoreRunner.Phases phases) throws Exception;
    }

    <T> T run(Restore<T> restore) throws Exception {
        Map<String, String> env = Map.of("LIFEBOAT_TARGET", target, "LIFEBOAT_RESTORE_BACKUP_ID", backupId);
        RestoreRunner.Phases phases = new RestoreRunner.Phases() {
            @Override
            public void checked(List<String> checks) {
                hooks.before(HookPoint.BEFORE_RESTORE, env);
            }

            @Override
            public void installed(RestoreTarget installed) {
            }
        };
        T result;
        try {
            result = restore.run(phases);
        } catch (Exception failure) {
            hooks.after(HookPoint.AFTER_RESTORE, RunStatus.FAILED, List.of(backupId), failure.getMessage(), env)
                    .ifPresent(hookFailure -> failure.addSuppressed(new LifeboatException(ExitCode.FAILURE,
                            hookFailure)));
            throw failure;
        }
        Optional<String> hookFailure = hooks.after(HookPoint.AFTER_RESTORE, RunStatus.COMPLETED, List.of(backupId),
                null, env);
        if (hookFailure.isPresent()) {
            throw new LifeboatException(ExitCode.FAILURE, "the restore succeeded, but " + hookFailure.get()
                    + "; start what the hook should have started by hand");
        }
        return result;
    }
}
