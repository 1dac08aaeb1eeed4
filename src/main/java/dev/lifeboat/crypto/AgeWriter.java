package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Writes one age file (age-encryption.org/v1): the header and its MAC, a 16-byte nonce, then the
 * STREAM payload of ChaCha20-Poly1305 chunks of 64 KiB, the last one flagged.
 *
 * <p>Written here rather than through jagged's channel so that the chunks go through the fastest
 * ChaCha20-Poly1305 the platform has ({@link ChaCha20Poly1305}). jagged still writes the recipient
 * stanzas and reads what this writes; the tests also decrypt it with the stock {@code age} CLI.
 */
final class AgeWriter extends OutputStream {
    static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;
    private static final int NONCE = 16;
    private static final int BASE64_COLUMNS = 64;
    private static final byte[] VERSION_LINE = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private final OutputStream out;
    private final Cipher cipher;
    private final SecretKeySpec payloadKey;
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] sealed = new byte[CHUNK + TAG];
    private final byte[] chunkNonce = new byte[12];
    private int filled;
    private long counter;
    private boolean closed;

    private AgeWriter(OutputStream out, Cipher cipher, SecretKeySpec payloadKey) {
        this.out = out;
        this.cipher = cipher;
        this.payloadKey = payloadKey;
    }

    /** Writes the header for a fresh file key wrapped by every writer, and returns the payload stream. */
    static AgeWriter open(OutputStream out, List<RecipientStanzaWriter> recipients, SecureRandom random)
            throws IOException, GeneralSecurityException {
        FileKey fileKey = new FileKey();
        try {
            out.write(header(fileKey, recipients));
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            out.write(nonce);
            return new AgeWriter(out, ChaCha20Poly1305.newCipher(),
                    new SecretKeySpec(hkdf(fileKey, nonce, "payload"), "ChaCha20"));
        } finally {
            fileKey.destroy();
        }
    }

    private static byte[] header(FileKey fileKey, List<RecipientStanzaWriter> recipients)
            throws GeneralSecurityException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(VERSION_LINE);
        for (RecipientStanzaWriter writer : recipients) {
            for (RecipientStanza stanza : writer.getRecipientStanzas(fileKey)) {
                header.writeBytes(stanza(stanza));
            }
        }
        header.writeBytes("---".getBytes(StandardCharsets.US_ASCII));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hkdf(fileKey, new byte[0], "header"), "HmacSHA256"));
        byte[] tag = mac.doFinal(header.toByteArray());
        header.writeBytes((" " + BASE64.encodeToString(tag) + "\n").getBytes(StandardCharsets.US_ASCII));
        return header.toByteArray();
    }

    /** "-> type args…", then the body in base64 lines of 64 columns, the last one always shorter. */
    private static byte[] stanza(RecipientStanza stanza) {
        StringBuilder text = new StringBuilder("->").append(' ').append(stanza.getType());
        stanza.getArguments().forEach(argument -> text.append(' ').append(argument));
        text.append('\n');
        String body = BASE64.encodeToString(stanza.getBody());
        for (int at = 0; ; at += BASE64_COLUMNS) {
            int end = Math.min(at + BASE64_COLUMNS, body.length());
            text.append(body, at, end).append('\n');
            if (end - at < BASE64_COLUMNS) {
                return text.toString().getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    private static byte[] hkdf(FileKey fileKey, byte[] salt, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        byte[] ikm = fileKey.getEncoded();
        try {
            hkdf.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.US_ASCII)));
            byte[] key = new byte[32];
            hkdf.generateBytes(key, 0, key.length);
            return key;
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the age stream is closed");
        }
        while (len > 0) {
            // A full chunk waits for more data: only the last chunk may be short, and it is never
            // empty unless the whole payload is.
            if (filled == CHUNK) {
                seal(false);
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Seals the last chunk and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            seal(true);
        } finally {
            Arrays.fill(chunk, (byte) 0);
            out.close();
        }
    }

    /**
     * Starts {@code cipher} on chunk {@code counter} of age's STREAM: the nonce is the counter as 11
     * big-endian bytes and a last-chunk flag. {@code nonce} (12 bytes) is reused, to spare an allocation a chunk.
     */
    static void startChunk(Cipher cipher, int mode, SecretKeySpec key, byte[] nonce, long counter, boolean last)
            throws java.security.GeneralSecurityException {
        for (int i = 0; i < 8; i++) {
            nonce[10 - i] = (byte) (counter >>> (8 * i));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        cipher.init(mode, key, new IvParameterSpec(nonce));
    }

    private void seal(boolean last) throws IOException {
        try {
            startChunk(cipher, Cipher.ENCRYPT_MODE, payloadKey, chunkNonce, counter, last);
            int n = cipher.doFinal(chunk, 0, filled, sealed, 0);
            out.write(sealed, 0, n);
        } catch (GeneralSecurityException e) {
            throw new IOException("age chunk " + counter + " could not be encrypted: " + e.getClass().getSimpleName(),
                    e);
        }
        counter++;
        filled = 0;
    }
}
