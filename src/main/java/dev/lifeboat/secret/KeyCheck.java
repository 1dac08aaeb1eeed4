package dev.lifeboat.secret;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A non-reversible check of a database key, stored in manifests so that Lifeboat can tell which
 * backups a key opens without trying to decrypt them: PBKDF2-HMAC-SHA512 with a random salt and
 * as many iterations as OWASP advises, so it is no easier to attack than the encrypted database
 * itself (SQLCipher 4 uses the same KDF at 256,000 iterations, SQLCipher 3 a weaker one).
 * Written as {@code pbkdf2-sha512$ITERATIONS$SALT$HASH}, base64.
 */
public final class KeyCheck {
    private static final String SCHEME = "pbkdf2-sha512";
    private static final int ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private KeyCheck() {
    }

    public static String create(DatabaseKey key, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return SCHEME + "$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(key, salt, ITERATIONS));
    }

    /** True if {@code check} was made from {@code key}; false for another key or an unreadable check. */
    public static boolean matches(String check, DatabaseKey key) {
        String[] parts = check == null ? new String[0] : check.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return iterations > 0 && MessageDigest.isEqual(expected, derive(key, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(DatabaseKey key, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(key.secretText().toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
