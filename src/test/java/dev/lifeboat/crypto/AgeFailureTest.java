package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Decryption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an age backup can fail to open ends in a clear message or an IOException, never a secret. */
class AgeFailureTest {
    @TempDir
    Path dir;

    @Test
    void wrongIdentityIsRefusedBeforeReadingNamingBothPublicKeys() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key owner = age.keygen("owner.txt");
        AgeCli.Key stranger = age.keygen("stranger.txt");
        Decryption decryption = Decryptions.ageIdentityFile(stranger.file());

        LifeboatException e = assertThrows(LifeboatException.class,
                () -> decryption.checkCanOpen("age", List.of(owner.publicKey())));

        assertEquals(ExitCode.KEY, e.exitCode());
        assertEquals("this backup is encrypted for " + owner.publicKey() + "; the identity you gave is "
                + stranger.publicKey() + "; give the identity file of one of the backup's recipients", e.getMessage());
        Streams.assertNoSecret(e, secretLine(stranger));
    }

    @Test
    void wrongIdentityAtTheDataIsAnIOExceptionWithoutTheSecret() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key owner = age.keygen("owner.txt");
        AgeCli.Key stranger = age.keygen("stranger.txt");
        byte[] stored = Streams.encrypt(Encryptions.age(List.of(owner.publicKey())), new byte[] {1, 2, 3});

        IOException e = assertThrows(IOException.class,
                () -> Streams.decrypt(Decryptions.ageIdentityFile(stranger.file()), stored));

        assertTrue(e.getMessage().contains(stranger.publicKey()), e.getMessage());
        Streams.assertNoSecret(e, secretLine(stranger));
    }

    @Test
    void wrongPassphraseIsAUsageErrorThatDoesNotQuoteIt() throws IOException {
        byte[] stored = Streams.encrypt(Encryptions.agePassphrase("right passphrase".toCharArray(), 10), new byte[10]);
        String wrong = "wrong passphrase 12345";

        LifeboatException e = assertThrows(LifeboatException.class,
                () -> Streams.decrypt(Decryptions.agePassphrase(wrong.toCharArray()), stored));

        assertEquals(ExitCode.KEY, e.exitCode());
        assertTrue(e.getMessage().startsWith("the passphrase does not open this backup"), e.getMessage());
        Streams.assertNoSecret(e, wrong);
        Streams.assertNoSecret(e, "right passphrase");
    }

    @Test
    void passphraseAndIdentityObjectsAreNotMixedUp() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        Decryption passphrase = Decryptions.agePassphrase("pass".toCharArray());
        Decryption identity = Decryptions.ageIdentityFile(key.file());

        assertEquals("this backup is encrypted for " + key.publicKey() + "; give a matching age identity with"
                + " --identity-file FILE instead of a passphrase", assertThrows(LifeboatException.class,
                () -> passphrase.checkCanOpen("age", List.of(key.publicKey()))).getMessage());
        assertEquals("this backup is encrypted with a passphrase; give it with --passphrase-env VAR instead of the"
                + " age identity " + key.publicKey(), assertThrows(LifeboatException.class,
                () -> identity.checkCanOpen("age", List.of("scrypt"))).getMessage());
        assertTrue(assertThrows(LifeboatException.class, () -> identity.checkCanOpen("openpgp", List.of("ABCD")))
                .getMessage().startsWith("this backup is encrypted with OpenPGP for key ABCD;"));
        assertTrue(assertThrows(LifeboatException.class, () -> identity.checkCanOpen("none", List.of()))
                .getMessage().startsWith("this backup is not encrypted;"));
        assertEquals(Decryption.NONE, Decryptions.forScheme("none", identity));
        assertEquals(identity, Decryptions.forScheme("age", identity));
    }

    @Test
    void everyFlippedByteOfAnIdentityObjectIsDetected() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        byte[] plain = Streams.payload(500, 7);
        byte[] stored = Streams.encrypt(Encryptions.age(List.of(key.publicKey())), plain);
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        assertArrayEquals(plain, Streams.decrypt(decryption, stored));

        for (int i = 0; i < stored.length; i++) {
            byte[] tampered = stored.clone();
            tampered[i] ^= 0x01;
            int at = i;
            assertThrows(IOException.class, () -> Streams.decrypt(decryption, tampered), "flip at byte " + at);
        }
    }

    @Test
    void everyFlippedByteOfAPassphraseObjectFailsWithoutOutput() throws IOException {
        char[] passphrase = "flip test".toCharArray();
        byte[] stored = Streams.encrypt(Encryptions.agePassphrase(passphrase, 10), Streams.payload(300, 8));
        Decryption decryption = Decryptions.agePassphrase(passphrase);
        int headerEnd = indexOf(stored, "\n---") + 1;

        for (int i = 0; i < stored.length; i++) {
            byte[] tampered = stored.clone();
            tampered[i] ^= 0x01;
            int at = i;
            Exception e = assertThrows(Exception.class, () -> Streams.decrypt(decryption, tampered));
            // A damaged salt or wrapped key is indistinguishable from a wrong passphrase (both fail
            // the stanza's tag); everything else is reported as damage.
            boolean asWrongPassphrase = e instanceof LifeboatException;
            assertTrue(e instanceof IOException || asWrongPassphrase && at < headerEnd, "flip at " + at + ": " + e);
        }
    }

    @Test
    void everyTruncationIsDetectedIncludingAtChunkBoundaries() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        int chunk = 64 * 1024;
        byte[] plain = Streams.payload(2 * chunk, 9);
        byte[] stored = Streams.encrypt(Encryptions.age(List.of(key.publicKey())), plain);
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        int payloadStart = indexOf(stored, "\n---") + 1;
        payloadStart = indexOf(Arrays.copyOfRange(stored, payloadStart, stored.length), "\n") + payloadStart + 1 + 16;

        for (int length = 0; length < payloadStart + 64; length++) {
            assertTruncationFails(decryption, stored, length);
        }
        for (int boundary = payloadStart + chunk + 16; boundary < stored.length; boundary += chunk + 16) {
            for (int length = boundary - 2; length <= boundary + 2 && length < stored.length; length++) {
                assertTruncationFails(decryption, stored, length);
            }
        }
        assertTruncationFails(decryption, stored, stored.length - 1);
    }

    private static void assertTruncationFails(Decryption decryption, byte[] stored, int length) {
        byte[] truncated = Arrays.copyOf(stored, length);
        assertThrows(IOException.class, () -> Streams.decrypt(decryption, truncated), "truncated to " + length);
    }

    @Test
    void invalidIdentitiesAreUsageErrorsThatNeverQuoteTheKey() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        String secret = secretLine(key);
        String damaged = secret.substring(0, 30) + (secret.charAt(30) == 'Q' ? 'P' : 'Q') + secret.substring(31);

        assertUsage(() -> Decryptions.ageIdentities(""), "the age identity holds no age secret key");
        assertUsage(() -> Decryptions.ageIdentities("# only a comment\n"), "the age identity holds no age secret key");
        assertUsage(() -> Decryptions.ageIdentities(key.publicKey()), "line 1 of the age identity is an age public key");
        LifeboatException bad = assertUsage(() -> Decryptions.ageIdentities("# key\n" + damaged + "\n"),
                "line 2 of the age identity is not a valid age secret key");
        Streams.assertNoSecret(bad, damaged.substring(15));
        assertUsage(() -> Decryptions.ageIdentities("-----BEGIN OPENSSH PRIVATE KEY-----"),
                "line 1 of the age identity is not an age X25519 identity");
        LifeboatException missing = assertThrows(LifeboatException.class,
                () -> Decryptions.ageIdentityFile(dir.resolve("missing.txt")));
        assertEquals(ExitCode.KEY, missing.exitCode(), "a missing key is a key failure, not bad usage");
        assertUsage(() -> Decryptions.agePassphrase(new char[0]), "the passphrase is empty");
    }

    @Test
    void invalidRecipientsAreUsageErrorsThatNeverQuoteASecretKey() throws IOException {
        AgeCli.Key key = new AgeCli(dir).keygen("key.txt");
        String secret = secretLine(key);

        Streams.assertNoSecret(assertUsage(() -> Encryptions.age(List.of(secret)),
                "recipient 1 is an age secret key, not a recipient"), secret);
        assertUsage(() -> Encryptions.age(List.of()), "no age recipient given");
        assertUsage(() -> Encryptions.age(List.of(key.publicKey(), "age1qqqq")), "recipient 2 (age1qqqq) is not a valid");
        assertUsage(() -> Encryptions.age(List.of("ssh-ed25519 AAAA")), "recipient 1 is an SSH key");
        assertUsage(() -> Encryptions.age(List.of("bob@example.org")), "recipient 1 is not an age public key");
        Path file = Files.writeString(dir.resolve("r.txt"), "# keys\n" + key.publicKey() + "\nnot-a-key\n");
        assertUsage(() -> AgeRecipients.readFile(file), "line 3 of recipients file " + file + " is not an age public key");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nobody yet\n");
        assertUsage(() -> AgeRecipients.readFile(empty), "recipients file " + empty + " lists no recipient");
        assertUsage(() -> AgeRecipients.readFile(dir.resolve("nope.txt")), "recipients file ");
        assertUsage(() -> Encryptions.agePassphrase("x".toCharArray(), 30), "scrypt work factor 30 is out of range");
    }

    private static LifeboatException assertUsage(org.junit.jupiter.api.function.Executable call, String start) {
        LifeboatException e = assertThrows(LifeboatException.class, call);
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    private static String secretLine(AgeCli.Key key) throws IOException {
        return Files.readAllLines(key.file()).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-1"))
                .findFirst().orElseThrow();
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= haystack.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + needle);
    }
}
