package dev.lifeboat.crypto;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * The literal data of a decrypted OpenPGP message, which checks the integrity packet when the data
 * ends: end of stream is only reported once the MDC matched, so a reader that reaches it has read
 * exactly what was encrypted.
 */
final class PgpPlainStream extends FilterInputStream {
    private final PGPEncryptedData encrypted;
    private boolean verified;

    PgpPlainStream(InputStream literal, PGPEncryptedData encrypted) {
        super(literal);
        this.encrypted = encrypted;
    }

    /**
     * Finds the literal data inside decrypted packets: optionally compressed (gpg compresses by
     * default) and optionally preceded by one-pass signatures. Any other packet means damage; it is
     * refused before it is parsed, since a damaged tag could name a packet read whole into memory.
     */
    static InputStream literalData(InputStream clear) throws IOException, PGPException {
        BCPGInputStream packets = BCPGInputStream.wrap(clear);
        while (true) {
            int tag = packets.nextPacketTag();
            switch (tag) {
                case PacketTags.LITERAL_DATA -> {
                    return ((PGPLiteralData) new BcPGPObjectFactory(packets).nextObject()).getInputStream();
                }
                case PacketTags.COMPRESSED_DATA -> packets = BCPGInputStream.wrap(
                        ((PGPCompressedData) new BcPGPObjectFactory(packets).nextObject()).getDataStream());
                case PacketTags.ONE_PASS_SIGNATURE, PacketTags.MARKER -> new BcPGPObjectFactory(packets).nextObject();
                default -> throw new IOException("unexpected OpenPGP packet (tag " + tag
                        + ") where the literal data should be");
            }
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        return b < 0 ? end() : b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        return n < 0 ? end() : n;
    }

    private int end() throws IOException {
        if (!verified) {
            try {
                if (!encrypted.verify()) {
                    throw new IOException("the OpenPGP integrity check (MDC) failed: the data was altered");
                }
            } catch (PGPException e) {
                throw new IOException("the OpenPGP integrity check failed: " + e.getMessage(), e);
            }
            verified = true;
        }
        return -1;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        return Math.max(read(buffer, 0, buffer.length), 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
