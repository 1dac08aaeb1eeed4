package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Encryption;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The encryption stages a backup can be written with. Invalid key material fails here, before any
 * work, with a one-line {@link LifeboatException} (exit code USAGE) that never quotes a secret.
 */
public final class Encryptions {
    /**
     * age's own scrypt work factor: N = 2^18 (256 MiB, about a second per backup), what {@code age -p}
     * writes, so {@code age -d} decrypts our objects by hand.
     */
    public static final int DEFAULT_WORK_FACTOR = 18;

    private Encryptions() {
    }

    /** age to X25519 recipients ({@code age1…}); see {@link AgeRecipients#readFile} for files. */
    public static Encryption age(List<String> recipients) {
        List<String> keys = AgeRecipients.validate(recipients);
        return new AgeEncryption(keys, () -> {
            List<RecipientStanzaWriter> writers = new ArrayList<>();
            for (String key : keys) {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(key));
            }
            return writers;
        });
    }

    /**
     * age with a passphrase (age's scrypt recipient, work factor {@value #DEFAULT_WORK_FACTOR});
     * decrypt by hand with {@code age -d FILE}, which prompts for it. The passphrase is copied:
     * the caller may wipe its array.
     */
    public static Encryption agePassphrase(char[] passphrase) {
        return agePassphrase(passphrase, DEFAULT_WORK_FACTOR);
    }

    /** As {@link #agePassphrase(char[])} with an explicit scrypt work factor (log2 N, 10 to 20). */
    public static Encryption agePassphrase(char[] passphrase, int workFactor) {
        Passphrases.requireNonEmpty(passphrase);
        if (workFactor < ScryptStanza.MIN_WORK_FACTOR || workFactor > ScryptStanza.MAX_WORK_FACTOR) {
            throw new LifeboatException(ExitCode.USAGE, "scrypt work factor " + workFactor + " is out of range; use "
                    + ScryptStanza.MIN_WORK_FACTOR + " to " + ScryptStanza.MAX_WORK_FACTOR);
        }
        byte[] bytes = Passphrases.utf8(passphrase);
        try {
            ScryptStanza stanza = ScryptStanza.writer(bytes, workFactor, new SecureRandom());
            return new AgeEncryption(List.of(Schemes.SCRYPT), () -> List.of(stanza));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * OpenPGP to the encryption subkey of each key in {@code publicKeys} (armored, binary or
     * base64 of binary; the caller closes the stream): AES-256, integrity protected (SEIPD v1 with
     * MDC), no compression packet, which GnuPG 2.2 and later decrypt.
     */
    public static Encryption pgp(InputStream publicKeys) {
        return new PgpEncryption(PgpPublicKeys.read(publicKeys), new SecureRandom());
    }

    /**
     * OpenPGP to the owner of a private key, from its public half: what a restore uses to keep
     * its safety backup readable by the same key. Needs no passphrase.
     */
    public static Encryption pgpForPrivateKey(InputStream privateKey) {
        return pgp(new java.io.ByteArrayInputStream(PgpPrivateKeys.publicPart(privateKey)));
    }
}
