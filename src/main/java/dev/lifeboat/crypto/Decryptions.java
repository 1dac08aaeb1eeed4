package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Decryption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The decryption stages a backup can be read with. Each holds its secret in memory only, for as
 * long as it lives. Invalid key material fails here with a one-line {@link LifeboatException}
 * (exit code USAGE) that never quotes the secret.
 */
public final class Decryptions {
    private Decryptions() {
    }

    /** age X25519 identities from text as age-keygen writes it, e.g. read from an environment variable. */
    public static Decryption ageIdentities(String text) {
        return AgeDecryption.identities(AgeIdentities.parse(text, "the age identity"));
    }

    /** age X25519 identities from a file written by {@code age-keygen -o key.txt}. */
    public static Decryption ageIdentityFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.KEY, "identity file " + file + " does not exist; give the file"
                    + " that `age-keygen -o key.txt` wrote");
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.USAGE, "cannot read identity file " + file + " ("
                    + e.getClass().getSimpleName() + "); check its permissions");
        }
        return AgeDecryption.identities(AgeIdentities.parse(text, "identity file " + file));
    }

    /** age with a passphrase (scrypt). The passphrase is copied: the caller may wipe its array. */
    public static Decryption agePassphrase(char[] passphrase) {
        Passphrases.requireNonEmpty(passphrase);
        byte[] bytes = Passphrases.utf8(passphrase);
        try {
            return AgeDecryption.passphrase(ScryptStanza.reader(bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * OpenPGP with a private key (armored, binary or base64 of binary; the caller closes the
     * stream) and its passphrase (empty for an unprotected key). The key is unlocked now, so a
     * wrong passphrase fails before any backup is read. Nothing is written to disk.
     */
    public static Decryption pgp(InputStream privateKey, char[] passphrase) {
        return new PgpDecryption(PgpPrivateKeys.read(privateKey, passphrase == null ? new char[0] : passphrase));
    }

    /**
     * The decryption to use for a backup recorded with {@code scheme}: {@link Decryption#NONE} for
     * an unencrypted backup, so that {@code verify all} works over a repository with both kinds.
     */
    public static Decryption forScheme(String scheme, Decryption given) {
        return Schemes.NONE.equals(scheme) ? Decryption.NONE : given;
    }
}
