package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.crypto.Decryptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The key that opens encrypted backups, for restore, verify, cat and rekey. Held in memory only. */
final class KeyOptions {
    @Option(names = "--identity-file", paramLabel = "FILE", description = "age identity file (from age-keygen).")
    Path identityFile;

    @Option(names = "--identity-env", paramLabel = "VAR", description = "age identity text in environment variable VAR.")
    String identityEnv;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Passphrase in VAR: of a passphrase backup, or of the OpenPGP private key.")
    String passphraseEnv;

    @Option(names = "--ask-passphrase", description = "Ask the passphrase on the terminal.")
    boolean askPassphrase;

    @Option(names = "--pgp-private-key-stdin", description = "Read the OpenPGP private key (armored or base64) from stdin.")
    boolean pgpPrivateKeyStdin;

    @Option(names = "--pgp-private-key-file", paramLabel = "FILE", description = "Read the OpenPGP private key from FILE.")
    Path pgpPrivateKeyFile;

    /** Whether any key option was given on the command line. */
    boolean given() {
        return identityFile != null || identityEnv != null || passphraseEnv != null || askPassphrase
                || pgpPrivateKeyStdin || pgpPrivateKeyFile != null;
    }

    /** The loaded key; reading stdin or a file happens once, here. */
    BackupKey load(Services services) throws IOException {
        int kinds = (identityFile != null ? 1 : 0) + (identityEnv != null ? 1 : 0)
                + (pgpPrivateKeyStdin || pgpPrivateKeyFile != null ? 1 : 0);
        if (kinds > 1 || (pgpPrivateKeyStdin && pgpPrivateKeyFile != null)) {
            throw new LifeboatException(ExitCode.USAGE, "give one key: --identity-file, --identity-env,"
                    + " --pgp-private-key-stdin or --pgp-private-key-file");
        }
        if (identityFile != null) {
            return new BackupKey(Decryptions.ageIdentityFile(identityFile), null, null);
        }
        if (identityEnv != null) {
            return new BackupKey(Decryptions.ageIdentities(new String(Secrets.fromEnv(services.env, identityEnv,
                    "age identity"))), null, null);
        }
        char[] passphrase = passphraseEnv != null ? Secrets.fromEnv(services.env, passphraseEnv, "passphrase")
                : askPassphrase ? Secrets.prompt("passphrase", false) : null;
        if (pgpPrivateKeyStdin || pgpPrivateKeyFile != null) {
            byte[] key = pgpPrivateKeyStdin ? services.stdin.readNBytes(4 << 20) : Files.readAllBytes(pgpPrivateKeyFile);
            return new BackupKey(Decryptions.pgp(new ByteArrayInputStream(key), passphrase), null, key);
        }
        return passphrase == null ? BackupKey.NONE
                : new BackupKey(Decryptions.agePassphrase(passphrase), passphrase, null);
    }
}
