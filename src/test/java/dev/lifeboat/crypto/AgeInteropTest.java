package dev.lifeboat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifeboat's age objects and the stock age CLI read each other's files. */
class AgeInteropTest {
    @TempDir
    Path dir;

    @Test
    void lifeboatObjectForTwoRecipientsDecryptsWithAgeCliForEach() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key alice = age.keygen("alice.txt");
        AgeCli.Key bob = age.keygen("bob.txt");
        byte[] plain = Streams.payload(2 << 20, 1);
        Encryption encryption = Encryptions.age(List.of(alice.publicKey(), bob.publicKey()));

        Path object = Files.write(dir.resolve("snapshot.age"), Streams.encrypt(encryption, plain));

        for (AgeCli.Key key : List.of(alice, bob)) {
            Path out = dir.resolve("out-" + key.file().getFileName());
            Cli.Result result = age.decrypt(key.file(), object, out);
            assertEquals(0, result.exit(), result.stderr());
            assertArrayEquals(plain, Files.readAllBytes(out));
        }
        assertEquals("age", encryption.scheme());
        assertEquals(List.of(alice.publicKey(), bob.publicKey()), encryption.recipients());
        assertEquals(".age", encryption.extension());
    }

    @Test
    void ageCliObjectDecryptsWithLifeboatFromIdentityFileAndFromText() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        byte[] plain = Streams.payload(300_000, 2);
        Path in = Files.write(dir.resolve("plain"), plain);
        Path object = dir.resolve("plain.age");
        age.encrypt(List.of(key.publicKey()), in, object);
        byte[] stored = Files.readAllBytes(object);

        Decryption fromFile = Decryptions.ageIdentityFile(key.file());
        fromFile.checkCanOpen("age", List.of(key.publicKey()));
        assertArrayEquals(plain, Streams.decrypt(fromFile, stored));

        Decryption fromText = Decryptions.ageIdentities(Files.readString(key.file()));
        assertArrayEquals(plain, Streams.decrypt(fromText, stored));
    }

    @Test
    void recipientsFileWithCommentsEncryptsForEveryListedKey() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key alice = age.keygen("alice.txt");
        AgeCli.Key bob = age.keygen("bob.txt");
        Path recipients = Files.writeString(dir.resolve("recipients.txt"), "# backup keys\n\n"
                + alice.publicKey() + "\n  # bob's laptop\n" + bob.publicKey().toUpperCase() + "  \n"
                + alice.publicKey() + "\n");

        List<String> keys = AgeRecipients.readFile(recipients);

        assertEquals(List.of(alice.publicKey(), bob.publicKey()), keys);
        byte[] plain = Streams.payload(1000, 3);
        Path object = Files.write(dir.resolve("o.age"), Streams.encrypt(Encryptions.age(keys), plain));
        Path out = dir.resolve("out");
        assertEquals(0, age.decrypt(bob.file(), object, out).exit());
        assertArrayEquals(plain, Files.readAllBytes(out));
    }

    @Test
    void passphraseObjectDecryptsWithAgeCliAtTheDefaultWorkFactor() throws IOException {
        AgeCli age = new AgeCli(dir);
        String passphrase = "correct horse battery staple";
        byte[] plain = Streams.payload(200_000, 4);
        Encryption encryption = Encryptions.agePassphrase(passphrase.toCharArray());
        Path object = Files.write(dir.resolve("p.age"), Streams.encrypt(encryption, plain));

        assertTrue(Files.readString(object.resolveSibling("p.age"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("\n-> scrypt "), "age header has a scrypt stanza");
        Path out = dir.resolve("out");
        Cli.Result result = age.decryptWithPassphrase(passphrase, object, out);
        assertEquals(0, result.exit(), result.stderr());
        assertArrayEquals(plain, Files.readAllBytes(out));
        assertEquals(List.of("scrypt"), encryption.recipients());
    }

    @Test
    void ageCliPassphraseObjectDecryptsWithLifeboat() throws IOException {
        AgeCli age = new AgeCli(dir);
        String passphrase = "tr0ub4dor&3 but longer";
        byte[] plain = Streams.payload(100_000, 5);
        Path in = Files.write(dir.resolve("plain"), plain);
        Path object = dir.resolve("plain.age");
        Cli.Result made = age.encryptWithPassphrase(passphrase, in, object);
        assertEquals(0, made.exit(), made.stderr());

        Decryption decryption = Decryptions.agePassphrase(passphrase.toCharArray());
        decryption.checkCanOpen("age", List.of("scrypt"));
        assertArrayEquals(plain, Streams.decrypt(decryption, Files.readAllBytes(object)));
    }

    @Test
    void emptyAndChunkSizedPayloadsRoundTripThroughAgeCli() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        Decryption decryption = Decryptions.ageIdentityFile(key.file());
        for (int size : new int[] {0, 1, 64 * 1024, 2 * 64 * 1024}) {
            byte[] plain = Streams.payload(size, size);
            byte[] stored = Streams.encrypt(Encryptions.age(List.of(key.publicKey())), plain);
            Path object = Files.write(dir.resolve(size + ".age"), stored);
            Path out = dir.resolve(size + ".out");
            assertEquals(0, age.decrypt(key.file(), object, out).exit(), "size " + size);
            // age creates its output file on the first byte it writes, so none for an empty payload
            assertArrayEquals(plain, Files.exists(out) ? Files.readAllBytes(out) : new byte[0], "size " + size);
            assertArrayEquals(plain, Streams.decrypt(decryption, stored), "size " + size);
        }
    }

    @Test
    void encryptionStreamsInsteadOfBufferingThePayload() throws IOException {
        AgeCli age = new AgeCli(dir);
        AgeCli.Key key = age.keygen("key.txt");
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        byte[] chunk = Streams.payload(1 << 20, 6);
        OutputStream out = Encryptions.age(List.of(key.publicKey())).encrypt(stored);
        out.write(chunk);
        out.write(chunk);
        // Before close, all but the last 64 KiB chunk must already have gone out.
        assertTrue(stored.size() > (2 << 20) - (1 << 17), "only " + stored.size() + " bytes written before close");
        out.close();
    }
}
