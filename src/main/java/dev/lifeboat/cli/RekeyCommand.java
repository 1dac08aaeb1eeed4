package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.EncryptionPolicy;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.rekey.KeyPurge;
import dev.lifeboat.rekey.Rekeyer;
import dev.lifeboat.backup.Destination;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Source;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rekey", description = "Re-encrypt existing backups for new recipients, as a stream (no plaintext"
        + " on disk); or, with --purge, take a fresh backup for the new recipients and delete every backup they"
        + " cannot open (for a leaked key).")
final class RekeyCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "Only backups with this name.")
    String name;

    @Option(names = "--to-recipient", paramLabel = "AGE_PUBLIC_KEY", description = "New age recipient (repeatable).")
    List<String> toRecipients;

    @Option(names = "--to-recipient-file", paramLabel = "FILE", description = "New age recipients, one per line.")
    Path toRecipientFile;

    @Option(names = "--to-passphrase-env", paramLabel = "VAR", description = "New passphrase, from VAR.")
    String toPassphraseEnv;

    @Option(names = "--to-pgp-public-key", paramLabel = "FILE", description = "New OpenPGP public key.")
    Path toPgpPublicKey;

    @Option(names = "--purge", description = "Back up --source for the new recipients, then delete every backup of"
            + " that name they cannot open, instead of re-encrypting.")
    boolean purge;

    @Option(names = "--source", paramLabel = "SOURCE", description = "With --purge: the database to back up first.")
    String source;

    @Mixin
    KeyOptions oldKey;

    RekeyCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        int kinds = (toRecipients != null || toRecipientFile != null ? 1 : 0) + (toPassphraseEnv != null ? 1 : 0)
                + (toPgpPublicKey != null ? 1 : 0);
        if (kinds != 1) {
            throw new LifeboatException(ExitCode.USAGE, "give the new key: --to-recipient/--to-recipient-file,"
                    + " --to-passphrase-env or --to-pgp-public-key (exactly one kind)");
        }
        EncryptionRequest request = EncryptionOptions.request(services, toRecipients, toRecipientFile,
                toPassphraseEnv, false, toPgpPublicKey);
        try (Repository repository = services.repository(repo)) {
            return purge ? purge(repository, request) : rekey(repository, EncryptionPolicy.build(request));
        }
    }

    private int rekey(Repository repository, Encryption newKey) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BackupKey keys = oldKey.load(services);
        Rekeyer.Result result = new Rekeyer(services.clock).rekey(repository, Optional.ofNullable(name),
                keys::decryption, newKey);
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("rekey", java.util.Map.of("scheme", newKey.scheme(), "recipients", newKey.recipients(),
                    "rekeyed", result.rekeyed(), "unchanged", result.unchanged()));
        }
        result.rekeyed().forEach(id -> out.println("re-encrypted " + id));
        out.println(result.rekeyed().size() + " backups re-encrypted for " + newKey.scheme() + " "
                + String.join(", ", newKey.recipients()) + "; " + result.unchanged().size()
                + " already readable by the new key or not encrypted");
        return ExitCode.OK.code();
    }

    private int purge(Repository repository, EncryptionRequest request) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (source == null) {
            throw new LifeboatException(ExitCode.USAGE, "--purge needs --source SOURCE: a fresh backup is taken"
                    + " before the old ones are deleted");
        }
        Source from = services.engines.forSpec(source).source(source);
        String backupName = name == null ? from.defaultName() : Names.check(name);
        KeyPurge.Result result = new KeyPurge(services.backupService(services.tracker(spec.commandLine().getErr())))
                .purge(repository, repo, from, backupName, request);
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("rekey-purge", java.util.Map.of("recipients", result.fresh().encryption().recipients(),
                    "fresh", result.fresh(), "deleted", result.deleted().stream().map(Manifest::id).toList(),
                    "kept_in_use", result.keptInUse()));
        }
        out.println("fresh backup " + result.fresh().id() + " for " + String.join(", ",
                result.fresh().encryption().recipients()));
        for (Manifest m : result.deleted()) {
            out.println("deleted " + m.id() + " (" + m.encryption().scheme() + " for "
                    + String.join(", ", m.encryption().recipients()) + ")");
        }
        result.keptReasons().forEach(out::println);
        return ExitCode.OK.code();
    }
}
