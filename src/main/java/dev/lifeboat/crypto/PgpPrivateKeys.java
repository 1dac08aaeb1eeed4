package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Reads OpenPGP private keys and unlocks, with the passphrase, every secret key that can decrypt.
 * Unlocking happens up front so a wrong passphrase is reported before any backup is read.
 */
final class PgpPrivateKeys {
    private static final String HOW = "export it with `gpg --export-secret-keys --armor KEYID`";

    /** An unlocked decryption key, its key id as written in session key packets, its fingerprint. */
    record Unlocked(long keyId, String fingerprint, PGPPrivateKey key) {
        @Override
        public String toString() {
            return "OpenPGP private key " + fingerprint;
        }
    }

    private PgpPrivateKeys() {
    }

    static List<Unlocked> read(InputStream in, char[] passphrase) {
        List<PGPSecretKeyRing> rings = PgpKeyBytes.parse(in, "OpenPGP private key", HOW, PgpPrivateKeys::rings);
        PBESecretKeyDecryptor decryptor = new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                .build(passphrase);
        List<Unlocked> unlocked = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            for (PGPSecretKey key : ring) {
                if (!key.isPrivateKeyEmpty() && key.getPublicKey().isEncryptionKey()) {
                    unlocked.add(new Unlocked(key.getKeyID(), fingerprint(key), unlock(key, decryptor, passphrase)));
                }
            }
        }
        if (unlocked.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "the OpenPGP private key holds no secret encryption key"
                    + " (only signing keys or stubs, e.g. from --export-secret-subkeys of a card key); " + HOW);
        }
        return List.copyOf(unlocked);
    }

    /** The public half of every key in a private key file, as binary public key rings. */
    static byte[] publicPart(InputStream in) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (PGPSecretKeyRing ring : PgpKeyBytes.parse(in, "OpenPGP private key", HOW, PgpPrivateKeys::rings)) {
            List<org.bouncycastle.openpgp.PGPPublicKey> keys = new ArrayList<>();
            ring.getPublicKeys().forEachRemaining(keys::add);
            try {
                new PGPPublicKeyRing(keys).encode(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toByteArray();
    }

    static String fingerprint(PGPSecretKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    private static PGPPrivateKey unlock(PGPSecretKey key, PBESecretKeyDecryptor decryptor, char[] passphrase) {
        boolean protectedKey = key.getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL;
        if (protectedKey && passphrase.length == 0) {
            throw new LifeboatException(ExitCode.KEY, "OpenPGP private key " + fingerprint(key)
                    + " is protected by a passphrase; give the passphrase too (--passphrase-env VAR or the prompt)");
        }
        try {
            PGPPrivateKey privateKey = key.extractPrivateKey(decryptor);
            if (privateKey == null) {
                throw new PGPException("no private key material");
            }
            return privateKey;
        } catch (PGPException | RuntimeException e) {
            // No cause attached: the library's message is about the checksum, and we want no stack trace.
            throw new LifeboatException(ExitCode.KEY, "the passphrase does not unlock OpenPGP private key "
                    + fingerprint(key) + "; check the passphrase");
        }
    }

    private static List<PGPSecretKeyRing> rings(InputStream packets) {
        return PgpKeyBytes.rings(packets, PGPSecretKeyRing.class, PGPPublicKeyRing.class,
                new LifeboatException(ExitCode.USAGE, "the OpenPGP key given for decryption is a public"
                        + " key; restoring needs the private key: " + HOW), notAKey());
    }

    private static LifeboatException notAKey() {
        return new LifeboatException(ExitCode.USAGE, "the input is not an OpenPGP private key; " + HOW);
    }
}
