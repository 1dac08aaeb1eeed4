package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.AgeRecipients;
import dev.lifeboat.crypto.Encryptions;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a backup is encrypted. Encrypted by default: without options, the repository's pinned
 * recipients are used, and with none pinned the backup is refused unless --no-encrypt is given.
 */
final class EncryptionOptions {
    static final String MAKE_A_KEY = "make a key with 'age-keygen -o key.txt' (keep key.txt off this server) and"
            + " pass --recipient with the age1… key that 'age-keygen -y key.txt' prints";

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

    /**
     * The encryption stage for a backup into these repositories. A source whose snapshot is
     * already encrypted (SQLCipher) needs no outer encryption unless options or a pin ask for it.
     */
    Encryption resolve(Services services, List<Repository> repositories, boolean snapshotIsEncrypted)
            throws IOException {
        int modes = (recipients != null || recipientFile != null ? 1 : 0) + (passphraseEnv != null ? 1 : 0)
                + (askPassphrase ? 1 : 0) + (pgpPublicKey != null ? 1 : 0) + (noEncrypt ? 1 : 0);
        if (modes > 1) {
            throw new LifeboatException(ExitCode.USAGE, "give one kind of encryption: --recipient/--recipient-file,"
                    + " --passphrase-env, --ask-passphrase, --pgp-public-key or --no-encrypt");
        }
        for (Repository repository : repositories) {
            Optional<Manifest.EncryptionInfo> pinned = pinned(repository);
            if (noEncrypt && pinned.isPresent()) {
                throw new LifeboatException(ExitCode.USAGE, "repository " + repository.location() + " keeps its backups"
                        + " encrypted (" + pinned.get().scheme() + "); use another repository for unencrypted backups");
            }
            if (modes == 0 && pinned.isPresent()) {
                return fromPin(pinned, repository);
            }
        }
        if (noEncrypt || (modes == 0 && snapshotIsEncrypted)) {
            return Encryption.NONE;
        }
        return modes == 1 ? build(services, recipients, recipientFile, passphraseEnv, askPassphrase, pgpPublicKey)
                : fromPin(Optional.empty(), repositories.get(0));
    }

    /** An encryption stage from exactly one given kind of key; shared with rekey's --to-* options. */
    static Encryption build(Services services, List<String> recipients, Path recipientFile, String passphraseEnv,
                            boolean askPassphrase, Path pgpPublicKey) throws IOException {
        if (recipients != null || recipientFile != null) {
            List<String> all = new ArrayList<>(recipients == null ? List.of() : recipients);
            if (recipientFile != null) {
                all.addAll(AgeRecipients.readFile(recipientFile));
            }
            return Encryptions.age(all);
        }
        if (passphraseEnv != null || askPassphrase) {
            char[] passphrase = passphraseEnv != null ? Secrets.fromEnv(services.env, passphraseEnv, "passphrase")
                    : Secrets.prompt("passphrase", true);
            return Encryptions.agePassphrase(passphrase);
        }
        try (InputStream key = Files.newInputStream(pgpPublicKey)) {
            return Encryptions.pgp(key);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.USAGE, "OpenPGP public key file " + pgpPublicKey + " does not exist;"
                    + " export it with 'gpg --export --armor KEYID > key.asc'");
        }
    }

    /** An unreachable repository pins nothing here; the backup itself reports it. */
    private static Optional<Manifest.EncryptionInfo> pinned(Repository repository) {
        try {
            return repository.pinnedEncryption();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Encryption fromPin(Optional<Manifest.EncryptionInfo> pinned, Repository repository) {
        if (pinned.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "backups are encrypted by default: " + MAKE_A_KEY
                    + " (or use --passphrase-env VAR, --pgp-public-key FILE, or --no-encrypt)");
        }
        Manifest.EncryptionInfo pin = pinned.get();
        if ("age".equals(pin.scheme()) && !pin.recipients().contains("scrypt")) {
            return Encryptions.age(pin.recipients());
        }
        String how = "age".equals(pin.scheme()) ? "--passphrase-env VAR (or --ask-passphrase)" : "--pgp-public-key FILE";
        throw new LifeboatException(ExitCode.USAGE, "repository " + repository.location() + " keeps its backups"
                + " encrypted with " + ("age".equals(pin.scheme()) ? "a passphrase" : pin.scheme() + " for "
                + String.join(", ", pin.recipients())) + "; give " + how);
    }
}
