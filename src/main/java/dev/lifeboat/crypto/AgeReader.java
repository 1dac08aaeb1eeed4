package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.framework.crypto.CipherKey;
import com.exceptionfactory.jagged.framework.format.StandardPayloadKeyReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads one age file (age-encryption.org/v1), the counterpart of {@link AgeWriter}: jagged reads
 * the header, checks its MAC and unwraps the file key into the payload key; the STREAM payload is
 * then opened here, chunk by chunk, with one cipher from {@link ChaCha20Poly1305} (jagged makes a
 * new cipher for every 64 KiB chunk, which cost about 0.6 ms each, ten times the decryption itself).
 * Every chunk must authenticate, the last one with the last-chunk flag, so a truncated, extended
 * or reordered payload fails as damage.
 */
final class AgeReader extends InputStream {
    private static final int SEALED = AgeWriter.CHUNK + 16;
    private final InputStream in;
    private final Cipher cipher;
    private final SecretKeySpec payloadKey;
    private final byte[] sealed = new byte[SEALED];
    private final byte[] plain = new byte[AgeWriter.CHUNK];
    private final byte[] chunkNonce = new byte[12];
    private int plainAt;
    private int plainEnd;
    private long counter;
    private int carry = -1;
    private byte[] ahead = new byte[0];
    private int aheadAt;
    private boolean ended;

    private AgeReader(InputStream in, Cipher cipher, SecretKeySpec payloadKey) {
        this.in = in;
        this.cipher = cipher;
        this.payloadKey = payloadKey;
    }

    /** Reads the header (which must fit in the first chunk's worth of bytes, as for jagged) and opens the payload. */
    static AgeReader open(InputStream stored, List<RecipientStanzaReader> readers)
            throws IOException, GeneralSecurityException {
        byte[] first = stored.readNBytes(SEALED);
        ByteBuffer header = ByteBuffer.wrap(first);
        CipherKey key = new StandardPayloadKeyReader().getPayloadKey(header, readers);
        byte[] encoded = key.getEncoded();
        try {
            // The payload's first bytes were read with the header. (Not a SequenceInputStream: that closes
            // the stored stream at its end, and the caller still reads and digests what follows.)
            AgeReader reader = new AgeReader(stored, ChaCha20Poly1305.newCipher(), new SecretKeySpec(encoded,
                    "ChaCha20"));
            reader.ahead = Arrays.copyOfRange(first, header.position(), header.limit());
            return reader;
        } finally {
            Arrays.fill(encoded, (byte) 0);
            key.destroy();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (plainAt == plainEnd) {
            if (ended) {
                return -1;
            }
            openChunk();
        }
        int n = Math.min(len, plainEnd - plainAt);
        System.arraycopy(plain, plainAt, b, off, n);
        plainAt += n;
        return n;
    }

    /** The next chunk, which is the last when nothing follows it; only the first may be empty. */
    private void openChunk() throws IOException {
        int n = 0;
        if (carry >= 0) {
            sealed[n++] = (byte) carry;
            carry = -1;
        }
        int early = Math.min(SEALED - n, ahead.length - aheadAt);
        System.arraycopy(ahead, aheadAt, sealed, n, early);
        aheadAt += early;
        n += early;
        n += in.readNBytes(sealed, n, SEALED - n);
        boolean last = n < SEALED || (carry = aheadAt < ahead.length ? ahead[aheadAt++] & 0xff : in.read()) < 0;
        if (n < 16) {
            throw new IOException("the age payload is truncated at chunk " + counter);
        }
        try {
            AgeWriter.startChunk(cipher, Cipher.DECRYPT_MODE, payloadKey, chunkNonce, counter, last);
            plainEnd = cipher.doFinal(sealed, 0, n, plain, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("age payload chunk " + counter + " does not authenticate (the object is damaged,"
                    + " truncated or was written with another key)", e);
        }
        if (last && plainEnd == 0 && counter > 0) {
            throw new IOException("the age payload ends with an empty chunk after chunk " + counter);
        }
        plainAt = 0;
        counter++;
        ended = last;
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(plain, (byte) 0);
        in.close();
    }
}
