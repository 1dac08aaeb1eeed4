package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Decryption;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Reads OpenPGP messages for our private keys. Only integrity-protected data is accepted (SEIPD
 * with MDC, or AEAD), and the MDC is checked when the plain stream ends, before end of stream is
 * reported; every failure on the data side is an IOException, so the pipeline reports damage.
 */
final class PgpDecryption implements Decryption {
    private final List<PgpPrivateKeys.Unlocked> keys;

    PgpDecryption(List<PgpPrivateKeys.Unlocked> keys) {
        this.keys = List.copyOf(keys);
    }

    private List<String> fingerprints() {
        return keys.stream().map(PgpPrivateKeys.Unlocked::fingerprint).toList();
    }

    @Override
    public void checkCanOpen(String scheme, List<String> recipients) {
        if (!Schemes.OPENPGP.equals(scheme)) {
            throw Schemes.wrongKind(scheme, recipients, "an OpenPGP private key");
        }
        boolean match = recipients.stream().anyMatch(r -> keys.stream().anyMatch(k -> names(k, r)));
        if (!match) {
            throw new LifeboatException(ExitCode.KEY, "this backup is encrypted for OpenPGP key "
                    + Schemes.list(recipients) + "; the private key you gave holds " + Schemes.list(fingerprints())
                    + "; give the private key of one of the backup's recipients");
        }
    }

    /** A recipient is recorded as a fingerprint; a 16-hex-digit key id (its tail) names it too. */
    private static boolean names(PgpPrivateKeys.Unlocked key, String recipient) {
        String r = recipient.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        return key.fingerprint().equals(r) || r.length() == 16 && key.fingerprint().endsWith(r);
    }

    @Override
    public InputStream decrypt(InputStream stored) throws IOException {
        try {
            PGPEncryptedDataList list = encryptedDataList(new BcPGPObjectFactory(PGPUtil.getDecoderStream(stored)));
            for (PGPEncryptedData data : list) {
                if (data instanceof PGPPublicKeyEncryptedData pk) {
                    Optional<PgpPrivateKeys.Unlocked> key = keyFor(pk);
                    if (key.isPresent()) {
                        return new DecodeFailures(open(pk, key.get()));
                    }
                }
            }
            throw new IOException("no session key in the OpenPGP message is for the private key you gave ("
                    + Schemes.list(fingerprints()) + "); the object was written for other keys, or it is damaged");
        } catch (PGPException e) {
            throw new IOException("the OpenPGP message cannot be decrypted: " + e.getMessage(), e);
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DecodeFailures.damaged(e);
        }
    }

    private static PGPEncryptedDataList encryptedDataList(BcPGPObjectFactory factory) throws IOException {
        Object o = factory.nextObject();
        while (o instanceof PGPMarker) {
            o = factory.nextObject();
        }
        if (o instanceof PGPEncryptedDataList list) {
            return list;
        }
        throw new IOException("the object is not an OpenPGP encrypted message");
    }

    /** Key id 0 is GnuPG's hidden recipient (--throw-keyids): any of our keys may fit. */
    private Optional<PgpPrivateKeys.Unlocked> keyFor(PGPPublicKeyEncryptedData pk) {
        return keys.stream().filter(k -> pk.getKeyID() == k.keyId()).findFirst()
                .or(() -> pk.getKeyID() == 0 && !keys.isEmpty() ? Optional.of(keys.get(0)) : Optional.empty());
    }

    private static InputStream open(PGPPublicKeyEncryptedData pk, PgpPrivateKeys.Unlocked key)
            throws IOException, PGPException {
        if (!pk.isIntegrityProtected() && !pk.isAEAD()) {
            // Without an MDC, CFB ciphertext can be altered undetectably: refuse rather than trust it.
            throw new IOException("the OpenPGP data is not integrity protected (no MDC); refusing to trust it");
        }
        InputStream clear = pk.getDataStream(new BcPublicKeyDataDecryptorFactory(key.key()));
        return new PgpPlainStream(PgpPlainStream.literalData(clear), pk);
    }
}
