package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.pipeline.Decryption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifeboat's own reader of the age STREAM payload: what the stock {@code age} CLI writes opens at
 * every chunk boundary, and a payload that was extended, reordered or cut to its header fails.
 */
class AgeReaderTest {
    private static final int CHUNK = AgeWriter.CHUNK;
    private static final int SEALED = CHUNK + 16;

    @TempDir
    Path dir;

    @Test
    void whatTheAgeCliWritesOpensAtEveryChunkBoundary() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7}) {
            byte[] plain = Streams.payload(size, size);
            Path object = dir.resolve(size + ".age");
            age.encrypt(List.of(key.publicKey()), Files.write(dir.resolve(size + ".plain"), plain), object);

            assertArrayEquals(plain, Streams.decrypt(decryption, Files.readAllBytes(object)), size + " bytes");
        }
    }

    @Test
    void anExtendedReorderedOrHeaderOnlyPayloadFails() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        byte[] stored = Streams.encrypt(Encryptions.age(List.of(key.publicKey())), Streams.payload(3 * CHUNK, 3));
        int payload = stored.length - 3 * SEALED;

        byte[] extended = Arrays.copyOf(stored, stored.length + 1);
        assertThrows(IOException.class, () -> Streams.decrypt(decryption, extended), "a byte appended");

        byte[] swapped = stored.clone();
        System.arraycopy(stored, payload, swapped, payload + SEALED, SEALED);
        System.arraycopy(stored, payload + SEALED, swapped, payload, SEALED);
        IOException reordered = assertThrows(IOException.class, () -> Streams.decrypt(decryption, swapped));
        assertTrue(reordered.getMessage().contains("chunk 0 does not authenticate"), reordered.getMessage());

        byte[] lastDropped = Arrays.copyOf(stored, stored.length - SEALED);
        assertThrows(IOException.class, () -> Streams.decrypt(decryption, lastDropped), "the last chunk dropped");

        byte[] headerOnly = Arrays.copyOf(stored, payload);
        assertThrows(IOException.class, () -> Streams.decrypt(decryption, headerOnly), "no payload");
    }
}
