package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/** Reads OpenPGP public keys and picks, per key, the subkey that GnuPG would encrypt to. */
final class PgpPublicKeys {
    private static final String HOW = "export it with `gpg --export --armor KEYID > key.asc`";

    /** One recipient: the fingerprint recorded in the manifest and the key the session key goes to. */
    record Recipient(String fingerprint, PGPPublicKey key) {
    }

    private PgpPublicKeys() {
    }

    static List<Recipient> read(InputStream in) {
        List<PGPPublicKeyRing> rings = PgpKeyBytes.parse(in, "OpenPGP public key", HOW, PgpPublicKeys::rings);
        List<Recipient> recipients = new ArrayList<>();
        for (PGPPublicKeyRing ring : rings) {
            PGPPublicKey key = encryptionKey(ring);
            recipients.add(new Recipient(fingerprint(key), key));
        }
        return List.copyOf(recipients);
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    private static List<PGPPublicKeyRing> rings(InputStream packets) {
        return PgpKeyBytes.rings(packets, PGPPublicKeyRing.class, PGPSecretKeyRing.class,
                new LifeboatException(ExitCode.USAGE, "the OpenPGP key given for encryption is a private"
                        + " key; give the public key so the backup server cannot read its own backups: " + HOW),
                notAKey());
    }

    private static LifeboatException notAKey() {
        return new LifeboatException(ExitCode.USAGE, "the file is not an OpenPGP public key; " + HOW);
    }

    private static PGPPublicKey encryptionKey(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        String fpr = fingerprint(primary);
        if (primary.isRevoked()) {
            throw new LifeboatException(ExitCode.USAGE, "OpenPGP key " + fpr + " is revoked; give a current key");
        }
        if (expired(primary)) {
            throw new LifeboatException(ExitCode.USAGE, "OpenPGP key " + fpr + " has expired; extend it with"
                    + " `gpg --quick-set-expire " + fpr + " 2y` and export it again");
        }
        List<PGPPublicKey> candidates = new ArrayList<>();
        for (PGPPublicKey key : ring) {
            boolean usable = key.isMasterKey() ? canEncrypt(key, selfSignatures(key)) : boundSubkey(primary, key);
            if (usable && !key.isRevoked() && !expired(key)) {
                candidates.add(key);
            }
        }
        // GnuPG encrypts to the newest usable encryption subkey; so do we.
        Optional<PGPPublicKey> newest = candidates.stream()
                .max(Comparator.comparing(PGPPublicKey::getCreationTime));
        return newest.orElseThrow(() -> new LifeboatException(ExitCode.USAGE, "OpenPGP key " + fpr
                + " has no usable encryption subkey (expired, revoked or signing only); add one with"
                + " `gpg --quick-add-key " + fpr + " cv25519 encr` and export it again"));
    }

    private static boolean boundSubkey(PGPPublicKey primary, PGPPublicKey subkey) {
        List<PGPSignature> bindings = new ArrayList<>();
        for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
            PGPSignature signature = it.next();
            // An unsigned or forged binding would let whoever edits the key file add a subkey of theirs.
            if (verifies(signature, primary, subkey)) {
                bindings.add(signature);
            }
        }
        return canEncrypt(subkey, bindings);
    }

    private static boolean verifies(PGPSignature signature, PGPPublicKey primary, PGPPublicKey subkey) {
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), primary);
            return signature.verifyCertification(primary, subkey);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static List<PGPSignature> selfSignatures(PGPPublicKey primary) {
        List<PGPSignature> signatures = new ArrayList<>();
        for (Iterator<PGPSignature> it = primary.getSignatures(); it.hasNext(); ) {
            PGPSignature signature = it.next();
            if (signature.getKeyID() == primary.getKeyID()) {
                signatures.add(signature);
            }
        }
        return signatures;
    }

    /** Key flags of the newest signature that has any decide; keys without flags go by algorithm. */
    private static boolean canEncrypt(PGPPublicKey key, List<PGPSignature> signatures) {
        if (!key.isEncryptionKey() || signatures.isEmpty() && !key.isMasterKey()) {
            return false;
        }
        return signatures.stream()
                .filter(s -> s.getHashedSubPackets() != null && s.getHashedSubPackets().getKeyFlags() != 0)
                .max(Comparator.comparing(PGPSignature::getCreationTime))
                .map(s -> (s.getHashedSubPackets().getKeyFlags()
                        & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0)
                .orElse(true);
    }

    private static boolean expired(PGPPublicKey key) {
        long seconds = key.getValidSeconds();
        return seconds > 0 && key.getCreationTime().toInstant().plusSeconds(seconds).isBefore(Instant.now());
    }
}
