package dev.lifeboat.hooks;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.RunStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hooks of one run, with the run's facts in their environment: LIFEBOAT_JOB, LIFEBOAT_TASK,
 * LIFEBOAT_TRIGGER, and for {@code after} hooks LIFEBOAT_STATUS, LIFEBOAT_BACKUP_ID(S) and
 * LIFEBOAT_ERROR; of Lifeboat's own environment only what {@link HookRunner} passes on.
 */
public final class HookCalls {
    private final HookRunner runner;
    private final Hooks hooks;
    private final Map<String, String> env;

    public HookCalls(HookRunner runner, Hooks hooks, String job, String task, String trigger) {
        this.runner = runner;
        this.hooks = hooks;
        this.env = Map.of("LIFEBOAT_JOB", job, "LIFEBOAT_TASK", task, "LIFEBOAT_TRIGGER", trigger);
    }

    /** Runs a {@code before} hook; a failure stops the run before anything is touched. */
    public void before(HookPoint point, Map<String, String> extra) {
        Optional<Hook> hook = hooks.at(point);
        if (hook.isEmpty()) {
            return;
        }
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        HookRunner.Result result = runner.run(point, hook.get(), hooks.env(), all);
        if (!result.ok()) {
            throw new LifeboatException(ExitCode.FAILURE, point.key() + " hook failed (exit " + result.exit() + ": "
                    + result.lastLine() + "), so nothing was done; fix the hook command in lifeboat.yaml");
        }
    }

    /** Runs an {@code after} hook and returns its failure, if any; it never throws for a failing command. */
    public Optional<String> after(HookPoint point, RunStatus status, List<String> backupIds, String error,
                                  Map<String, String> extra) {
        Optional<Hook> hook = hooks.at(point);
        if (hook.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        all.put("LIFEBOAT_STATUS", status.name());
        all.put("LIFEBOAT_BACKUP_ID", backupIds.isEmpty() ? "" : backupIds.get(0));
        all.put("LIFEBOAT_BACKUP_IDS", String.join(",", backupIds));
        all.put("LIFEBOAT_ERROR", error == null ? "" : error);
        try {
            HookRunner.Result result = runner.run(point, hook.get(), hooks.env(), all);
            return result.ok() ? Optional.empty()
                    : Optional.of(point.key() + " hook failed (exit " + result.exit() + ": " + result.lastLine() + ")");
        } catch (LifeboatException e) {
            return Optional.of(e.getMessage());
        }
    }
}
