package dev.lifeboat.config;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
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

    /** The write-side stage; age is wired in by the build that ships it. */
    public Encryption toEncryption() {
        if (isNone()) {
            return Encryption.NONE;
        }
        throw new LifeboatException(ExitCode.USAGE, "age encryption is not available in this build; use a build"
                + " with age support, or set 'encryption: none' for this job");
    }

    public String describe() {
        return isNone() ? "none (backups are stored unencrypted)" : "age to " + String.join(", ", recipients);
    }
}
