package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.Confirmation;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.source.RestoreTarget;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", description = "Restore a backup. The backup is checked in full beside the target"
        + " first; an existing target is backed up, replaced safely, and put back if anything fails.")
final class RestoreCommand implements Callable<Integer> {
    private final Services services;

    RestoreCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest")
    String backup;

    @Option(names = "--repo", required = true, paramLabel = "REPO")
    String repo;

    @Option(names = "--to", required = true, paramLabel = "TARGET", description = "An SQLite file path, sqlite:PATH or postgresql://user@host:port/db.")
    String to;

    @Option(names = "--name", description = "With 'latest': whose latest backup (default: the target's base name).")
    String name;

    @Option(names = "--no-safety-backup", description = "Do not back up the current target first.")
    boolean noSafetyBackup;

    @Option(names = "--yes", description = "Replace an existing target without asking.")
    boolean yes;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    PostgresFlags.Restore postgres = new PostgresFlags.Restore();

    @Override
    public Integer call() throws Exception {
        Repository repository = Repositories.open(repo);
        RestoreTarget target = services.engines(postgres.options()).forSpec(to).target(to);
        Manifest manifest = BackupSelector.select(repository, backup, name, target.defaultName());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (noSafetyBackup && target.exists()) {
            err.println("warning: --no-safety-backup: the current content of " + target.location()
                    + " will not be kept in the repository");
        }
        Optional<StoredForm> safetyForm = noSafetyBackup ? Optional.empty()
                : Optional.of(new StoredForm(Compression.ZSTD, Compression.ZSTD.defaultLevel(), Encryption.NONE));
        RestoreRunner.Result result = services.restorer().restore(repository, manifest, target, Decryption.NONE,
                confirmation(), safetyForm, services.progress);
        if (json) {
            out.println(Json.writeString(result));
            return ExitCode.OK.code();
        }
        out.println("restored " + manifest.id() + " of " + manifest.name() + " to " + target.location()
                + (result.replaced() ? " (replaced the previous content)" : " (new file)"));
        result.checks().forEach(check -> out.println("  ok  " + check));
        result.safetyBackup().ifPresent(safety -> out.println("  previous content kept as pre-restore backup "
                + safety.id() + " in " + repository.location()));
        return ExitCode.OK.code();
    }

    private Confirmation confirmation() {
        if (yes) {
            return Confirmation.YES;
        }
        return new Confirmation() {
            @Override
            public boolean canConfirm() {
                return System.console() != null;
            }

            @Override
            public boolean confirm(String question) {
                String answer = System.console().readLine("%s [y/N] ", question);
                return answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y");
            }
        };
    }
}
