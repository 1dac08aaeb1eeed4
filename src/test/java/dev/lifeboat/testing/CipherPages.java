package dev.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts every page of an SQLCipher 3 file with the JDK's own AES, free space and freelist pages
 * included, so a test can look for bytes that SQLite no longer shows through SQL. The format, as
 * SQLCipher 3 writes it: a 16-byte salt in place of page 1's header string, the key derived with
 * PBKDF2-HMAC-SHA1, 1024-byte pages each ending in 48 reserved bytes, the first 16 of them the
 * page's AES-256-CBC IV. Independent of Lifeboat's driver; {@link #decrypt} checks itself against
 * the SQLite header fields it must find in page 1.
 */
public final class CipherPages {
    private static final int PAGE = 1024;
    private static final int RESERVE = 48;
    private static final int SALT = 16;

    private CipherPages() {
    }

    /** The plaintext of every page of {@code file}, in order. */
    public static byte[] decrypt(Path file, String passphrase, int kdfIterations) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length % PAGE != 0) {
            throw new IllegalStateException(file + " is not a whole number of " + PAGE + "-byte pages");
        }
        byte[] salt = Arrays.copyOf(bytes, SALT);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(new PBEKeySpec(
                passphrase.toCharArray(), salt, kdfIterations, 256)).getEncoded();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (int offset = 0; offset < bytes.length; offset += PAGE) {
            int start = offset == 0 ? SALT : 0;
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new IvParameterSpec(bytes, offset + PAGE - RESERVE, 16));
            byte[] page = aes.doFinal(bytes, offset + start, PAGE - RESERVE - start);
            if (offset == 0 && ((page[0] & 0xff) << 8 | (page[1] & 0xff)) != PAGE) {
                throw new IllegalStateException("page 1 of " + file + " did not decrypt to an SQLite header (wrong"
                        + " key or not SQLCipher 3 settings)");
            }
            plain.write(page);
        }
        return plain.toByteArray();
    }
}
