package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lifeboat's OpenPGP objects and GnuPG 2.2 read each other's messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgpInteropTest {
    private static final String PASSPHRASE = "pgp test passphrase";

    @TempDir
    Path dir;
    private GpgCli gpg;
    private String rsa;
    private String curve;
    private final java.util.Map<String, Decryption> decryptions = new java.util.HashMap<>();

    @BeforeAll
    void keys(@TempDir Path home) {
        gpg = new GpgCli(home);
        // One protected and one unprotected key cover both ways gpg exports secret keys.
        curve = gpg.generate(GpgCli.Kind.CURVE25519, "curve@example.org", PASSPHRASE);
        rsa = gpg.generate(GpgCli.Kind.RSA, "rsa@example.org", null);
        decryptions.put(curve, Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(curve, PASSPHRASE, true)),
                PASSPHRASE.toCharArray()));
        decryptions.put(rsa, Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(rsa, null, true)), null));
    }

    @AfterAll
    void stopAgent() {
        gpg.close();
    }

    private String fingerprint(GpgCli.Kind kind) {
        return kind == GpgCli.Kind.RSA ? rsa : curve;
    }

    @ParameterizedTest
    @EnumSource(GpgCli.Kind.class)
    void lifeboatObjectDecryptsWithGpgAsAes256WithMdc(GpgCli.Kind kind) throws IOException {
        String fpr = fingerprint(kind);
        Encryption encryption = Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(fpr, true)));
        byte[] plain = Streams.payload(2 << 20, 11);
        Path object = Files.write(dir.resolve(kind + ".gpg"), Streams.encrypt(encryption, plain));

        Path out = dir.resolve(kind + ".out");
        Cli.Result result = gpg.decrypt(object, out, PASSPHRASE);

        assertEquals(0, result.exit(), result.stderr());
        assertArrayEquals(plain, Files.readAllBytes(out));
        // DECRYPTION_INFO <mdc method> <cipher>: 2 = SHA-1 MDC, 9 = AES-256
        assertTrue(result.stderr().contains("[GNUPG:] DECRYPTION_INFO 2 9"), result.stderr());
        assertTrue(result.stderr().contains("[GNUPG:] DECRYPTION_OKAY"), result.stderr());
        assertEquals("openpgp", encryption.scheme());
        assertEquals(".gpg", encryption.extension());
        assertEquals(gpg.encryptionSubkeys(fpr), encryption.recipients());
    }

    @ParameterizedTest
    @EnumSource(GpgCli.Kind.class)
    void gpgObjectDecryptsWithLifeboatArmoredOrBinary(GpgCli.Kind kind) throws IOException {
        String fpr = fingerprint(kind);
        byte[] plain = Streams.payload(300_000, 12);
        Path in = Files.write(dir.resolve(kind + ".plain"), plain);
        Decryption decryption = decryptions.get(fpr);
        decryption.checkCanOpen("openpgp", gpg.encryptionSubkeys(fpr));

        for (boolean armor : List.of(false, true)) {
            Path object = dir.resolve(kind + "-" + armor + ".gpg");
            gpg.encrypt(fpr, in, object, armor);
            assertArrayEquals(plain, Streams.decrypt(decryption, Files.readAllBytes(object)), "armor " + armor);
        }
    }

    @Test
    void privateKeyIsReadArmoredBinaryOrAsBase64OfBinary() throws IOException {
        byte[] plain = "a small snapshot".getBytes(StandardCharsets.UTF_8);
        Path in = Files.write(dir.resolve("small"), plain);
        Path object = dir.resolve("small.gpg");
        gpg.encrypt(rsa, in, object, false);
        byte[] stored = Files.readAllBytes(object);
        byte[] binary = gpg.exportSecret(rsa, null, false);
        String base64 = Base64.getMimeEncoder().encodeToString(binary) + "\n";

        for (byte[] key : List.of(binary, gpg.exportSecret(rsa, null, true),
                base64.getBytes(StandardCharsets.US_ASCII))) {
            Decryption decryption = Decryptions.pgp(new ByteArrayInputStream(key), new char[0]);
            assertArrayEquals(plain, Streams.decrypt(decryption, stored));
        }
    }

    @Test
    void unprotectedKeyOpensWithAnEmptyPassphraseAndBinaryPublicKeyEncrypts() throws IOException {
        Encryption encryption = Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(rsa, false)));
        byte[] plain = Streams.payload(70_000, 13);
        byte[] stored = Streams.encrypt(encryption, plain);
        Decryption decryption = Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(rsa, null, true)),
                new char[0]);

        decryption.checkCanOpen("openpgp", encryption.recipients());
        assertArrayEquals(plain, Streams.decrypt(decryption, stored));
        Path object = Files.write(dir.resolve("open.gpg"), stored);
        Path out = dir.resolve("open.out");
        assertEquals(0, gpg.decrypt(object, out, null).exit());
        assertArrayEquals(plain, Files.readAllBytes(out));
    }

    @ParameterizedTest
    @EnumSource(KeyFile.class)
    void encryptionToTwoKeysOpensWithEither(KeyFile form) throws IOException {
        byte[] keys = switch (form) {
            case BINARY -> gpg.exportPublic(List.of(rsa, curve), false);
            case ONE_ARMOR_BLOCK -> gpg.exportPublic(List.of(rsa, curve), true);
            case TWO_ARMOR_BLOCKS -> concat(gpg.exportPublic(rsa, true), gpg.exportPublic(curve, true));
        };
        Encryption encryption = Encryptions.pgp(new ByteArrayInputStream(keys));
        byte[] plain = Streams.payload(1000, 14);
        byte[] stored = Streams.encrypt(encryption, plain);

        assertEquals(2, encryption.recipients().size());
        for (String fpr : List.of(rsa, curve)) {
            Decryption decryption = decryptions.get(fpr);
            decryption.checkCanOpen("openpgp", encryption.recipients());
            assertArrayEquals(plain, Streams.decrypt(decryption, stored));
        }
    }

    @Test
    void emptyPayloadRoundTripsThroughGpg() throws IOException {
        byte[] stored = Streams.encrypt(Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(rsa, true))),
                new byte[0]);
        Path object = Files.write(dir.resolve("empty.gpg"), stored);
        Path out = dir.resolve("empty.out");

        assertEquals(0, gpg.decrypt(object, out, null).exit());
        assertEquals(0, Files.size(out));
        assertEquals(0, Streams.decrypt(decryptions.get(rsa), stored).length);
    }

    @Test
    void encryptionStreamsInsteadOfBufferingThePayload() throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        byte[] chunk = Streams.payload(1 << 20, 15);
        OutputStream out = Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(curve, true))).encrypt(stored);
        out.write(chunk);
        out.write(chunk);
        assertTrue(stored.size() > (2 << 20) - (1 << 17), "only " + stored.size() + " bytes written before close");
        out.close();
    }

    enum KeyFile { BINARY, ONE_ARMOR_BLOCK, TWO_ARMOR_BLOCKS }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
