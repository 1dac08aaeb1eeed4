package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Copier;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Wires the orchestration objects for one command run from its environment. */
final class Services {
    final Map<String, String> env;
    final OutputStream stdout;
    final Clock clock = Clock.systemUTC();
    final Engines engines;
    final ScratchSpace scratch;
    final Progress progress = TerminalProgress.forTerminal();
    final Retries retries;

    Services(Map<String, String> env, OutputStream stdout) {
        this.env = Map.copyOf(env);
        this.stdout = stdout;
        this.engines = Engines.standard(lockTimeout(env));
        this.scratch = ScratchSpace.fromEnvironment(env);
        this.retries = new Retries(attempts(env), Duration.ofSeconds(2));
    }

    /** LIFEBOAT_UPLOAD_ATTEMPTS: tries of a whole upload or copy that failed in a way that may pass; default 3. */
    private static int attempts(Map<String, String> env) {
        String value = env.getOrDefault("LIFEBOAT_UPLOAD_ATTEMPTS", "3");
        try {
            int attempts = Integer.parseInt(value.trim());
            if (attempts >= 1 && attempts <= 10) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LifeboatException(ExitCode.USAGE, "LIFEBOAT_UPLOAD_ATTEMPTS='" + value
                + "' must be a whole number from 1 to 10");
    }

    /** Opens a --repo argument with this run's environment (where S3 credentials come from). */
    Repository repository(String spec) {
        return Repositories.open(spec, env);
    }

    /** LIFEBOAT_LOCK_TIMEOUT in seconds, default 10. */
    private static Duration lockTimeout(Map<String, String> env) {
        String seconds = env.get("LIFEBOAT_LOCK_TIMEOUT");
        try {
            return Duration.ofSeconds(seconds == null ? 10 : Long.parseLong(seconds.trim()));
        } catch (NumberFormatException e) {
            throw new LifeboatException(ExitCode.USAGE, "LIFEBOAT_LOCK_TIMEOUT='" + seconds
                    + "' is not a whole number of seconds");
        }
    }

    BackupRunner backups() {
        return new BackupRunner(clock, scratch, progress, retries);
    }

    Copier copier() {
        return new Copier(progress, retries);
    }

    Verifier verifier() {
        return new Verifier(engines, scratch, progress, clock);
    }

    RestoreRunner restorer() {
        return new RestoreRunner(clock, backups(), RestoreRunner.Phases.NONE);
    }
}
