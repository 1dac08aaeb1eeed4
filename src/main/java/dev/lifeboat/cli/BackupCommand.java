package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupReport;
import dev.lifeboat.backup.BackupRequest;
import dev.lifeboat.backup.BackupResult;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.RepositoryOutcome;
import dev.lifeboat.backup.ShrinkAlarm;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.Source;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "backup", description = "Back up a database into one or more repositories in one pass.")
final class BackupCommand implements Callable<Integer>, EngineFlags.Taker {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "An SQLite file path, sqlite:PATH,"
            + " sqlcipher:PATH?key-env=VAR or postgresql://user@host:port/db.")
    String source;

    @Option(names = "--repo", paramLabel = "REPO", description = "Repository: "
            + dev.lifeboat.repository.Repositories.FORMS + "; add #optional when the backup may succeed without it"
            + " (repeatable).")
    List<String> repos;

    @Option(names = "--job", paramLabel = "NAME", description = "Back up this job of --config instead, as 'run' does.")
    String job;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file for --job (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path config;

    @Option(names = "--name", paramLabel = "NAME", description = "Backup name; defaults to the source file's base name.")
    String name;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-19, gzip 1-9).")
    Integer level;

    @Mixin
    EncryptionOptions encryption;

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

    BackupCommand(Services services) {
        this.services = services;
    }

    @Override
    public EngineOption.Operation engineOperation() {
        return EngineOption.Operation.BACKUP;
    }

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
        List<Source> sources = services.engines.forSpec(source, EngineFlags.given(spec, services.engines,
                engineOperation())).sources(source);
        Compression compression = Compression.parse(compress);
        List<BackupRequest.Target> targets = new ArrayList<>();
        for (String repo : repos) {
            RepositoryArgs args = RepositoryArgs.parse(repo);
            targets.add(new BackupRequest.Target(args.spec(), args.required(), Optional.empty(), ZoneOffset.UTC));
        }
        BackupRequest request = new BackupRequest(sources, Optional.ofNullable(name).map(Names::check), compression,
                compression.checkedLevel(level), encryption.request(services), targets, guards(),
                "fail".equals(onShrink), "manual");
        PrintWriter err = spec.commandLine().getErr();
        BackupReport report = services.backupService(services.tracker(err)).backUp(request);
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("backup", java.util.Map.of("backups", report.items().stream().map(BackupCommand::entry)
                    .toList()));
        }
        if (sources.size() == 1) {
            return renderOne(report.items().get(0));
        }
        return renderEach(report);
    }

    private int renderOne(BackupReport.Item item) {
        PrintWriter out = spec.commandLine().getOut();
        warnAndNote(item);
        if (item.skipped().isPresent()) {
            out.println("skipped: " + item.skipped().get());
            return ExitCode.OK.code();
        }
        item.result().ifPresent(this::print);
        if (item.failure().isPresent()) {
            throw item.failure().get();
        }
        return ExitCode.OK.code();
    }

    /** A whole server: one backup per database; the report says how the run ends, as for a job. */
    private int renderEach(BackupReport report) {
        PrintWriter out = spec.commandLine().getOut();
        for (BackupReport.Item item : report.items()) {
            warnAndNote(item);
            if (item.failure().filter(f -> f.exitCode() != ExitCode.SUSPICIOUS).isPresent()) {
                out.println("FAILED " + item.source() + ": " + item.failure().get().getMessage());
            }
            item.result().ifPresent(this::print);
        }
        if (report.failure().isPresent()) {
            throw report.failure().get();
        }
        return ExitCode.OK.code();
    }

    private void warnAndNote(BackupReport.Item item) {
        PrintWriter err = spec.commandLine().getErr();
        item.warnings().forEach(warning -> err.println("warning: " + warning));
        item.notes().forEach(note -> err.println("note: " + note));
        if (item.status() == BackupReport.Status.SUSPICIOUS && item.failure().isEmpty()) {
            err.println("warning: backup " + item.manifest().orElseThrow().id() + " is SUSPICIOUS: "
                    + String.join("; ", item.manifest().orElseThrow().alarms()));
        }
    }

    private void print(BackupResult result) {
        PrintWriter out = spec.commandLine().getOut();
        Manifest manifest = result.manifest();
        if (manifest != null) {
            out.println("backup " + manifest.id() + " of " + manifest.name() + " (" + manifest.source().kind()
                    + " " + manifest.source().location() + ")");
            out.println("  " + Output.summary(manifest));
        }
        for (RepositoryOutcome r : result.repositories()) {
            String where = r.repository() + (r.required() ? "" : " (optional)");
            out.println(r.stored()
                    ? String.format(Locale.ROOT, "  stored  %s: %s in %.1f s%s", where, Sizes.human(r.bytes()),
                            r.millis() / 1000.0, r.retried() ? " (after a retry)" : "")
                    : String.format(Locale.ROOT, "  FAILED  %s after %.1f s: %s", where, r.millis() / 1000.0,
                            r.error()));
        }
    }

    /** One source's backup in the {@code backup} document: its status, manifest, repositories, skip or failure. */
    private static java.util.Map<String, Object> entry(BackupReport.Item item) {
        java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("source", item.source());
        entry.put("name", item.name());
        entry.put("status", item.status().name().toLowerCase(Locale.ROOT));
        entry.put("manifest", item.manifest().orElse(null));
        entry.put("repositories", item.result().map(BackupResult::repositories).orElse(List.of()));
        entry.put("skipped", item.skipped().orElse(null));
        entry.put("failure", item.failure().map(JsonOutput::failure).orElse(null));
        entry.put("warnings", item.warnings());
        return entry;
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
