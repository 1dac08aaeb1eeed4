package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
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

    Services(Map<String, String> env, OutputStream stdout) {
        this.env = Map.copyOf(env);
        this.stdout = stdout;
        this.scratch = ScratchSpace.fromEnvironment(env);
        this.engines = Engines.standard(lockTimeout(env), seconds(env, "LIFEBOAT_BACKUP_LOCK_WAIT", 0), env, scratch,
                clock);
    }

    /** LIFEBOAT_LOCK_TIMEOUT in seconds, default 10. */
    private static Duration lockTimeout(Map<String, String> env) {
        return seconds(env, "LIFEBOAT_LOCK_TIMEOUT", 10);
    }

    private static Duration seconds(Map<String, String> env, String variable, long otherwise) {
        String seconds = env.get(variable);
        try {
            return Duration.ofSeconds(seconds == null ? otherwise : Long.parseLong(seconds.trim()));
        } catch (NumberFormatException e) {
            throw new LifeboatException(ExitCode.USAGE, variable + "='" + seconds
                    + "' is not a whole number of seconds");
        }
    }

    BackupRunner backups() {
        return new BackupRunner(clock, scratch, progress);
    }

    Verifier verifier() {
        return new Verifier(engines, scratch, progress, clock);
    }

    RestoreRunner restorer() {
        return new RestoreRunner(clock, backups(), RestoreRunner.Phases.NONE);
    }
}
