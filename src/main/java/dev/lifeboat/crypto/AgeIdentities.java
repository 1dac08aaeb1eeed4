package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.bech32.Bech32Address;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.crypto.KeyAgreement;

/**
 * Parses age identity text as {@code age-keygen} writes it: {@code AGE-SECRET-KEY-1…} lines, blank
 * lines and {@code #} comments. Messages name line numbers and public keys, never the secret.
 */
final class AgeIdentities {
    private static final String PREFIX = "AGE-SECRET-KEY-";
    private static final int KEY_BYTES = 32;
    private static final BigInteger BASE_POINT = BigInteger.valueOf(9);
    private static final String HOW = "make a key with `age-keygen -o key.txt` and give that file";

    /** One identity: the reader that unwraps file keys, and its public key for messages. */
    record Identity(String publicKey, RecipientStanzaReader reader) {
    }

    private AgeIdentities() {
    }

    static List<Identity> parse(String text, String source) {
        List<Identity> identities = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "line " + (i + 1) + " of " + source;
            identities.add(identity(line, where));
        }
        if (identities.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, source + " holds no age secret key"
                    + " (AGE-SECRET-KEY-1…); " + HOW);
        }
        return List.copyOf(identities);
    }

    private static Identity identity(String line, String where) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("AGE1")) {
            throw new LifeboatException(ExitCode.USAGE, where + " is an age public key; restoring needs the"
                    + " secret key file that age-keygen wrote (AGE-SECRET-KEY-1…)");
        }
        if (upper.startsWith("AGE-PLUGIN-") || !upper.startsWith(PREFIX)) {
            throw new LifeboatException(ExitCode.USAGE, where + " is not an age X25519 identity"
                    + " (AGE-SECRET-KEY-1…); plugin and SSH identities are not supported: " + HOW);
        }
        byte[] secret = null;
        try {
            Bech32Address address = Bech32.getDecoder().decode(line);
            secret = address.getData();
            if (!PREFIX.equalsIgnoreCase(address.getHumanReadablePart().toString()) || secret.length != KEY_BYTES) {
                throw invalid(where);
            }
            RecipientStanzaReader reader = X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(line);
            return new Identity(AgeRecipients.encode(publicKey(secret)), reader);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The cause is dropped on purpose: library messages may quote the key.
            throw invalid(where);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /**
     * The X25519 public key of {@code secret} (RFC 7748: the scalar times the base point 9), by the JDK's
     * XDH, which the age library has just set up for the same identity.
     */
    private static byte[] publicKey(byte[] secret) throws GeneralSecurityException {
        KeyFactory keys = KeyFactory.getInstance("XDH");
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, secret)));
        agreement.doPhase(keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BASE_POINT)), true);
        return agreement.generateSecret();
    }

    private static LifeboatException invalid(String where) {
        return new LifeboatException(ExitCode.USAGE, where + " is not a valid age secret key (bad length or"
                + " checksum; was it copied whole?); " + HOW);
    }
}
