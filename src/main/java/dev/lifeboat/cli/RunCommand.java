package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.daemon.JobStatuses;
import dev.lifeboat.daemon.Metrics;
import dev.lifeboat.job.JobLocks;
import dev.lifeboat.job.JobOutcome;
import dev.lifeboat.job.JobRunner;
import dev.lifeboat.job.ParallelRuns;
import dev.lifeboat.job.Task;
import dev.lifeboat.log.JsonLinesLog;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run one job of the config file once, with its hooks, retention and"
        + " notifications (for cron or systemd timers); --all runs every backup job in this one process.")
final class RunCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "The job's name in the config file"
            + " (or --all).")
    String job;

    @Option(names = "--all", description = "Run every backup job of the config (with --verify: verify each) in this one"
            + " process, --jobs at a time; prints a line per job and exits as the first failed job would (else 10 if"
            + " one was suspicious).")
    boolean all;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "With --all: how many jobs run at"
            + " once (default: ${DEFAULT-VALUE}; up to 16).")
    int parallel;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--verify", description = "Verify the job's newest backups instead of backing up.")
    boolean verify;

    @Option(names = "--dry-run", description = "Purge jobs: count the rows each rule would delete, delete nothing.")
    boolean dryRun;

    @Option(names = "--metrics-textfile", paramLabel = "FILE", description = "After the run, write the config's"
            + " job metrics (as the daemon's /metrics) to FILE for node_exporter's textfile collector; name it *.prom.")
    Path metricsTextfile;

    RunCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        LifeboatConfig loaded = services.config(config);
        java.util.function.IntSupplier work = all ? () -> runAll(loaded) : () -> {
            JobConfig chosen = loaded.job(requireJob());
            return runOnce(services, spec, loaded, chosen.name(), task(chosen), dryRun);
        };
        if (metricsTextfile == null) {
            return work.getAsInt();
        }
        int exit;
        try {
            exit = work.getAsInt();
        } catch (LifeboatException failed) {
            try {
                writeMetrics(loaded);
            } catch (LifeboatException unwritten) {
                spec.commandLine().getErr().println("warning: " + unwritten.getMessage());
            }
            throw failed;
        }
        writeMetrics(loaded);
        return exit;
    }

    private String requireJob() {
        if (job == null) {
            throw new LifeboatException(ExitCode.USAGE, "name the JOB to run, or give --all to run every backup job");
        }
        return job;
    }

    /** Every backup job once, {@code --jobs} at a time; a line per job as it ends, then the worst exit. */
    private int runAll(LifeboatConfig loaded) {
        if (job != null) {
            throw new LifeboatException(ExitCode.USAGE, "give either a JOB or --all, not both");
        }
        if (dryRun) {
            throw new LifeboatException(ExitCode.USAGE, "--dry-run is for purge jobs, and --all runs the backup jobs");
        }
        if (parallel < 1 || parallel > 16) {
            throw new LifeboatException(ExitCode.USAGE, "--jobs " + parallel + " must be from 1 to 16");
        }
        List<String> jobs = loaded.jobs().values().stream().filter(j -> j.kind() == JobConfig.Kind.BACKUP)
                .map(JobConfig::name).sorted().toList();
        if (jobs.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, loaded.file() + " has no backup job; add one under 'jobs:'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Log log = new JsonLinesLog(err, services.clock, loaded::mask);
        long started = System.nanoTime();
        List<JobOutcome> outcomes;
        try (Deliveries deliveries = new Deliveries(log, Duration.ofMinutes(2))) {
            // one progress bar cannot show jobs side by side
            JobRunner runner = new JobRunner(loaded, services.jobParts(log, deliveries, err, parallel > 1
                    ? dev.lifeboat.Progress.NONE : services.progress), JobLocks.NONE);
            outcomes = new ParallelRuns(runner).run(jobs, verify ? Task.VERIFY : Task.BACKUP, "manual", parallel,
                    outcome -> print(out, outcome));
        }
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("run-all", java.util.Map.of("outcomes", outcomes.stream().map(RunCommand::item).toList()));
        }
        out.println(summary(outcomes, Duration.ofNanos(System.nanoTime() - started)));
        return exitOfAll(outcomes);
    }

    private static String summary(List<JobOutcome> outcomes, Duration took) {
        long failed = outcomes.stream().filter(JobOutcome::failed).count();
        long suspicious = outcomes.stream().filter(JobOutcome::suspicious).count();
        return String.format(java.util.Locale.ROOT, "%d jobs: %d completed, %d suspicious, %d failed (%.1f s)",
                outcomes.size(), outcomes.size() - failed - suspicious, suspicious, failed, took.toMillis() / 1000.0);
    }

    /** The exit of a run of several jobs: the first failed job's, else SUSPICIOUS if one was, else OK. */
    private static int exitOfAll(List<JobOutcome> outcomes) {
        List<JobOutcome> failed = outcomes.stream().filter(JobOutcome::failed).toList();
        if (!failed.isEmpty()) {
            JobOutcome first = failed.get(0);
            throw new LifeboatException(first.exit() == ExitCode.OK ? ExitCode.FAILURE : first.exit(), failed.size()
                    + " of " + outcomes.size() + " jobs failed, the first: " + first.task().key() + " of " + first.job()
                    + ": " + first.message() + " (the others ran; see above)");
        }
        return outcomes.stream().filter(JobOutcome::suspicious).findFirst().map(RunCommand::exit)
                .orElse(ExitCode.OK.code());
    }

    /** The metrics of every job of the config, so that the file is whole whichever job ran last. */
    private void writeMetrics(LifeboatConfig loaded) {
        JobStatuses statuses = JobStatuses.recorded(services.clock, services.catalog(spec.commandLine().getErr())
                .map(dev.lifeboat.catalog.JobRecords::new));
        MetricsTextfile.write(metricsTextfile, loaded.mask(Metrics.textfile(statuses.all(loaded))));
    }

    /** Runs one job task in this process, waiting for its notifications, and reports it. */
    static int runOnce(Services services, CommandSpec spec, LifeboatConfig loaded, String job, Task task,
                       boolean dryRun) {
        PrintWriter err = spec.commandLine().getErr();
        Log log = new JsonLinesLog(err, services.clock, loaded::mask);
        JobOutcome outcome;
        try (Deliveries deliveries = new Deliveries(log, Duration.ofMinutes(2))) {
            JobRunner runner = new JobRunner(loaded, services.jobParts(log, deliveries, err, services.progress),
                    JobLocks.NONE);
            outcome = runner.run(job, task, "manual", dryRun);
        }
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("run", document(outcome));
        }
        return report(spec.commandLine().getOut(), outcome);
    }

    /** The {@code run} document: the outcome; its failure, if any, is the document's error fields. */
    private static java.util.Map<String, Object> document(JobOutcome outcome) {
        java.util.Map<String, Object> document = outcome.fields();
        document.put("summary", outcome.message());
        document.put("started_at", outcome.startedAt());
        document.put("warnings", outcome.warnings());
        document.put("purge", outcome.purge().orElse(null));
        return document;
    }

    /** One job of {@code run --all}: its outcome, with its failure (as a command's) when it failed. */
    private static java.util.Map<String, Object> item(JobOutcome outcome) {
        java.util.Map<String, Object> item = document(outcome);
        item.put("failure", outcome.failed() || outcome.suspicious() ? JsonOutput.failure(failure(outcome)) : null);
        return item;
    }

    private Task task(JobConfig chosen) {
        if (chosen.kind() == JobConfig.Kind.PURGE) {
            if (verify) {
                throw new LifeboatException(ExitCode.USAGE, "job " + chosen.name() + " is a purge job; --verify is"
                        + " for backup jobs");
            }
            return Task.PURGE;
        }
        if (dryRun) {
            throw new LifeboatException(ExitCode.USAGE, "--dry-run is for purge jobs; " + chosen.name()
                    + " is a backup job");
        }
        return verify ? Task.VERIFY : Task.BACKUP;
    }

    /** Prints the outcome and turns it into the exit status. */
    static int report(PrintWriter out, JobOutcome outcome) {
        print(out, outcome);
        return exit(outcome);
    }

    private static void print(PrintWriter out, JobOutcome outcome) {
        out.println(outcome.task().key() + " of " + outcome.job() + " " + outcome.status() + ": " + outcome.message());
        outcome.purge().ifPresent(purge -> PurgeLines.of(purge).forEach(out::println));
        outcome.warnings().forEach(w -> out.println("  warning: " + w));
    }

    /** The exit status of an outcome: a failure or a suspicious backup ends as the equivalent command's. */
    private static int exit(JobOutcome outcome) {
        if (outcome.failed() || outcome.suspicious()) {
            throw failure(outcome);
        }
        return ExitCode.OK.code();
    }

    private static LifeboatException failure(JobOutcome outcome) {
        if (outcome.failed()) {
            return new LifeboatException(outcome.exit() == ExitCode.OK ? ExitCode.FAILURE : outcome.exit(),
                    outcome.task().key() + " of " + outcome.job() + " failed: " + outcome.message());
        }
        return new LifeboatException(ExitCode.SUSPICIOUS, outcome.message() + "; check the database (the backup"
                + " is kept, and earlier ones are not replaced by it)");
    }
}
