package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

/** Small helpers to push bytes through a stage the way the pipeline does. */
public final class Streams {
    private Streams() {
    }

    /** Deterministic pseudo-random bytes: incompressible, and the same on every run. */
    public static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static byte[] encrypt(Encryption encryption, byte[] plain) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = encryption.encrypt(stored)) {
            // odd-sized writes, as a compressor makes them
            for (int off = 0; off < plain.length; off += 10_007) {
                out.write(plain, off, Math.min(10_007, plain.length - off));
            }
        }
        return stored.toByteArray();
    }

    /** Reads the whole plain stream, as the pipeline does, with a 1 MiB buffer. */
    public static byte[] decrypt(Decryption decryption, byte[] stored) throws IOException {
        try (InputStream in = decryption.decrypt(new ByteArrayInputStream(stored))) {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                plain.write(buffer, 0, n);
            }
            return plain.toByteArray();
        }
    }

    /** Fails if the secret appears in the message of the exception, its causes or suppressed ones. */
    public static void assertNoSecret(Throwable thrown, String secret) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t).contains(secret), "secret leaked in a " + t.getClass().getName());
            for (Throwable s : t.getSuppressed()) {
                assertNoSecret(s, secret);
            }
        }
    }
}
