package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupResult;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Destination;
import dev.lifeboat.backup.RepositoryOutcome;
import dev.lifeboat.backup.ShrinkAlarm;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "backup", description = "Back up a database into one or more repositories in one pass.")
final class BackupCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "An SQLite file path, sqlite:PATH,"
            + " sqlcipher:PATH?key-env=VAR or postgresql://user@host:port/db.")
    String source;

    @Option(names = "--repo", paramLabel = "REPO", description = "Repository: a folder, file:PATH"
            + " or s3://bucket/prefix?endpoint=…; add #optional when the backup may succeed without it (repeatable).")
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

    @Mixin
    EncryptionOptions encryption;

    @Option(names = "--json", description = "Print the manifest, with per-repository results, as JSON.")
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

    @Mixin
    PostgresFlags.Backup postgres = new PostgresFlags.Backup();

    BackupCommand(Services services) {
        this.services = services;
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
        List<Source> sources = services.engines(postgres.options()).forSpec(source).sources(source);
        if (sources.size() == 1) {
            Source from = sources.get(0);
            return backUp(from, name == null ? from.defaultName() : Names.check(name), null);
        }
        return backUpEach(sources);
    }

    /** A whole server: one backup per database, named after it (after --name and a dash); one failure stops no other. */
    private int backUpEach(List<Source> sources) throws Exception {
        List<LifeboatException> failures = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        for (Source from : sources) {
            try {
                backUp(from, name == null ? from.defaultName() : Names.check(name + "-" + from.defaultName()),
                        results);
            } catch (LifeboatException e) {
                failures.add(e);
                spec.commandLine().getOut().println("FAILED " + from.location() + ": " + e.getMessage());
            }
        }
        if (json) {
            spec.commandLine().getOut().println(Json.writeString(results));
        }
        if (!failures.isEmpty()) {
            throw new LifeboatException(failures.get(0).exitCode(), failures.size() + " of " + sources.size()
                    + " backups failed, the first: " + failures.get(0).getMessage() + " (the others were stored;"
                    + " see above)");
        }
        return ExitCode.OK.code();
    }

    /** @param jsonResults with --json over several sources, where each result goes instead of being printed */
    private int backUp(Source from, String backupName, List<Object> jsonResults) throws Exception {
        from.preflight();
        Compression compression = Compression.parse(compress);
        BackupRunner.Guards guards = guards();
        List<Destination> destinations = new ArrayList<>();
        try {
            for (String repo : repos) {
                RepositoryArgs args = RepositoryArgs.parse(repo);
                destinations.add(new Destination(services.repository(args.spec()), args.required()));
            }
            StoredForm form = new StoredForm(compression, compression.checkedLevel(level),
                    encryption.resolve(services, destinations.stream().map(Destination::repository).toList(),
                            from.snapshotIsEncrypted()));
            PrintWriter err = spec.commandLine().getErr();
            RunTracker tracker = services.tracker(err);
            String where = destinations.stream().map(d -> d.repository().location()).collect(Collectors.joining(", "));
            BackupRunner.Outcome outcome = tracker.track("backup", "manual", backupName, where,
                    () -> services.backups().run(from, backupName, form, destinations, guards),
                    done -> ending(done));
            outcome.warnings().forEach(warning -> err.println("warning: " + warning));
            if (outcome.skipped().isPresent()) {
                spec.commandLine().getOut().println("skipped: " + outcome.skipped().get());
                return ExitCode.OK.code();
            }
            BackupResult result = outcome.result().orElseThrow();
            if (json && jsonResults != null) {
                jsonResults.add(result.manifest() == null ? result : result.manifest());
            } else {
                print(result);
            }
            int exit = finish(result);
            record(result, destinations, tracker, err);
            return suspicious(result.manifest(), exit);
        } finally {
            destinations.forEach(d -> d.repository().close());
        }
    }

    private static RunTracker.Ending ending(BackupRunner.Outcome done) {
        if (done.skipped().isPresent()) {
            return new RunTracker.Ending(Run.SKIPPED, null);
        }
        BackupResult result = done.result().orElseThrow();
        if (!result.succeeded()) {
            return new RunTracker.Ending(Run.FAILED, result.manifest());
        }
        return new RunTracker.Ending(result.manifest().isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED,
                result.manifest());
    }

    /** Indexes the backup per repository and pins the encryption of repositories that have none pinned. */
    private static void record(BackupResult result, List<Destination> destinations, RunTracker tracker,
                               PrintWriter err) throws IOException {
        Manifest manifest = result.manifest();
        for (int i = 0; i < destinations.size(); i++) {
            if (!result.repositories().get(i).stored()) {
                continue;
            }
            Repository repository = destinations.get(i).repository();
            tracker.backup(manifest, repository.location(), manifest.isSuspicious() ? Run.SUSPICIOUS : Run.COMPLETED,
                    null);
            if (!"none".equals(manifest.encryption().scheme()) && repository.pinnedEncryption().isEmpty()) {
                repository.pinEncryption(manifest.encryption());
                err.println("note: " + repository.location() + " now keeps its backups encrypted ("
                        + Output.encryption(manifest) + "); later backups use it without options");
            }
        }
    }

    private void print(BackupResult result) {
        PrintWriter out = spec.commandLine().getOut();
        Manifest manifest = result.manifest();
        if (json) {
            out.println(manifest == null ? Json.writeString(result)
                    : Json.writeStringWith(manifest, "repositories", result.repositories()));
            return;
        }
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

    private int finish(BackupResult result) {
        Optional<RepositoryOutcome> failed = result.failedRequired();
        if (failed.isPresent()) {
            throw new LifeboatException(failed.get().failure().exitCode(), "the backup did not reach required"
                    + " repository " + failed.get().repository() + ": " + failed.get().error());
        }
        if (!result.succeeded()) {
            RepositoryOutcome first = result.repositories().get(0);
            throw new LifeboatException(first.failure().exitCode(), "the backup reached no repository: "
                    + first.error());
        }
        PrintWriter err = spec.commandLine().getErr();
        String stored = result.repositories().stream().filter(RepositoryOutcome::stored).findFirst()
                .map(RepositoryOutcome::repository).orElseThrow();
        result.repositories().stream().filter(r -> !r.stored()).forEach(r -> err.println("warning: optional"
                + " repository " + r.repository() + " does not have backup " + result.manifest().id()
                + "; copy it there later with 'lifeboat copy " + result.manifest().id() + " --from " + stored
                + " --to " + r.repository() + "'"));
        return ExitCode.OK.code();
    }

    private int suspicious(Manifest manifest, int exit) {
        if (!manifest.isSuspicious()) {
            return exit;
        }
        String alarms = String.join("; ", manifest.alarms());
        if ("warn".equals(onShrink)) {
            spec.commandLine().getErr().println("warning: backup " + manifest.id() + " is SUSPICIOUS: " + alarms);
            return exit;
        }
        throw new LifeboatException(ExitCode.SUSPICIOUS, "backup " + manifest.id() + " is SUSPICIOUS: " + alarms
                + "; check the database (the backup is kept, and earlier ones are not replaced by it)");
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
