package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Decryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every way an OpenPGP backup can fail to open ends in a clear message or an IOException, never a secret. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgpFailureTest {
    private static final String PASSPHRASE = "the real passphrase";

    @TempDir
    Path dir;
    private GpgCli gpg;
    private String owner;
    private String stranger;
    private byte[] ownerSecret;
    private Decryption ownerDecryption;
    private Decryption strangerDecryption;

    @BeforeAll
    void keys(@TempDir Path home) {
        gpg = new GpgCli(home);
        owner = gpg.generate(GpgCli.Kind.CURVE25519, "owner@example.org", PASSPHRASE);
        stranger = gpg.generate(GpgCli.Kind.RSA, "stranger@example.org", null);
        ownerSecret = gpg.exportSecret(owner, PASSPHRASE, true);
        ownerDecryption = Decryptions.pgp(new ByteArrayInputStream(ownerSecret), PASSPHRASE.toCharArray());
        strangerDecryption = Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(stranger, null, true)),
                new char[0]);
    }

    @AfterAll
    void stopAgent() {
        gpg.close();
    }

    private Decryption decryption(String fingerprint) {
        return fingerprint.equals(owner) ? ownerDecryption : strangerDecryption;
    }

    private byte[] encryptFor(String fingerprint, byte[] plain) throws IOException {
        return Streams.encrypt(Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(fingerprint, true))), plain);
    }

    @Test
    void wrongPassphraseFailsWhenTheKeyIsGivenWithoutQuotingIt() {
        byte[] key = ownerSecret;
        String wrong = "not the passphrase 987";

        LifeboatException e = assertFailure(ExitCode.KEY, () -> Decryptions.pgp(new ByteArrayInputStream(key),
                wrong.toCharArray()), "the passphrase does not unlock OpenPGP private key ");

        assertTrue(e.getMessage().endsWith("; check the passphrase"), e.getMessage());
        Streams.assertNoSecret(e, wrong);
        Streams.assertNoSecret(e, PASSPHRASE);
        assertFailure(ExitCode.KEY, () -> Decryptions.pgp(new ByteArrayInputStream(key), new char[0]),
                "OpenPGP private key ");
    }

    @Test
    void wrongKeyIsRefusedBeforeReadingNamingBothFingerprints() {
        List<String> recipients = gpg.encryptionSubkeys(owner);

        LifeboatException e = assertFailure(ExitCode.KEY, () -> decryption(stranger).checkCanOpen("openpgp",
                recipients),
                "this backup is encrypted for OpenPGP key " + recipients.get(0) + "; the private key you gave holds ");

        assertTrue(e.getMessage().contains(gpg.encryptionSubkeys(stranger).get(0)), e.getMessage());
        decryption(owner).checkCanOpen("openpgp", recipients);
        String keyId = recipients.get(0).substring(24);
        decryption(owner).checkCanOpen("openpgp", List.of(keyId));
        assertFailure(ExitCode.KEY, () -> decryption(owner).checkCanOpen("age", List.of("scrypt")),
                "this backup is encrypted with a passphrase;");
    }

    @Test
    void wrongKeyAtTheDataIsAnIOException() throws IOException {
        byte[] stored = encryptFor(owner, new byte[] {1, 2, 3});

        IOException e = assertThrows(IOException.class, () -> Streams.decrypt(decryption(stranger), stored));

        assertTrue(e.getMessage().startsWith("no session key in the OpenPGP message is for the private key"),
                e.getMessage());
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException {
        byte[] plain = Streams.payload(300, 21);
        byte[] stored = encryptFor(owner, plain);
        Decryption decryption = decryption(owner);
        assertArrayEquals(plain, Streams.decrypt(decryption, stored));

        int sessionKeyPacketEnd = 2 + (stored[1] & 0xFF);
        assertEquals((byte) 0xD2, stored[sessionKeyPacketEnd], "one session key packet, then SEIPD");

        int harmless = 0;
        for (int i = 0; i < stored.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] tampered = stored.clone();
                tampered[i] ^= (byte) bit;
                try {
                    byte[] result = Streams.decrypt(decryption, tampered);
                    // Only an MPI's bit count in the unauthenticated session key packet can change
                    // without changing any key byte; the data is then intact, and the pipeline's
                    // stored SHA-256 reports the object as tampered all the same.
                    assertArrayEquals(plain, result, "flip at byte " + i + " changed the plain text");
                    assertTrue(i < sessionKeyPacketEnd, "flip at byte " + i + " went unnoticed");
                    harmless++;
                } catch (IOException expected) {
                    // detected
                }
            }
        }
        assertTrue(harmless <= 4, harmless + " harmless flips");
    }

    @Test
    void everyTruncationIsDetectedAcrossPartialPackets() throws IOException {
        byte[] plain = Streams.payload(150_000, 22);
        byte[] stored = encryptFor(owner, plain);
        Decryption decryption = decryption(owner);

        for (int length = 0; length < stored.length; length += length < 400 ? 1 : 4999) {
            byte[] truncated = Arrays.copyOf(stored, length);
            int at = length;
            assertThrows(IOException.class, () -> Streams.decrypt(decryption, truncated), "truncated to " + at);
        }
        for (int cut = 1; cut <= 30; cut++) {
            byte[] truncated = Arrays.copyOf(stored, stored.length - cut);
            int at = cut;
            assertThrows(IOException.class, () -> Streams.decrypt(decryption, truncated), at + " bytes cut");
        }
    }

    @Test
    void gpgMessageFlippedInTheMiddleFailsTheIntegrityCheck() throws IOException {
        Path in = Files.write(dir.resolve("plain"), Streams.payload(100_000, 23));
        Path object = dir.resolve("plain.gpg");
        gpg.encrypt(owner, in, object, false);
        byte[] stored = Files.readAllBytes(object);
        stored[stored.length / 2] ^= 0x10;

        assertThrows(IOException.class, () -> Streams.decrypt(decryption(owner), stored));
    }

    @Test
    void invalidKeyMaterialIsAUsageErrorNamingTheFix() {
        byte[] secret = ownerSecret;
        byte[] publicKey = gpg.exportPublic(owner, true);

        assertUsage(() -> Encryptions.pgp(new ByteArrayInputStream(secret)),
                "the OpenPGP key given for encryption is a private key;");
        assertUsage(() -> Decryptions.pgp(new ByteArrayInputStream(publicKey), PASSPHRASE.toCharArray()),
                "the OpenPGP key given for decryption is a public key;");
        assertUsage(() -> Encryptions.pgp(new ByteArrayInputStream(new byte[0])), "the OpenPGP public key is empty;");
        LifeboatException garbage = assertUsage(() -> Decryptions.pgp(new ByteArrayInputStream(
                "hunter2 is my key!".getBytes(StandardCharsets.UTF_8)), new char[0]),
                "the OpenPGP private key is not OpenPGP key material");
        Streams.assertNoSecret(garbage, "hunter2");
        assertUsage(() -> Decryptions.pgp(new ByteArrayInputStream("/////w==".getBytes(StandardCharsets.US_ASCII)),
                new char[0]), "the input is not an OpenPGP private key;");
        byte[] damagedArmor = new String(publicKey, StandardCharsets.US_ASCII).replaceFirst("\n\n(.)", "\n\n!")
                .getBytes(StandardCharsets.US_ASCII);
        assertThrows(LifeboatException.class, () -> Encryptions.pgp(new ByteArrayInputStream(damagedArmor)));
    }

    @Test
    void aKeyWithoutEncryptionSubkeyIsRefused() {
        String signOnly = generateSignOnly();

        assertUsage(() -> Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(signOnly, true))),
                "OpenPGP key " + signOnly + " has no usable encryption subkey");
    }

    private String generateSignOnly() {
        return gpg.generateSignOnly("sign@example.org");
    }

    private static LifeboatException assertUsage(Executable call, String start) {
        return assertFailure(ExitCode.USAGE, call, start);
    }

    private static LifeboatException assertFailure(ExitCode code, Executable call, String start) {
        LifeboatException e = assertThrows(LifeboatException.class, call);
        assertEquals(code, e.exitCode());
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }
}
