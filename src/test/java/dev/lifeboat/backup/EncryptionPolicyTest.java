package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one encryption policy, on real folder repositories: pins are honoured and never weakened,
 * nothing said means the pin, and a new repository is pinned by its first encrypted backup.
 */
class EncryptionPolicyTest {
    @TempDir
    Path dir;
    private AgeCli.Key key;
    private AgeCli.Key other;
    private Repository pinned;
    private Repository fresh;

    @BeforeEach
    void setUp() throws Exception {
        AgeCli age = new AgeCli(dir);
        key = age.keygen("key");
        other = age.keygen("other");
        pinned = Repositories.folder(dir.resolve("pinned"));
        pinned.pinEncryption(new Manifest.EncryptionInfo("age", List.of(key.publicKey())));
        fresh = Repositories.folder(dir.resolve("fresh"));
    }

    @AfterEach
    void tearDown() {
        pinned.close();
        fresh.close();
    }

    @Test
    void nothingSaidUsesThePinAndWithoutOneIsRefused() throws Exception {
        Encryption fromPin = EncryptionPolicy.resolve(new EncryptionRequest.FromPins(), List.of(fresh, pinned), false);
        assertEquals("age", fromPin.scheme());
        assertEquals(List.of(key.publicKey()), fromPin.recipients());

        LifeboatException refused = assertThrows(LifeboatException.class, () -> EncryptionPolicy.resolve(
                new EncryptionRequest.FromPins(), List.of(fresh), false));
        assertEquals(ExitCode.USAGE, refused.exitCode());
        assertTrue(refused.getMessage().startsWith("backups are encrypted by default: make a key with"),
                refused.getMessage());
        assertEquals(Encryption.NONE, EncryptionPolicy.resolve(new EncryptionRequest.FromPins(), List.of(fresh),
                true), "an SQLCipher snapshot is encrypted already");
    }

    @Test
    void noEncryptionIsRefusedWhereAnyRepositoryPinsOne() throws Exception {
        LifeboatException refused = assertThrows(LifeboatException.class, () -> EncryptionPolicy.resolve(
                new EncryptionRequest.None(), List.of(fresh, pinned), false));
        assertEquals(ExitCode.USAGE, refused.exitCode());
        assertEquals("repository " + pinned.location() + " keeps its backups encrypted (age); use another repository"
                + " for unencrypted backups", refused.getMessage());
        assertEquals(Encryption.NONE, EncryptionPolicy.resolve(new EncryptionRequest.None(), List.of(fresh), false));
    }

    @Test
    void anExplicitKeyIsUsedAsGivenAndAPassphrasePinAsksForThePassphrase() throws Exception {
        Encryption given = EncryptionPolicy.resolve(new EncryptionRequest.Age(List.of(other.publicKey())),
                List.of(pinned), false);
        assertEquals(List.of(other.publicKey()), given.recipients(), "a new key is no weaker than the pin");

        fresh.pinEncryption(new Manifest.EncryptionInfo("age", List.of("scrypt")));
        LifeboatException refused = assertThrows(LifeboatException.class, () -> EncryptionPolicy.resolve(
                new EncryptionRequest.FromPins(), List.of(fresh), false));
        assertEquals(ExitCode.USAGE, refused.exitCode());
        assertTrue(refused.getMessage().contains("encrypted with a passphrase; give --passphrase-env VAR"),
                refused.getMessage());
    }

    @Test
    void theFirstEncryptedBackupPinsANewRepositoryOnce() throws Exception {
        Manifest.EncryptionInfo encryption = new Manifest.EncryptionInfo("age", List.of(other.publicKey()));
        Manifest stored = realBackup("elsewhere", new EncryptionRequest.Age(List.of(other.publicKey())));
        Optional<String> note = EncryptionPolicy.pinAfterBackup(fresh, stored);
        assertTrue(note.orElseThrow().startsWith(fresh.location() + " now keeps its backups encrypted (age for "
                + other.publicKey() + ")"), note.toString());
        assertEquals(Optional.of(encryption), fresh.pinnedEncryption());
        assertEquals(Optional.empty(), EncryptionPolicy.pinAfterBackup(fresh, stored), "pinned once");
        assertEquals(Optional.empty(), EncryptionPolicy.pinAfterBackup(pinned, stored), "a pin is never replaced");
        assertEquals(List.of(key.publicKey()), pinned.pinnedEncryption().orElseThrow().recipients());

        Repository plain = Repositories.folder(dir.resolve("plain"));
        assertEquals(Optional.empty(), EncryptionPolicy.pinAfterBackup(plain,
                realBackup("elsewhere-plain", new EncryptionRequest.None())), "an unencrypted backup pins nothing");
        assertEquals(Optional.empty(), plain.pinnedEncryption());
    }

    /** A real backup's manifest, made by the backup service into a repository of its own. */
    private Manifest realBackup(String repository, EncryptionRequest encryption) throws Exception {
        Path db = dir.resolve(repository + ".db");
        try (ServiceFixture parts = new ServiceFixture(dir.resolve(repository + "-parts"));
             java.sql.Connection app = TestDatabases.walWithUncheckpointedRows(db, 5)) {
            return parts.backUp(db, dir.resolve(repository), "app", encryption);
        }
    }
}
