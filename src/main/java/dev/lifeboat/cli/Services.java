package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupService;
import dev.lifeboat.backup.Copier;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.RestoreService;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import dev.lifeboat.verify.VerifyService;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.RunTracker;
import java.io.InputStream;
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
import dev.lifeboat.purge.PurgeService;
import dev.lifeboat.purge.Purger;
import dev.lifeboat.repository.ProcessOwner;
import java.net.http.HttpClient;

/** Wires the orchestration objects for one command run from its environment. */
final class Services implements AutoCloseable {
    final Map<String, String> env;
    final InputStream stdin;
    final OutputStream stdout;
    final Clock clock = Clock.systemUTC();
    final Engines engines;
    final ScratchSpace scratch;
    private final Duration lockTimeout;
    private final Duration backupLockWait;
    /** The progress bar on stderr; none with --quiet (see {@link #quiet()}). */
    Progress progress;
    private Optional<Catalog> catalog;
    final Retries retries;

    Services(Map<String, String> env, InputStream stdin, OutputStream stdout) {
        this.env = Map.copyOf(env);
        this.stdin = stdin;
        this.stdout = stdout;
        this.scratch = ScratchSpace.fromEnvironment(env);
        this.lockTimeout = lockTimeout(env);
        this.backupLockWait = seconds(env, "LIFEBOAT_BACKUP_LOCK_WAIT", 0);
        this.engines = Engines.standard(lockTimeout, backupLockWait, env, scratch, clock);
        this.retries = new Retries(attempts(env), Duration.ofSeconds(2));
        this.progress = TerminalProgress.forTerminal(env);
    }

    /** --quiet: no progress bar (called once the command line is parsed, before the command runs). */
    void quiet() {
        progress = Progress.NONE;
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

    /** Opens a --repo argument with this run's environment (stores' credentials and keys). */
    Repository repository(String spec) {
        return Repositories.open(spec, env);
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

    /** LIFEBOAT_STATE_DIR, else $XDG_STATE_HOME/lifeboat, else ~/.local/state/lifeboat. */
    Path stateDir() {
        return stateDir(env);
    }

    /** {@link #stateDir()} of a run with this environment, for what starts before the services do. */
    static Path stateDir(Map<String, String> env) {
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
        return new BackupRunner(clock, scratch, progress, retries, repositoryLockWait(), walPushHandOff());
    }

    /** A base backup serves wal-push hand-offs of its own OS user while it runs ({@link WalPushServer}). */
    private dev.lifeboat.backup.ArchiveHelper walPushHandOff() {
        return () -> WalPushServer.start(env).<dev.lifeboat.backup.ArchiveHelper.Helping>map(server -> server::close)
                .orElse(() -> { });
    }

    /** LIFEBOAT_BACKUP_LOCK_WAIT applies to the repository's database lock as it does to SQLCipher's own. */
    private dev.lifeboat.repository.LockWait repositoryLockWait() {
        return new dev.lifeboat.repository.LockWait(backupLockWait);
    }

    BackupService backupService(RunTracker tracker) {
        return new BackupService(backups(), tracker, this::repository, clock);
    }

    Copier copier() {
        return new Copier(progress, retries);
    }

    /** Verifies snapshots of these engines. */
    VerifyService verifyService(Engines configured, RunTracker tracker) {
        return new VerifyService(new Verifier(configured, scratch, progress, clock), tracker);
    }

    /** Restores into targets of these engines; hook output goes to {@code err}. */
    RestoreService restoreService(Engines configured, RunTracker tracker, PrintWriter err) {
        return new RestoreService(configured, backups(), tracker, new HookRunner(err::println, env), progress, clock);
    }

    /** The config file, validated; a bad file is a usage error naming the first problem. */
    LifeboatConfig config(Path file) {
        return ConfigReader.read(file, env, engines);
    }

    /** Everything a job run needs, logging to {@code log}; the caller closes {@code deliveries}. */
    JobParts jobParts(Log log, Deliveries deliveries, PrintWriter err, Progress jobProgress) {
        BackupRunner backups = new BackupRunner(clock, scratch, jobProgress, retries, repositoryLockWait(),
                walPushHandOff());
        Optional<Catalog> opened = catalog(err);
        RunTracker tracker = new RunTracker(opened, warning -> log.event("warning", Map.of("message", warning)));
        Optional<JobRecords> records = opened.map(JobRecords::new);
        return new JobParts(clock, engines, backups, new Verifier(engines, scratch, jobProgress, clock),
                new PurgeService(engines, new Purger(clock), tracker, records, this::repository, clock),
                new HookRunner(line -> log.event("hook_output", Map.of("line", line)), env), tracker, records,
                deliveries, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10)).build(), log, ProcessOwner.hostName(), this::repository);
    }
}
