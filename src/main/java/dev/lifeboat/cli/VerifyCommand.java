package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryContents;
import dev.lifeboat.verify.Verifier;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", description = "Prove backups restore: checksums, a real restore into scratch space,"
        + " the engine's integrity check and row counts against the manifest.")
final class VerifyCommand implements Callable<Integer>, EngineFlags.Taker {
    private final Services services;

    VerifyCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest|all")
    String backup;

    @Option(names = "--repo", required = true, paramLabel = "REPO")
    String repo;

    @Option(names = "--name", description = "With 'latest' or 'all': only backups with this name.")
    String name;

    @Mixin
    KeyOptions keyOptions;

    @Option(names = "--json", description = "Print the verification records as JSON.")
    boolean json;

    @Mixin
    DatabaseKeyOptions key = new DatabaseKeyOptions();

    @Override
    public dev.lifeboat.source.EngineOption.Operation engineOperation() {
        return dev.lifeboat.source.EngineOption.Operation.VERIFY;
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = services.repository(repo)) {
            return run(repository);
        }
    }

    private int run(Repository repository) throws Exception {
        Verifier verifier = services.verifier(services.engines.configured(EngineFlags.given(spec, services.engines,
                engineOperation())));
        KeyOptions.Keys keys = keyOptions.load(services);
        PrintWriter out = spec.commandLine().getOut();
        RunTracker tracker = services.tracker(spec.commandLine().getErr());
        if (!"all".equals(backup)) {
            Manifest manifest = BackupSelector.select(repository, backup, name, null);
            VerificationRecord record = verify(tracker, verifier, repository, manifest, keys.decryption(manifest),
                    key.access());
            print(out, manifest, record);
            return ExitCode.OK.code();
        }
        List<VerificationRecord> records = new ArrayList<>();
        RepositoryContents contents = repository.contents();
        int failed = contents.damaged().size();
        contents.damaged().forEach(d -> out.println(Output.damaged(d)));
        for (Manifest manifest : contents.backups()) {
            if (name != null && !manifest.name().equals(name)) {
                continue;
            }
            try {
                VerificationRecord record = verify(tracker, verifier, repository, manifest,
                        keys.decryption(manifest), key.access());
                records.add(record);
                print(out, manifest, record);
            } catch (LifeboatException e) {
                if (e.exitCode() != ExitCode.INTEGRITY) {
                    throw e;
                }
                failed++;
                out.println("FAILED " + manifest.id() + " " + manifest.name() + ": " + e.getMessage());
            }
        }
        for (String incomplete : repository.incompleteBackups()) {
            out.println("INCOMPLETE " + incomplete + ": data without a manifest (an interrupted backup); it is"
                    + " never listed or restored, and the next backup on its host removes it");
        }
        if (json) {
            out.println(Json.writeString(records));
        }
        if (failed > 0) {
            throw new LifeboatException(ExitCode.INTEGRITY, failed + " backup(s) failed verification; see above,"
                    + " and take a fresh backup");
        }
        return ExitCode.OK.code();
    }

    /** Verifies one backup, recording the run and the backup's new status in the catalog. */
    private static VerificationRecord verify(RunTracker tracker, Verifier verifier, Repository repository,
                                             Manifest manifest, Decryption decryption,
                                             java.util.Map<String, String> access) throws Exception {
        try {
            VerificationRecord record = tracker.track("verify", "manual", manifest.name(), repository.location(),
                    () -> verifier.verify(repository, manifest, decryption, access),
                    done -> new RunTracker.Ending(Run.COMPLETED, null));
            tracker.backup(manifest, repository.location(), Run.VERIFIED, record.verifiedAt());
            return record;
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.INTEGRITY) {
                tracker.backup(manifest, repository.location(), Run.FAILED, null);
            }
            throw e;
        }
    }

    private void print(PrintWriter out, Manifest manifest, VerificationRecord record) {
        if (json && !"all".equals(backup)) {
            out.println(Json.writeString(record));
            return;
        }
        out.println("verified " + manifest.id() + " " + manifest.name() + " (" + Output.TIME.format(
                manifest.startedAt()) + ")");
        record.checks().forEach(check -> out.println("  ok  " + check));
    }
}
