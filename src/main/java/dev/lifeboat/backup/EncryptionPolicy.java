package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.Encryptions;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

/**
 * The one encryption policy of every backup, whichever front end asked for it. Encrypted by
 * default: without a request the repositories' pinned recipients are used, with none pinned the
 * backup is refused; a request for no encryption is refused where a repository pins one; after a
 * backup, each repository without a pin is pinned to what it now holds.
 */
public final class EncryptionPolicy {
    public static final String MAKE_A_KEY = "make a key with 'age-keygen -o key.txt' (keep key.txt off this server)"
            + " and pass --recipient with the age1… key that 'age-keygen -y key.txt' prints";

    private EncryptionPolicy() {
    }

    /**
     * The encryption stage for a backup into these repositories. A source whose snapshot is
     * already encrypted (SQLCipher) needs no outer encryption unless a request or a pin asks for it.
     */
    public static Encryption resolve(EncryptionRequest request, List<Repository> repositories,
                                     boolean snapshotIsEncrypted) throws IOException {
        for (Repository repository : repositories) {
            Optional<Manifest.EncryptionInfo> pinned = pinned(repository);
            if (request instanceof EncryptionRequest.None && pinned.isPresent()) {
                throw new LifeboatException(ExitCode.USAGE, "repository " + repository.location() + " keeps its"
                        + " backups encrypted (" + pinned.get().scheme() + "); use another repository for"
                        + " unencrypted backups");
            }
            if (request instanceof EncryptionRequest.FromPins && pinned.isPresent()) {
                return fromPin(pinned.get(), repository);
            }
        }
        if (request instanceof EncryptionRequest.None || (request instanceof EncryptionRequest.FromPins
                && snapshotIsEncrypted)) {
            return Encryption.NONE;
        }
        if (request instanceof EncryptionRequest.FromPins) {
            throw new LifeboatException(ExitCode.USAGE, "backups are encrypted by default: " + MAKE_A_KEY
                    + " (or use --passphrase-env VAR, --pgp-public-key FILE, or --no-encrypt)");
        }
        return build(request);
    }

    /** The stage for an explicit key; shared with re-keying, whose new key is never a pin. */
    public static Encryption build(EncryptionRequest request) throws IOException {
        if (request instanceof EncryptionRequest.Age age) {
            return Encryptions.age(age.recipients());
        }
        if (request instanceof EncryptionRequest.Passphrase passphrase) {
            return Encryptions.agePassphrase(passphrase.passphrase());
        }
        if (request instanceof EncryptionRequest.Pgp pgp) {
            try (InputStream key = Files.newInputStream(pgp.publicKeyFile())) {
                return Encryptions.pgp(key);
            } catch (NoSuchFileException e) {
                throw new LifeboatException(ExitCode.USAGE, "OpenPGP public key file " + pgp.publicKeyFile()
                        + " does not exist; export it with 'gpg --export --armor KEYID > key.asc'");
            }
        }
        if (request instanceof EncryptionRequest.None) {
            return Encryption.NONE;
        }
        throw new IllegalArgumentException("a pin is not a key");
    }

    /**
     * Pins a repository that has no pin yet to the encryption of the backup it now holds; returns
     * the note to show, if it pinned.
     */
    public static Optional<String> pinAfterBackup(Repository repository, Manifest stored) throws IOException {
        return pinIfUnpinned(repository, stored.encryption());
    }

    /**
     * Pins a repository that has no pin yet to {@code encryption} (what it now stores, a backup or
     * archived WAL); nothing for unencrypted data. Returns the note to show, if it pinned.
     */
    public static Optional<String> pinIfUnpinned(Repository repository, Manifest.EncryptionInfo encryption)
            throws IOException {
        if ("none".equals(encryption.scheme()) || repository.pinnedEncryption().isPresent()) {
            return Optional.empty();
        }
        repository.pinEncryption(encryption);
        return Optional.of(repository.location() + " now keeps its backups encrypted (" + describe(encryption)
                + "); later backups use it without options");
    }

    public static String describe(Manifest.EncryptionInfo encryption) {
        if ("none".equals(encryption.scheme())) {
            return "not encrypted";
        }
        return encryption.recipients().contains("scrypt") ? "age with a passphrase"
                : encryption.scheme() + " for " + String.join(", ", encryption.recipients());
    }

    /** An unreachable repository pins nothing here; the backup itself reports it. */
    private static Optional<Manifest.EncryptionInfo> pinned(Repository repository) {
        try {
            return repository.pinnedEncryption();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Encryption fromPin(Manifest.EncryptionInfo pin, Repository repository) {
        if ("age".equals(pin.scheme()) && !pin.recipients().contains("scrypt")) {
            return Encryptions.age(pin.recipients());
        }
        String how = "age".equals(pin.scheme()) ? "--passphrase-env VAR (or --ask-passphrase)" : "--pgp-public-key FILE";
        throw new LifeboatException(ExitCode.USAGE, "repository " + repository.location() + " keeps its backups"
                + " encrypted with " + ("age".equals(pin.scheme()) ? "a passphrase" : pin.scheme() + " for "
                + String.join(", ", pin.recipients())) + "; give " + how);
    }
}
