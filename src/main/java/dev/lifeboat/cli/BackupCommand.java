package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.ShrinkAlarm;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Optional;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Source;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "backup", description = "Back up a database into a repository.")
final class BackupCommand implements Callable<Integer> {
    private final Services services;

    BackupCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "An SQLite file path or sqlite:PATH.")
    String source;

    @Option(names = "--repo", paramLabel = "REPO", description = "Repository folder (or file:PATH).")
    List<String> repos;

    @Option(names = "--job", paramLabel = "NAME", description = "Back up this job of --config instead, as 'run' does.")
    String job;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file for --job (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path config;

    @Option(names = "--name", description = "Backup name; defaults to the source file's base name.")
    String name;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-19, gzip 1-9).")
    Integer level;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    @Option(names = "--min-interval", paramLabel = "DURATION",
            description = "Skip when a good backup of this database is newer than this (e.g. 1d).")
    String minInterval;

    @Option(names = "--force", description = "Back up even within --min-interval.")
    boolean force;

    @Option(names = "--shrink-threshold", paramLabel = "PERCENT", defaultValue = "50",
            description = "Raise the shrink alarm when rows or size fall by more than this (default: ${DEFAULT-VALUE}).")
    int shrinkThreshold;

    @Option(names = "--on-shrink", paramLabel = "fail|warn", defaultValue = "fail",
            description = "A suspicious backup is kept either way; 'fail' exits with code 10 (default: ${DEFAULT-VALUE}).")
    String onShrink;

    @Override
    public Integer call() throws Exception {
        if (job != null) {
            if (source != null || repos != null) {
                throw new LifeboatException(ExitCode.USAGE, "--job takes source and repositories from the config;"
                        + " give either --job NAME or SOURCE --repo REPO");
            }
            dev.lifeboat.config.LifeboatConfig loaded = services.config(config);
            if (loaded.job(job).kind() != dev.lifeboat.config.JobConfig.Kind.BACKUP) {
                throw new LifeboatException(ExitCode.USAGE, "job " + job + " is a purge job; use 'lifeboat run "
                        + job + "'");
            }
            return RunCommand.runOnce(services, spec, loaded, job, dev.lifeboat.job.Task.BACKUP, false);
        }
        if (source == null || repos == null) {
            throw new LifeboatException(ExitCode.USAGE, "give SOURCE and --repo REPO, or --job NAME with --config FILE");
        }
        if (repos.size() > 1) {
            throw new LifeboatException(ExitCode.USAGE, "writing to several repositories in one run is not"
                    + " supported yet; run one backup per --repo");
        }
        Source from = services.engines.forSpec(source).source(source);
        Compression compression = Compression.parse(compress);
        StoredForm form = new StoredForm(compression, compression.checkedLevel(level), Encryption.NONE);
        Repository repository = Repositories.open(repos.get(0));
        String backupName = name == null ? from.defaultName() : Names.check(name);
        BackupRunner.Guards guards = guards();
        PrintWriter err = spec.commandLine().getErr();
        RunTracker tracker = services.tracker(err);
        BackupRunner.Outcome outcome = tracker.track("backup", "manual", backupName, repository.location(),
                () -> services.backups().run(from, backupName, form, repository, guards),
                done -> new RunTracker.Ending(done.skipped().isPresent() ? Run.SKIPPED
                        : done.manifest().orElseThrow().isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED,
                        done.manifest().orElse(null)));
        outcome.manifest().ifPresent(m -> tracker.backup(m, repository.location(),
                m.isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED, null));
        PrintWriter out = spec.commandLine().getOut();
        outcome.warnings().forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        if (outcome.skipped().isPresent()) {
            out.println("skipped: " + outcome.skipped().get());
            return ExitCode.OK.code();
        }
        Manifest manifest = outcome.manifest().orElseThrow();
        if (json) {
            out.println(Json.writeString(manifest));
        } else {
            out.println("backup " + manifest.id() + " of " + manifest.name() + " (" + manifest.source().kind()
                    + " " + manifest.source().location() + ") in " + repository.location());
            out.println("  " + Output.summary(manifest));
        }
        if (manifest.isSuspicious()) {
            String alarms = String.join("; ", manifest.alarms());
            if ("warn".equals(onShrink)) {
                spec.commandLine().getErr().println("warning: backup " + manifest.id() + " is SUSPICIOUS: " + alarms);
                return ExitCode.OK.code();
            }
            throw new LifeboatException(ExitCode.SUSPICIOUS, "backup " + manifest.id() + " is SUSPICIOUS: " + alarms
                    + "; check the database (the backup is kept, and earlier ones are not replaced by it)");
        }
        return ExitCode.OK.code();
    }

    private BackupRunner.Guards guards() {
        if (!"fail".equals(onShrink) && !"warn".equals(onShrink)) {
            throw new LifeboatException(ExitCode.USAGE, "--on-shrink must be fail or warn, not '" + onShrink + "'");
        }
        if (shrinkThreshold < 1 || shrinkThreshold > 100) {
            throw new LifeboatException(ExitCode.USAGE, "--shrink-threshold must be 1 to 100 (percent)");
        }
        Duration interval = minInterval == null || force ? Duration.ZERO : RetentionPolicy.parseDuration(minInterval);
        return new BackupRunner.Guards(interval, Optional.of(new ShrinkAlarm(shrinkThreshold)));
    }
}
