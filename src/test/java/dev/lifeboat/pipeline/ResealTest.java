package dev.lifeboat.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.AgeCli;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Re-encrypting a stored object for new keys, as rekey will, without decompressing it. */
class ResealTest {
    @TempDir
    Path dir;

    private final byte[] plain = Streams.payload(700_000, 41);

    private record Sealed(byte[] stored, Seal seal) {
    }

    private Sealed seal(Encryption encryption) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        Seal seal = Pipeline.seal(new ByteArrayInputStream(plain), stored,
                new StoredForm(Compression.GZIP, 6, encryption), n -> { });
        return new Sealed(stored.toByteArray(), seal);
    }

    private static byte[] unseal(Sealed sealed, Decryption decryption) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Pipeline.unseal(new ByteArrayInputStream(sealed.stored()), out, Compression.GZIP, decryption, sealed.seal(),
                n -> { });
        return out.toByteArray();
    }

    @Test
    void ageObjectIsResealedForANewKeyThatAgeCliOpensAndTheOldKeyDoesNot() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key old = age.keygen("old.txt");
        AgeCli.Key fresh = age.keygen("new.txt");
        Sealed before = seal(Encryptions.age(List.of(old.publicKey())));
        Encryption to = Encryptions.age(List.of(fresh.publicKey()));
        ClosingWatch sink = new ClosingWatch();

        Seal after = Reseal.reseal(new ByteArrayInputStream(before.stored()), before.seal(),
                Decryptions.ageIdentityFile(old.file()), to, sink);

        assertFalse(sink.closed, "the sink is left open for its owner to commit");
        assertEquals(before.seal().plainSize(), after.plainSize());
        assertEquals(before.seal().plainSha256(), after.plainSha256());
        assertEquals(sink.size(), after.storedSize());
        assertNotEquals(before.seal().storedSha256(), after.storedSha256());
        Sealed resealed = new Sealed(sink.toByteArray(), after);
        assertArrayEquals(plain, unseal(resealed, Decryptions.ageIdentityFile(fresh.file())));
        assertThrows(LifeboatException.class,
                () -> Decryptions.ageIdentityFile(old.file()).checkCanOpen("age", to.recipients()));

        Path object = Files.write(dir.resolve("snapshot.gz.age"), resealed.stored());
        assertEquals(0, age.decrypt(fresh.file(), object, dir.resolve("snapshot.gz")).exit());
        assertNotEquals(0, age.decrypt(old.file(), object, dir.resolve("not-for-old-key")).exit());
    }

    @Test
    void passphraseObjectIsResealedForOpenPgp() throws IOException {
        try (GpgCli gpg = new GpgCli(dir)) {
            String fpr = gpg.generate(GpgCli.Kind.CURVE25519, "rekey@example.org", null);
            char[] passphrase = "old passphrase".toCharArray();
            Sealed before = seal(Encryptions.agePassphrase(passphrase, 12));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();

            Seal after = Reseal.reseal(new ByteArrayInputStream(before.stored()), before.seal(),
                    Decryptions.agePassphrase(passphrase),
                    Encryptions.pgp(new ByteArrayInputStream(gpg.exportPublic(fpr, true))), sink);

            Decryption pgp = Decryptions.pgp(new ByteArrayInputStream(gpg.exportSecret(fpr, null, true)), null);
            assertArrayEquals(plain, unseal(new Sealed(sink.toByteArray(), after), pgp));
        }
    }

    @Test
    void damagedOrSubstitutedOldObjectIsNotResealed() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        Encryption encryption = Encryptions.age(List.of(key.publicKey()));
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        Sealed before = seal(encryption);

        byte[] flipped = before.stored().clone();
        flipped[flipped.length / 2] ^= 1;
        assertIntegrity(() -> Reseal.reseal(new ByteArrayInputStream(flipped), before.seal(), decryption, encryption,
                new ByteArrayOutputStream()));

        Sealed other = seal(encryption);
        assertIntegrity(() -> Reseal.reseal(new ByteArrayInputStream(other.stored()), before.seal(), decryption,
                encryption, new ByteArrayOutputStream()));
    }

    private static void assertIntegrity(Executable call) {
        LifeboatException e = assertThrows(LifeboatException.class, call);
        assertEquals(ExitCode.INTEGRITY, e.exitCode());
        assertTrue(e.getMessage().startsWith("backup is corrupted or tampered ("), e.getMessage());
    }

    /** Records whether its owner's close() was called. */
    private static final class ClosingWatch extends ByteArrayOutputStream {
        private boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
