package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.postgres.PostgresOptions;
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
    private final Duration lockTimeout;
    final Progress progress = TerminalProgress.forTerminal();

    Services(Map<String, String> env, OutputStream stdout) {
        this.env = Map.copyOf(env);
        this.stdout = stdout;
        this.lockTimeout = lockTimeout(env);
        this.engines = engines(PostgresOptions.DEFAULTS);
        this.scratch = ScratchSpace.fromEnvironment(env);
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

    /** The engines, the PostgreSQL one configured with this command line's options. */
    Engines engines(PostgresOptions postgres) {
        return Engines.standard(lockTimeout, env, postgres);
    }

    BackupRunner backups() {
        return new BackupRunner(clock, scratch, progress);
    }

    Verifier verifier() {
        return verifier(engines);
    }

    Verifier verifier(Engines configured) {
        return new Verifier(configured, scratch, progress, clock);
    }

    RestoreRunner restorer() {
        return new RestoreRunner(clock, backups(), RestoreRunner.Phases.NONE);
    }
}
