package dev.lifeboat.crypto;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * The key that opens backups, loaded once and held in memory only: what decrypts, and what a
 * restore's safety backup is sealed with so that the same key opens it again.
 *
 * @param passphrase the passphrase of an age passphrase key, or null
 * @param pgpPrivateKey the OpenPGP private key as read, or null
 */
public record BackupKey(Decryption given, char[] passphrase, byte[] pgpPrivateKey) {
    /** No key: opens unencrypted backups only. */
    public static final BackupKey NONE = new BackupKey(Decryption.NONE, null, null);

    /** The decryption for one backup: none for an unencrypted one, whatever key was given. */
    public Decryption decryption(Manifest manifest) {
        return Decryptions.forScheme(manifest.encryption().scheme(), given);
    }

    /**
     * Encryption that the holder of this key can open again, matching {@code manifest}'s scheme;
     * a key that does not open the backup is refused as reading it would be.
     */
    public Encryption sameKeyEncryption(Manifest manifest) {
        Manifest.EncryptionInfo info = manifest.encryption();
        List<String> recipients = info.recipients();
        decryption(manifest).checkCanOpen(info.scheme(), recipients);
        return switch (info.scheme()) {
            case "none" -> Encryption.NONE;
            case "age" -> recipients.contains("scrypt") ? Encryptions.agePassphrase(passphrase)
                    : Encryptions.age(recipients);
            default -> Encryptions.pgpForPrivateKey(new ByteArrayInputStream(pgpPrivateKey));
        };
    }

    @Override
    public String toString() {
        return "BackupKey[hidden]";
    }
}
