package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.crypto.AgeRecipients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The encryption flags of a backup, turned into the request that {@link EncryptionPolicy} decides
 * on: without flags the repositories' pins are used.
 */
final class EncryptionOptions {
    @Option(names = "--recipient", paramLabel = "AGE_PUBLIC_KEY", description = "age recipient (repeatable).")
    List<String> recipients;

    @Option(names = "--recipient-file", paramLabel = "FILE", description = "age recipients, one per line.")
    Path recipientFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Encrypt with the passphrase in VAR (age scrypt).")
    String passphraseEnv;

    @Option(names = "--ask-passphrase", description = "Encrypt with a passphrase asked on the terminal.")
    boolean askPassphrase;

    @Option(names = "--pgp-public-key", paramLabel = "FILE", description = "Encrypt for this OpenPGP public key.")
    Path pgpPublicKey;

    @Option(names = "--no-encrypt", description = "Store the backup unencrypted.")
    boolean noEncrypt;

    /** Whether encrypting needs a secret of this process (a passphrase), which another process could not share. */
    boolean needsSecret() {
        return passphraseEnv != null || askPassphrase;
    }

    /** Makes the key files' paths absolute against {@code base}, for a command line parsed in another folder. */
    void resolveAgainst(Path base) {
        recipientFile = recipientFile == null ? null : base.resolve(recipientFile);
        pgpPublicKey = pgpPublicKey == null ? null : base.resolve(pgpPublicKey);
    }

    EncryptionRequest request(Services services) throws IOException {
        int modes = (recipients != null || recipientFile != null ? 1 : 0) + (passphraseEnv != null ? 1 : 0)
                + (askPassphrase ? 1 : 0) + (pgpPublicKey != null ? 1 : 0) + (noEncrypt ? 1 : 0);
        if (modes > 1) {
            throw new LifeboatException(ExitCode.USAGE, "give one kind of encryption: --recipient/--recipient-file,"
                    + " --passphrase-env, --ask-passphrase, --pgp-public-key or --no-encrypt");
        }
        if (noEncrypt) {
            return new EncryptionRequest.None();
        }
        return modes == 0 ? new EncryptionRequest.FromPins()
                : request(services, recipients, recipientFile, passphraseEnv, askPassphrase, pgpPublicKey);
    }

    /** The request for exactly one given kind of key; shared with rekey's --to-* options. */
    static EncryptionRequest request(Services services, List<String> recipients, Path recipientFile,
                                     String passphraseEnv, boolean askPassphrase, Path pgpPublicKey)
            throws IOException {
        if (recipients != null || recipientFile != null) {
            List<String> all = new ArrayList<>(recipients == null ? List.of() : recipients);
            if (recipientFile != null) {
                all.addAll(AgeRecipients.readFile(recipientFile));
            }
            return new EncryptionRequest.Age(all);
        }
        if (passphraseEnv != null || askPassphrase) {
            return new EncryptionRequest.Passphrase(passphraseEnv != null
                    ? Secrets.fromEnv(services.env, passphraseEnv, "passphrase") : Secrets.prompt("passphrase", true));
        }
        return new EncryptionRequest.Pgp(pgpPublicKey);
    }
}
