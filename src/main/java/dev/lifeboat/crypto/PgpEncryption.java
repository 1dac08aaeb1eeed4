package dev.lifeboat.crypto;

import dev.lifeboat.pipeline.Encryption;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Writes an OpenPGP message GnuPG 2.2 decrypts: one public-key session key packet per recipient,
 * then an AES-256 SEIPD v1 packet (with MDC) holding a binary literal data packet. Both packets
 * use partial body lengths through fixed buffers, so memory stays flat however large the object.
 * There is no compression packet: the pipeline compresses before encrypting.
 */
final class PgpEncryption implements Encryption {
    private static final int PACKET_BUFFER = 1 << 16;

    private final List<PgpPublicKeys.Recipient> recipients;
    private final SecureRandom random;

    PgpEncryption(List<PgpPublicKeys.Recipient> recipients, SecureRandom random) {
        this.recipients = List.copyOf(recipients);
        this.random = random;
    }

    @Override
    public String scheme() {
        return Schemes.OPENPGP;
    }

    @Override
    public List<String> recipients() {
        return recipients.stream().map(PgpPublicKeys.Recipient::fingerprint).toList();
    }

    @Override
    public String extension() {
        return ".gpg";
    }

    @Override
    public OutputStream encrypt(OutputStream stored) throws IOException {
        PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random));
        for (PgpPublicKeys.Recipient recipient : recipients) {
            encrypted.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient.key()).setSecureRandom(random));
        }
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        OutputStream plain;
        try {
            OutputStream cipher = encrypted.open(stored, new byte[PACKET_BUFFER]);
            plain = literal.open(cipher, PGPLiteralData.BINARY, "", PGPLiteralData.NOW, new byte[PACKET_BUFFER]);
        } catch (PGPException e) {
            throw new IOException("OpenPGP encryption could not start: " + e.getMessage(), e);
        }
        return new FilterOutputStream(plain) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                // The generators only finish their packets (the last one writes the MDC); they leave
                // the underlying stream open, and our contract is to close it like age does.
                literal.close();
                encrypted.close();
                stored.close();
            }
        };
    }

    @Override
    public String toString() {
        return "OpenPGP encryption for " + recipients();
    }
}
