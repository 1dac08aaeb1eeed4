package dev.lifeboat.testing;

import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.config.ConfigReader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.job.JobLocks;
import dev.lifeboat.job.JobParts;
import dev.lifeboat.job.JobRunner;
import dev.lifeboat.log.JsonLinesLog;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import dev.lifeboat.purge.PurgeService;
import dev.lifeboat.purge.Purger;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The real job machinery wired as the CLI wires it, around a clock and a folder the test owns. */
public final class JobHarness implements AutoCloseable {
    public final Clock clock;
    public final Catalog catalog;
    public final JobRecords records;
    public final Deliveries deliveries;
    public final JobParts parts;
    private final StringWriter logText = new StringWriter();
    private final Log log;

    public JobHarness(Path dir, Clock clock) {
        this(dir, clock, Map.of());
    }

    /** @param env what repositories are opened with, e.g. an S3 server's credentials */
    public JobHarness(Path dir, Clock clock, Map<String, String> env) {
        this.clock = clock;
        this.catalog = Catalog.open(dir.resolve("state").resolve("catalog.db"), clock);
        this.records = new JobRecords(catalog);
        this.log = new JsonLinesLog(new PrintWriter(logText, true), clock, text -> text);
        this.deliveries = new Deliveries(log, Duration.ofSeconds(20));
        ScratchSpace scratch = new ScratchSpace(dir.resolve("scratch"));
        Engines engines = Engines.standard(Duration.ofSeconds(5));
        RunTracker tracker = new RunTracker(Optional.of(catalog),
                warning -> log.event("warning", Map.of("message", warning)));
        java.util.function.Function<String, dev.lifeboat.repository.Repository> repositories =
                spec -> dev.lifeboat.repository.Repositories.open(spec, env);
        this.parts = new JobParts(clock, engines, new BackupRunner(clock, scratch, Progress.NONE,
                dev.lifeboat.backup.Retries.NONE),
                new Verifier(engines, scratch, Progress.NONE, clock),
                new PurgeService(engines, new Purger(clock), tracker, Optional.of(records), repositories, clock),
                new HookRunner(line -> log.event("hook_output", Map.of("line", line)), System.getenv()),
                tracker, Optional.of(records), deliveries, HttpClient.newHttpClient(), log, "test-host", repositories);
    }

    public static LifeboatConfig config(String yaml) {
        return ConfigReader.parse(yaml, "lifeboat.yaml", Map.of(), Engines.standard(Duration.ofSeconds(5)));
    }

    public JobRunner runner(LifeboatConfig config, JobLocks locks) {
        return new JobRunner(config, parts, locks);
    }

    public Log log() {
        return log;
    }

    /** Every log line so far. */
    public String logText() {
        return logText.toString();
    }

    /** Waits for pending notifications, then releases the catalog. */
    @Override
    public void close() {
        deliveries.close();
        catalog.close();
    }
}
