package dev.lifeboat.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.Cli;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.crypto.Encryptions;
import dev.lifeboat.crypto.GpgCli;
import dev.lifeboat.crypto.Streams;
import dev.lifeboat.manifest.Seal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The encryption stages in the real pipeline: restorable by hand, and damage is "corrupted or tampered". */
class EncryptedPipelineTest {
    @TempDir
    Path dir;

    private record Sealed(byte[] stored, Seal seal) {
    }

    /** A compressible snapshot-like payload: repeated text with some noise. */
    private static byte[] snapshot() {
        byte[] noise = Streams.payload(64 * 1024, 31);
        byte[] plain = new byte[600 * 1024];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i % 97 == 0 ? noise[i % noise.length] : 'a' + i % 23);
        }
        return plain;
    }

    private static Sealed seal(byte[] plain, Encryption encryption) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        Seal seal = Pipeline.seal(new ByteArrayInputStream(plain), stored,
                new StoredForm(Compression.ZSTD, 3, encryption), n -> { });
        return new Sealed(stored.toByteArray(), seal);
    }

    private static byte[] unseal(byte[] stored, Decryption decryption, Seal seal) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Pipeline.unseal(new ByteArrayInputStream(stored), plain, Compression.ZSTD, decryption, seal, n -> { });
        return plain.toByteArray();
    }

    @Test
    void ageBackupRestoresByHandWithAgeAndZstd() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        byte[] plain = snapshot();
        Sealed sealed = seal(plain, Encryptions.age(List.of(key.publicKey())));
        Path object = Files.write(dir.resolve("snapshot.db.zst.age"), sealed.stored());

        assertEquals(0, age.decrypt(key.file(), object, dir.resolve("snapshot.db.zst")).exit());
        new Cli(dir).ok(List.of("zstd", "-q", "-d", "snapshot.db.zst", "-o", "snapshot.db"));

        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("snapshot.db")));
        assertArrayEquals(plain, unseal(sealed.stored(), Decryptions.ageIdentityFile(key.file()), sealed.seal()));
    }

    @Test
    void flippedOrTruncatedAgeBackupIsReportedCorruptedOrTampered() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        Sealed sealed = seal(snapshot(), Encryptions.age(List.of(key.publicKey())));
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        byte[] stored = sealed.stored();

        for (int at : new int[] {0, 25, 60, 100, stored.length / 2, stored.length - 17, stored.length - 1}) {
            byte[] tampered = stored.clone();
            tampered[at] ^= 0x04;
            assertCorrupted(() -> unseal(tampered, decryption, sealed.seal()));
        }
        for (int length : new int[] {0, 40, stored.length / 2, stored.length - 1}) {
            assertCorrupted(() -> unseal(Arrays.copyOf(stored, length), decryption, sealed.seal()));
        }
    }

    @Test
    void wrongPassphraseIsNotReportedAsDamage() throws IOException {
        Sealed sealed = seal(snapshot(), Encryptions.agePassphrase("right".toCharArray(), 12));

        LifeboatException e = assertThrows(LifeboatException.class,
                () -> unseal(sealed.stored(), Decryptions.agePassphrase("wrong".toCharArray()), sealed.seal()));

        assertEquals(ExitCode.KEY, e.exitCode());
        assertTrue(e.getMessage().startsWith("the passphrase does not open this backup"), e.getMessage());
    }

    @Test
    void openPgpBackupRestoresByHandWithGpgAndEveryFlipIsCaught() throws IOException {
        try (GpgCli gpg = new GpgCli(dir)) {
            String fpr = gpg.generate(GpgCli.Kind.CURVE25519, "pipe@example.org", null);
            byte[] plain = snapshot();
            Sealed sealed = seal(plain, Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(fpr, true))));
            Path object = Files.write(dir.resolve("snapshot.db.zst.gpg"), sealed.stored());

            assertEquals(0, gpg.decrypt(object, dir.resolve("snapshot.db.zst"), null).exit());
            new Cli(dir).ok(List.of("zstd", "-q", "-d", "snapshot.db.zst", "-o", "snapshot.db"));
            assertArrayEquals(plain, Files.readAllBytes(dir.resolve("snapshot.db")));

            Decryption decryption = Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(fpr, null, false)), null);
            // The first 200 bytes hold the session key packet, whose MPI bit counts OpenPGP does
            // not authenticate: the stored SHA-256 catches those flips.
            for (int at = 0; at < 200; at++) {
                byte[] tampered = sealed.stored().clone();
                tampered[at] ^= 0x01;
                assertCorrupted(() -> unseal(tampered, decryption, sealed.seal()));
            }
        }
    }

    private static void assertCorrupted(Executable call) {
        LifeboatException e = assertThrows(LifeboatException.class, call);
        assertEquals(ExitCode.INTEGRITY, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("backup is corrupted or tampered ("), e.getMessage());
    }
}
