package dev.lifeboat.config;

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

    /** The write side, as a request the backup's encryption policy decides on (pins included). */
    public dev.lifeboat.backup.EncryptionRequest toRequest() {
        return isNone() ? new dev.lifeboat.backup.EncryptionRequest.None()
                : new dev.lifeboat.backup.EncryptionRequest.Age(recipients);
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
