package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Decryption;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.List;
import java.util.Locale;

/**
 * Reads age objects with either X25519 identities or a passphrase. A header that none of our keys
 * opens is reported as damage for identities (checkCanOpen has already matched the manifest's
 * recipients, so the header itself must be wrong) and as a wrong passphrase for scrypt, where no
 * public identity exists to check beforehand.
 */
final class AgeDecryption implements Decryption {
    private final List<String> publicKeys;
    private final List<RecipientStanzaReader> readers;

    private AgeDecryption(List<String> publicKeys, List<RecipientStanzaReader> readers) {
        ChaCha20Poly1305.startLoading();
        this.publicKeys = List.copyOf(publicKeys);
        this.readers = List.copyOf(readers);
    }

    static AgeDecryption identities(List<AgeIdentities.Identity> identities) {
        return new AgeDecryption(identities.stream().map(AgeIdentities.Identity::publicKey).distinct().toList(),
                identities.stream().map(AgeIdentities.Identity::reader).toList());
    }

    static AgeDecryption passphrase(ScryptStanza scrypt) {
        return new AgeDecryption(List.of(), List.of(scrypt));
    }

    private boolean isPassphrase() {
        return publicKeys.isEmpty();
    }

    private String described() {
        return isPassphrase() ? "a passphrase" : "the age identity " + Schemes.list(publicKeys);
    }

    @Override
    public void checkCanOpen(String scheme, List<String> recipients) {
        boolean age = Schemes.AGE.equals(scheme);
        boolean passphraseObject = Schemes.isAgePassphrase(scheme, recipients);
        if (!age || passphraseObject != isPassphrase()) {
            throw Schemes.wrongKind(scheme, recipients, described());
        }
        if (!isPassphrase() && recipients.stream().map(r -> r.toLowerCase(Locale.ROOT)).noneMatch(publicKeys::contains)) {
            throw new LifeboatException(ExitCode.KEY, "this backup is encrypted for " + Schemes.list(recipients)
                    + "; the identity you gave is " + Schemes.list(publicKeys)
                    + "; give the identity file of one of the backup's recipients");
        }
    }

    @Override
    public InputStream decrypt(InputStream stored) throws IOException {
        AgeReader plain;
        try {
            plain = AgeReader.open(stored, readers);
        } catch (ScryptStanza.WrongPassphraseException e) {
            throw new LifeboatException(ExitCode.KEY, "the passphrase does not open this backup; check it"
                    + " (if it is right, the object's header is damaged: run 'lifeboat verify')");
        } catch (SignatureException e) {
            throw new IOException("the age header's MAC does not verify", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(isPassphrase() ? "the age header cannot be opened with a passphrase: "
                    + e.getMessage() : "no recipient stanza in the age header opens with "
                    + Schemes.list(publicKeys) + " (the object was written for other keys, or its header is damaged)", e);
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("the age header is unreadable (" + e.getClass().getSimpleName() + ")", e);
        }
        return new DecodeFailures(plain);
    }

    @Override
    public String toString() {
        return "age decryption with " + described();
    }
}
