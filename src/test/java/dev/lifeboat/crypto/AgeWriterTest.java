package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifeboat's own age writer at the edges of the STREAM format, checked by the stock {@code age} CLI
 * and by jagged's reader; and the native ChaCha20-Poly1305 computing exactly what the JDK's does.
 */
class AgeWriterTest {
    private static final int CHUNK = AgeWriter.CHUNK;

    @TempDir
    Path dir;

    @Test
    void everyChunkBoundaryDecryptsWithAgeCliAndWithJagged() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        Encryption encryption = Encryptions.age(List.of(key.publicKey()));
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7}) {
            byte[] plain = Streams.payload(size, size);
            byte[] stored = Streams.encrypt(encryption, plain);
            int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
            Path object = Files.write(dir.resolve(size + ".age"), stored);
            Path out = dir.resolve(size + ".out");

            Cli.Result result = age.decrypt(key.file(), object, out);

            assertEquals(0, result.exit(), size + " bytes: " + result.stderr());
            // age creates no output file for an empty payload
            assertArrayEquals(plain, Files.exists(out) ? Files.readAllBytes(out) : new byte[0], size + " bytes");
            assertArrayEquals(plain, Streams.decrypt(Decryptions.ageIdentityFile(key.file()), stored));
            int headerAndNonce = stored.length - size - 16 * chunks;
            assertTrue(headerAndNonce > 16 && headerAndNonce < 300,
                    size + " bytes make " + chunks + " chunk(s), no empty last chunk: " + stored.length);
        }
    }

    @Test
    void passphraseObjectFromOurWriterDecryptsWithJagged() throws IOException {
        byte[] plain = Streams.payload(CHUNK * 2, 9);
        Encryption encryption = Encryptions.agePassphrase("correct horse".toCharArray(), 10);

        byte[] stored = Streams.encrypt(encryption, plain);

        assertArrayEquals(plain, Streams.decrypt(Decryptions.agePassphrase("correct horse".toCharArray()), stored));
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        OutputStream out = Encryptions.age(List.of(new AgeCli(dir).keygen("k.txt").publicKey()))
                .encrypt(new ByteArrayOutputStream());
        out.close();
        out.close();

        assertThrows(IOException.class, () -> out.write(1));
    }

    @Test
    void nativeCipherIsUsedOnLinuxX8664AndMatchesTheJdkByteForByte() throws GeneralSecurityException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        boolean nativePlatform = os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        if (nativePlatform) {
            assertTrue(ChaCha20Poly1305.nativeCipher().isPresent(),
                    "Conscrypt's native library did not load; check that java.io.tmpdir allows executables");
        }
        Cipher fast = ChaCha20Poly1305.newCipher();
        Cipher jdk = ChaCha20Poly1305.jdkCipher();
        SecretKeySpec key = new SecretKeySpec(Streams.payload(32, 1), "ChaCha20");
        IvParameterSpec nonce = new IvParameterSpec(Streams.payload(12, 2));
        byte[] plain = Streams.payload(CHUNK, 3);
        fast.init(Cipher.ENCRYPT_MODE, key, nonce);
        jdk.init(Cipher.ENCRYPT_MODE, key, nonce);

        byte[] sealed = fast.doFinal(plain);

        assertArrayEquals(jdk.doFinal(plain), sealed);
        assertEquals(CHUNK + 16, sealed.length);
        Cipher opener = ChaCha20Poly1305.jdkCipher();
        opener.init(Cipher.DECRYPT_MODE, key, nonce);
        assertArrayEquals(plain, opener.doFinal(sealed));
    }
}
