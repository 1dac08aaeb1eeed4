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
import dev.lifeboat.job.Task;
import dev.lifeboat.log.JsonLinesLog;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run one job of the config file once, with its hooks, retention and"
        + " notifications (for cron or systemd timers).")
final class RunCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job's name in the config file.")
    String job;

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
        JobConfig chosen = loaded.job(job);
        Task task = task(chosen);
        if (metricsTextfile == null) {
            return runOnce(services, spec, loaded, chosen.name(), task, dryRun);
        }
        int exit;
        try {
            exit = runOnce(services, spec, loaded, chosen.name(), task, dryRun);
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
        out.println(outcome.task().key() + " of " + outcome.job() + " " + outcome.status() + ": " + outcome.message());
        outcome.purge().ifPresent(purge -> PurgeLines.of(purge).forEach(out::println));
        outcome.warnings().forEach(w -> out.println("  warning: " + w));
        return exit(outcome);
    }

    /** The exit status of an outcome: a failure or a suspicious backup ends as the equivalent command's. */
    private static int exit(JobOutcome outcome) {
        if (outcome.failed()) {
            throw new LifeboatException(outcome.exit() == ExitCode.OK ? ExitCode.FAILURE : outcome.exit(),
                    outcome.task().key() + " of " + outcome.job() + " failed: "
                    + outcome.message());
        }
        if (outcome.suspicious()) {
            throw new LifeboatException(ExitCode.SUSPICIOUS, outcome.message() + "; check the database (the backup"
                    + " is kept, and earlier ones are not replaced by it)");
        }
        return ExitCode.OK.code();
    }
}
