package dev.lifeboat.pipeline;

import dev.lifeboat.manifest.Seal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Re-encrypts a stored object for new recipients in one streaming pass, for {@code rekey}: the
 * compressed bytes are decrypted and encrypted again, never decompressed, never written to disk.
 * The old object is authenticated on the way (its decryption and its stored SHA-256), so a damaged
 * backup is not silently re-sealed as a good one.
 */
public final class Reseal {
    private static final int BUFFER = 1 << 16;

    private Reseal() {
    }

    /**
     * Streams {@code storedIn} (an object sealed as {@code expected}) through {@code from} and
     * {@code to} into {@code sink}, which is flushed but left open for its owner to commit. Call
     * {@code from.checkCanOpen} with the manifest's scheme and recipients first.
     *
     * @return the new object's seal: the same plain size and digest, the new stored size and digest
     * @throws dev.lifeboat.LifeboatException INTEGRITY if the old object is damaged or not the one
     *     in the manifest
     * @throws IOException if reading the old object or writing {@code sink} fails
     */
    public static Seal reseal(InputStream storedIn, Seal expected, Decryption from, Encryption to, OutputStream sink)
            throws IOException {
        DigestingInputStream oldStored = new DigestingInputStream(storedIn);
        DigestingOutputStream newStored = new DigestingOutputStream(new Pipeline.UnclosableOutputStream(sink));
        InputStream compressed;
        try {
            compressed = from.decrypt(oldStored);
        } catch (IOException e) {
            throw Pipeline.corrupted(e.getMessage(), e);
        }
        byte[] buffer = new byte[BUFFER];
        // Closed only on success: a failed pass must not end in a well-formed (truncated) new object.
        OutputStream encrypted = to.encrypt(newStored);
        while (true) {
            int n;
            try {
                n = compressed.read(buffer);
            } catch (IOException e) {
                throw Pipeline.corrupted(e.getMessage(), e);
            }
            if (n < 0) {
                break;
            }
            encrypted.write(buffer, 0, n);
        }
        encrypted.close();
        try {
            while (oldStored.read(buffer) >= 0) {
                // trailing bytes still count for the old digest
            }
        } catch (IOException e) {
            throw Pipeline.corrupted(e.getMessage(), e);
        }
        if (oldStored.count() != expected.storedSize() || !oldStored.hex().equals(expected.storedSha256())) {
            throw Pipeline.corrupted("the stored object's size or SHA-256 differs from its manifest", null);
        }
        return new Seal(expected.plainSize(), expected.plainSha256(), newStored.count(), newStored.hex());
    }
}
