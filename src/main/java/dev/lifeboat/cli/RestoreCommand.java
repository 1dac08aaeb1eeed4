package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.purge.PurgeOnRestore;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.Confirmation;
import dev.lifeboat.restore.RestoreReport;
import dev.lifeboat.restore.RestoreRequest;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.restore.RestoreService;
import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.EngineSettings;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", description = "Restore a backup. The backup is checked in full beside the target"
        + " first; an existing target is backed up, replaced safely, and put back if anything fails.")
final class RestoreCommand implements Callable<Integer>, EngineFlags.Taker {
    private final Services services;

    RestoreCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest", description = RepositoryArgs.BACKUP_HELP)
    String backup;

    @Option(names = "--repo", paramLabel = "REPO", description = "The repository: a folder, file:PATH, s3://… or"
            + " sftp://…; required unless --job names one.")
    String repo;

    @Option(names = "--to", paramLabel = "TARGET", description = "An SQLite file path, sqlite:PATH,"
            + " sqlcipher:PATH?key-env=VAR or postgresql://user@host:port/db (default with --job: the job's source).")
    String to;

    @Option(names = "--job", paramLabel = "NAME", description = "Restore a job of --config: its backups, its source as"
            + " the default target, its before-restore and after-restore hooks.")
    String job;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file for --job (default: ${DEFAULT-VALUE}); its purge jobs whose source is the"
                    + " target are applied to the restored copy before it is installed.")
    java.nio.file.Path config;

    @Option(names = "--no-purge", description = "Do not apply the purge jobs of the config to the restored copy:"
            + " rows they deleted come back.")
    boolean noPurge;

    @Option(names = "--name", paramLabel = "NAME", description = "With 'latest': whose latest backup (default: the target's base name).")
    String name;

    @Option(names = "--no-safety-backup", description = "Do not back up the current target first.")
    boolean noSafetyBackup;

    @Option(names = "--yes", description = "Replace an existing target without asking.")
    boolean yes;

    @Option(names = "--allow-suspicious", description = "Restore a backup given by id although it is SUSPICIOUS or"
            + " its last verification failed ('latest' never chooses such a backup).")
    boolean allowSuspicious;

    @Option(names = "--full-check", description = "Run the engine's structural check (SQLite's integrity_check) even"
            + " when a passed verification already ran it on these exact bytes (same SHA-256).")
    boolean fullCheck;

    @Mixin
    KeyOptions keyOptions;

    @Mixin
    PointInTimeOptions pointInTime;

    @Override
    public EngineOption.Operation engineOperation() {
        return EngineOption.Operation.RESTORE;
    }

    @Override
    public Integer call() throws Exception {
        boolean configGiven = job != null || spec.commandLine().getParseResult().hasMatchedOption("--config");
        Optional<LifeboatConfig> loaded = configGiven ? Optional.of(services.config(config)) : Optional.empty();
        Optional<JobConfig> chosen = job == null ? Optional.empty() : Optional.of(loaded.orElseThrow().job(job));
        String repoSpec = repo != null ? repo : chosen.flatMap(j -> j.repositories().stream()
                .filter(r -> !r.optional()).findFirst()).map(r -> r.spec()).orElse(null);
        if (pointInTime.given()) {
            if (to != null || repoSpec == null) {
                throw new LifeboatException(ExitCode.USAGE, "give --repo REPO and --to-data-dir DIR (without --to)");
            }
            return pointInTime.restore(services, spec.commandLine().getOut(), spec.commandLine().getErr(), repoSpec,
                    backup, name, keyOptions, JsonOutput.of(spec));
        }
        String targetSpec = to != null ? to : chosen.map(JobConfig::source).orElse(null);
        if (repoSpec == null || targetSpec == null) {
            throw new LifeboatException(ExitCode.USAGE, "give --repo REPO and --to TARGET, or --job NAME"
                    + " with --config FILE");
        }
        // Keys given on the command line win; otherwise a job's backups open with the key its config names.
        BackupKey key = chosen.isPresent() && !keyOptions.given() ? chosen.get().encryption().toKey()
                : keyOptions.load(services);
        PrintWriter err = spec.commandLine().getErr();
        // A job's source-options apply to its restore too; flags given here win.
        RestoreService service = services.restoreService(services.engines.configured(chosen
                .map(JobConfig::sourceOptions).orElse(EngineSettings.NONE)
                .with(EngineFlags.given(spec, services.engines, engineOperation()))), services.tracker(err), err);
        try (Repository repository = services.repository(repoSpec)) {
            return render(service.restore(new RestoreRequest(repository, backup, Optional.ofNullable(name != null
                    ? name : job), targetSpec, key, !noSafetyBackup, confirmation(),
                    chosen.map(JobConfig::hooks).orElse(Hooks.NONE), "manual", allowSuspicious,
                    new PurgeOnRestore(loaded.map(RestoreCommand::purgeJobs).orElse(List.of()), noPurge), fullCheck)));
        }
    }

    private static List<PurgeOnRestore.Job> purgeJobs(LifeboatConfig config) {
        return config.jobs().values().stream().filter(j -> j.kind() == JobConfig.Kind.PURGE)
                .map(j -> new PurgeOnRestore.Job(j.name(), j.source(), j.rules())).toList();
    }

    private int render(RestoreReport report) {
        PrintWriter out = spec.commandLine().getOut();
        report.warnings().forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        if (report.failure().isPresent()) {
            throw report.failure().get();
        }
        RestoreRunner.Result result = report.result().orElseThrow();
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            // 'trust': where the restored backup stands and which newer backups 'latest' passed by.
            json.document("restore", result).setAll(Json.tree(java.util.Map.of("target", report.target(),
                    "repository", report.repository(), "warnings", report.warnings(), "trust", report.trust())));
            return ExitCode.OK.code();
        }
        Manifest manifest = report.backup();
        out.println("restored " + manifest.id() + " of " + manifest.name() + " to " + report.target()
                + (result.replaced() ? " (replaced the previous content)" : " (new file)"));
        result.checks().forEach(check -> out.println("  ok  " + check));
        if (!"full".equals(result.structuralCheck())) {
            out.println("  structural check " + result.structuralCheck() + " (same SHA-256); --full-check runs it");
        }
        result.safetyBackup().ifPresent(safety -> out.println("  previous content kept as pre-restore backup "
                + safety.id() + " in " + report.repository()));
        return ExitCode.OK.code();
    }

    private Confirmation confirmation() {
        if (yes) {
            return Confirmation.YES;
        }
        return new Confirmation() {
            @Override
            public boolean canConfirm() {
                return dev.lifeboat.Terminal.canPrompt();
            }

            @Override
            public boolean confirm(String question) {
                String answer = System.console().readLine("%s [y/N] ", question);
                return answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y");
            }
        };
    }
}
