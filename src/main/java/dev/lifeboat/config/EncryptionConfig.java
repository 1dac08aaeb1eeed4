package dev.lifeboat.config;

import dev.lifeboat.pipeline.Encryption;
import java.util.List;
import java.util.Optional;

/**
 * {@code encryption: none} or {@code encryption: { recipients: [...] }} (age public keys), with an
 * optional {@code identity} reference for scheduled verification of encrypted backups.
 */
public record EncryptionConfig(List<String> recipients, Optional<String> identity) {
    public static final EncryptionConfig NONE = new EncryptionConfig(List.of(), Optional.empty());

    public EncryptionConfig {
        recipients = List.copyOf(recipients);
    }

    public boolean isNone() {
        return recipients.isEmpty();
    }

    /** The write side: age to the recipients. */
    public Encryption toEncryption() {
        return isNone() ? Encryption.NONE : dev.lifeboat.crypto.Encryptions.age(recipients);
    }

    /** The read side for scheduled verification: the identity, or nothing (which opens unencrypted backups). */
    public dev.lifeboat.pipeline.Decryption toDecryption() {
        return identity.map(dev.lifeboat.crypto.Decryptions::ageIdentities)
                .orElse(dev.lifeboat.pipeline.Decryption.NONE);
    }

    public String describe() {
        return isNone() ? "none (backups are stored unencrypted)" : "age to " + String.join(", ", recipients);
    }
}
