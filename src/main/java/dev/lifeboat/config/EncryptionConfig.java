package dev.lifeboat.config;

import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.pipeline.Decryption;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A job's {@code encryption:} exactly as the command line offers it: {@code none}, or one of
 * {@code recipients} (age public keys), {@code passphrase} (age scrypt) or {@code pgp-public-key}
 * (OpenPGP) for writing; and for reading (scheduled verification, {@code restore --job}) the age
 * {@code identity}, or {@code pgp-private-key} with its {@code pgp-passphrase}. Secrets are
 * references ({@code ${VAR}} or {@code file:PATH}), resolved when the config is read.
 */
public record EncryptionConfig(List<String> recipients, Optional<String> passphrase, Optional<Path> pgpPublicKey,
                               Optional<String> identity, Optional<String> pgpPrivateKey,
                               Optional<String> pgpPassphrase) {
    public static final EncryptionConfig NONE = new EncryptionConfig(List.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public EncryptionConfig {
        recipients = List.copyOf(recipients);
    }

    public boolean isNone() {
        return recipients.isEmpty() && passphrase.isEmpty() && pgpPublicKey.isEmpty();
    }

    /** The write side, as a request the backup's encryption policy decides on (pins included). */
    public EncryptionRequest toRequest() {
        if (passphrase.isPresent()) {
            return new EncryptionRequest.Passphrase(passphrase.get().toCharArray());
        }
        if (pgpPublicKey.isPresent()) {
            return new EncryptionRequest.Pgp(pgpPublicKey.get());
        }
        return isNone() ? new EncryptionRequest.None() : new EncryptionRequest.Age(recipients);
    }

    /**
     * The read side, as scheduled verification and {@code restore --job} use it: the key that opens
     * this job's backups and re-seals a restore's safety backup for the same key.
     */
    public BackupKey toKey() {
        return new BackupKey(toDecryption(), passphrase.map(String::toCharArray).orElse(null),
                pgpPrivateKey.map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null));
    }

    /** The key that opens this job's backups, or nothing (which opens unencrypted ones). */
    private Decryption toDecryption() {
        if (identity.isPresent()) {
            return Decryptions.ageIdentities(identity.get());
        }
        if (pgpPrivateKey.isPresent()) {
            return Decryptions.pgp(new ByteArrayInputStream(pgpPrivateKey.get().getBytes(StandardCharsets.UTF_8)),
                    pgpPassphrase.map(String::toCharArray).orElse(null));
        }
        return passphrase.map(p -> Decryptions.agePassphrase(p.toCharArray())).orElse(Decryption.NONE);
    }

    public String describe() {
        if (passphrase.isPresent()) {
            return "age with a passphrase";
        }
        if (pgpPublicKey.isPresent()) {
            return "OpenPGP for the key in " + pgpPublicKey.get();
        }
        return isNone() ? "none (backups are stored unencrypted)" : "age to " + String.join(", ", recipients);
    }
}
