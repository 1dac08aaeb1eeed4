package dev.lifeboat.backup;

import java.nio.file.Path;
import java.util.List;

/**
 * The encryption a backup asks for, as the command line or a job's config says it, before any
 * repository's pin is consulted. Every front end builds one of these; {@link EncryptionPolicy}
 * alone decides what the backup is sealed with.
 */
public sealed interface EncryptionRequest {
    /** Nothing said: use what the repositories pin, and refuse when none does. */
    record FromPins() implements EncryptionRequest {
    }

    /** age to these public keys ({@code age1…}). */
    record Age(List<String> recipients) implements EncryptionRequest {
        public Age {
            recipients = List.copyOf(recipients);
        }
    }

    /** age with a passphrase (scrypt), already read from where the front end was told to find it. */
    record Passphrase(char[] passphrase) implements EncryptionRequest {
        @Override
        public String toString() {
            return "Passphrase[hidden]";
        }
    }

    /** OpenPGP for the public key(s) in this file. */
    record Pgp(Path publicKeyFile) implements EncryptionRequest {
    }

    /** Stored unencrypted, on purpose; refused for a repository that pins encryption. */
    record None() implements EncryptionRequest {
    }
}
