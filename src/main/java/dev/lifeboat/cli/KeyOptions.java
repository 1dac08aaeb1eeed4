package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.crypto.Encryptions;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** The key a job's config names for reading its backups, as {@code restore --job} uses it. */
    static Keys fromConfig(dev.lifeboat.config.EncryptionConfig encryption) {
        return new Keys(encryption.toDecryption(), encryption.passphrase().map(String::toCharArray).orElse(null),
                encryption.pgpPrivateKey().map(k -> k.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElse(null));
    }

    /** The loaded key; reading stdin or a file happens once, here. */
    Keys load(Services services) throws IOException {
        int kinds = (identityFile != null ? 1 : 0) + (identityEnv != null ? 1 : 0)
                + (pgpPrivateKeyStdin || pgpPrivateKeyFile != null ? 1 : 0);
        if (kinds > 1 || (pgpPrivateKeyStdin && pgpPrivateKeyFile != null)) {
            throw new LifeboatException(ExitCode.USAGE, "give one key: --identity-file, --identity-env,"
                    + " --pgp-private-key-stdin or --pgp-private-key-file");
        }
        if (identityFile != null) {
            return new Keys(Decryptions.ageIdentityFile(identityFile), null, null);
        }
        if (identityEnv != null) {
            return new Keys(Decryptions.ageIdentities(new String(Secrets.fromEnv(services.env, identityEnv,
                    "age identity"))), null, null);
        }
        char[] passphrase = passphraseEnv != null ? Secrets.fromEnv(services.env, passphraseEnv, "passphrase")
                : askPassphrase ? Secrets.prompt("passphrase", false) : null;
        if (pgpPrivateKeyStdin || pgpPrivateKeyFile != null) {
            byte[] key = pgpPrivateKeyStdin ? services.stdin.readNBytes(4 << 20) : Files.readAllBytes(pgpPrivateKeyFile);
            return new Keys(Decryptions.pgp(new ByteArrayInputStream(key), passphrase), null, key);
        }
        return passphrase == null ? new Keys(Decryption.NONE, null, null)
                : new Keys(Decryptions.agePassphrase(passphrase), passphrase, null);
    }

    /** A loaded key: what decrypts, and what re-encrypts a restore's safety backup for the same key. */
    record Keys(Decryption given, char[] passphrase, byte[] pgpPrivateKey) {

        /** The decryption for one backup: none for an unencrypted one, whatever key was given. */
        Decryption decryption(Manifest manifest) {
            return Decryptions.forScheme(manifest.encryption().scheme(), given);
        }

        /** Encryption that the holder of this key can open again, matching {@code manifest}'s scheme. */
        Encryption sameKeyEncryption(Manifest manifest) {
            Manifest.EncryptionInfo info = manifest.encryption();
            List<String> recipients = info.recipients();
            return switch (info.scheme()) {
                case "none" -> Encryption.NONE;
                case "age" -> recipients.contains("scrypt") ? Encryptions.agePassphrase(passphrase)
                        : Encryptions.age(recipients);
                default -> Encryptions.pgpForPrivateKey(new ByteArrayInputStream(pgpPrivateKey));
            };
        }
    }
}
