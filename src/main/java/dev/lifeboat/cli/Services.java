package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.RunTracker;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.config.ConfigReader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.job.JobParts;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import dev.lifeboat.purge.PurgeDatabases;
import dev.lifeboat.purge.Purger;
import dev.lifeboat.repository.ProcessOwner;
import java.net.http.HttpClient;

/** Wires the orchestration objects for one command run from its environment. */
final class Services implements AutoCloseable {
    final Map<String, String> env;
    final OutputStream stdout;
    final Clock clock = Clock.systemUTC();
    final Engines engines;
    final ScratchSpace scratch;
    final Progress progress = TerminalProgress.forTerminal();
    private Optional<Catalog> catalog;

    Services(Map<String, String> env, OutputStream stdout) {
        this.env = Map.copyOf(env);
        this.stdout = stdout;
        this.engines = Engines.standard(lockTimeout(env));
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

    /** LIFEBOAT_STATE_DIR, else $XDG_STATE_HOME/lifeboat, else ~/.local/state/lifeboat. */
    Path stateDir() {
        if (env.containsKey("LIFEBOAT_STATE_DIR")) {
            return Path.of(env.get("LIFEBOAT_STATE_DIR"));
        }
        if (env.containsKey("XDG_STATE_HOME")) {
            return Path.of(env.get("XDG_STATE_HOME"), "lifeboat");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state", "lifeboat");
    }

    /** The catalog, opened on first use; a catalog that cannot be opened is a warning, not a failure. */
    Optional<Catalog> catalog(PrintWriter err) {
        if (catalog == null) {
            try {
                catalog = Optional.of(Catalog.open(stateDir().resolve("catalog.db"), clock));
            } catch (LifeboatException e) {
                err.println("warning: " + e.getMessage());
                catalog = Optional.empty();
            }
        }
        return catalog;
    }

    RunTracker tracker(PrintWriter err) {
        return new RunTracker(catalog(err), warning -> err.println("warning: " + warning));
    }

    @Override
    public void close() {
        if (catalog != null) {
            catalog.ifPresent(Catalog::close);
        }
    }

    BackupRunner backups() {
        return new BackupRunner(clock, scratch, progress);
    }

    Verifier verifier() {
        return new Verifier(engines, scratch, progress, clock);
    }

    RestoreRunner restorer() {
        return restorer(RestoreRunner.Phases.NONE);
    }

    RestoreRunner restorer(RestoreRunner.Phases phases) {
        return new RestoreRunner(clock, backups(), phases);
    }

    /** The config file, validated; a bad file is a usage error naming the first problem. */
    LifeboatConfig config(Path file) {
        return ConfigReader.read(file, env);
    }

    /** Everything a job run needs, logging to {@code log}; the caller closes {@code deliveries}. */
    JobParts jobParts(Log log, Deliveries deliveries, PrintWriter err, Progress jobProgress) {
        BackupRunner backups = new BackupRunner(clock, scratch, jobProgress);
        Optional<Catalog> opened = catalog(err);
        RunTracker tracker = new RunTracker(opened, warning -> log.event("warning", Map.of("message", warning)));
        return new JobParts(clock, engines, backups, new Verifier(engines, scratch, jobProgress, clock),
                new Purger(clock), new PurgeDatabases(env), new HookRunner(line -> log.event("hook_output",
                Map.of("line", line))), tracker, opened.map(JobRecords::new), deliveries, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10)).build(), log, ProcessOwner.hostName());
    }
}
