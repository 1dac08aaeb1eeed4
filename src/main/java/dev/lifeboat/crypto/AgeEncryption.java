package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import dev.lifeboat.pipeline.Encryption;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;

/**
 * Writes age (age-encryption.org/v1) binary objects: ChaCha20-Poly1305 in 64 KiB chunks, so memory
 * stays flat and every chunk, the header and the end of the stream are authenticated.
 */
final class AgeEncryption implements Encryption {
    /** Builds fresh stanza writers per object; X25519 writers draw a new ephemeral key each time. */
    interface Writers {
        List<RecipientStanzaWriter> create() throws GeneralSecurityException;
    }

    private final List<String> recipients;
    private final Writers writers;

    AgeEncryption(List<String> recipients, Writers writers) {
        this.recipients = List.copyOf(recipients);
        this.writers = writers;
        ChaCha20Poly1305.startLoading();
    }

    @Override
    public String scheme() {
        return Schemes.AGE;
    }

    @Override
    public List<String> recipients() {
        return recipients;
    }

    @Override
    public String extension() {
        return ".age";
    }

    @Override
    public OutputStream encrypt(OutputStream stored) throws IOException {
        try {
            return AgeWriter.open(stored, writers.create(), new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IOException("age encryption could not start: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "age encryption for " + recipients;
    }
}
