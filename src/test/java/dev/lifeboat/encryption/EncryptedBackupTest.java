package dev.lifeboat.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.GpgCli;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted backups through the real command line, checked against the stock age, gpg, zstd and sqlite3. */
class EncryptedBackupTest {
    private static final Map<String, Long> COUNTS = Map.of("customers", 800L, "orders", 266L);
    private static final String PASSPHRASE = "correct horse battery staple 4711";

    @TempDir
    Path dir;
    Path db;
    Path repo;
    Cli cli;
    AgeCli age;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("app.db");
        repo = dir.resolve("repo");
        cli = new Cli(dir.resolve("scratch"));
        age = new AgeCli(Files.createDirectories(dir.resolve("keys")));
        TestDatabases.walWithUncheckpointedRows(db, 800).close();
    }

    private Manifest backup(String... options) throws Exception {
        String[] args = Stream.concat(Stream.of("backup", db.toString(), "--repo", repo.toString(), "--json"),
                Stream.of(options)).toArray(String[]::new);
        Cli.Result result = cli.run(args);
        assertEquals(0, result.exit(), result.toString());
        return result.manifest();
    }

    private Path object(Manifest m) {
        return repo.resolve("backups").resolve(m.id()).resolve(m.object());
    }

    @Test
    void backupsAreEncryptedByDefaultAndTheRefusalSaysHowToMakeAKey() {
        Cli.Result refused = cli.run("backup", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.USAGE.code(), refused.exit(), refused.toString());
        assertTrue(refused.err().contains("age-keygen -o key.txt"), refused.err());
        assertTrue(refused.err().contains("--no-encrypt"), refused.err());
        assertFalse(Files.exists(repo), "nothing is written");
    }

    @Test
    void ageBackupRestoresWithStockToolsAndLifeboatAndPinsItsRecipients() throws Exception {
        AgeCli.Key key = age.keygen("ops");
        Manifest m = backup("--recipient", key.publicKey());
        assertEquals("snapshot.sqlite.zst.age", m.object());
        assertEquals(new Manifest.EncryptionInfo("age", List.of(key.publicKey())), m.encryption());

        Path plain = dir.resolve("by-hand.db");
        Tools.ok("sh", "-c", "age -d -i '" + key.file() + "' '" + object(m) + "' | zstd -d > '" + plain + "'");
        assertEquals(COUNTS, TestDatabases.counts(plain));

        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", restored.toString(),
                "--identity-file", key.file().toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("age decryption and zstd decompression"), restore.out());
        assertEquals(COUNTS, TestDatabases.counts(restored));

        Cli.Result cat = cli.env("OPS_IDENTITY", Files.readString(key.file()))
                .run("cat", "latest", "--repo", repo.toString(), "--identity-env", "OPS_IDENTITY");
        assertEquals(0, cat.exit(), cat.toString());
        assertArrayEquals(Files.readAllBytes(plain), cat.stdout());

        Manifest second = backup();
        assertEquals(m.encryption(), second.encryption(), "the repository pinned the recipients");
        Cli.Result plainRefused = cli.run("backup", db.toString(), "--repo", repo.toString(), "--no-encrypt");
        assertEquals(ExitCode.USAGE.code(), plainRefused.exit());
        assertTrue(plainRefused.err().contains("keeps its backups encrypted"), plainRefused.err());
    }

    @Test
    void wrongOrMissingKeysFailClearlyAndLeaveTheTargetAlone() throws Exception {
        AgeCli.Key right = age.keygen("right");
        AgeCli.Key wrong = age.keygen("wrong");
        backup("--recipient", right.publicKey());
        Path target = dir.resolve("live.db");
        TestDatabases.walWithUncheckpointedRows(target, 3).close();
        byte[] before = Files.readAllBytes(target);

        Cli.Result wrongKey = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes", "--identity-file", wrong.file().toString());
        assertEquals(ExitCode.KEY.code(), wrongKey.exit(), wrongKey.toString());
        assertTrue(wrongKey.err().contains("this backup is encrypted for " + right.publicKey()
                + "; the identity you gave is " + wrong.publicKey()), wrongKey.err());
        Cli.Result noKey = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(ExitCode.KEY.code(), noKey.exit());
        assertTrue(noKey.err().contains("encrypted with age; give the key"), noKey.err());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(1, cli.run("list", "--repo", repo.toString()).out().lines().count() - 1, "no safety backup");
    }

    /**
     * {@code --ask-passphrase} on a real pseudo-terminal ({@code script}, fed from stdin): the backup
     * asks twice, {@code age -d} opens the object with the passphrase typed, and verify asks once.
     */
    @Test
    void askPassphrasePromptsOnTheTerminalAndAgeDecryptsWithWhatWasTyped() throws Exception {
        String lifeboat = "LIFEBOAT_STATE_DIR='" + dir.resolve("state") + "' LIFEBOAT_SCRATCH_DIR='"
                + dir.resolve("scratch") + "' '" + Path.of("lifeboat").toAbsolutePath() + "' ";
        String backup = lifeboat + "backup '" + db + "' --repo '" + repo + "' --ask-passphrase";
        dev.lifeboat.crypto.Cli.Result mismatch = onTerminal(backup, PASSPHRASE + "\nnot the same\n");
        assertEquals(ExitCode.USAGE.code(), mismatch.exit());
        assertTrue(text(mismatch).contains("the two passphrases differ; try again"), text(mismatch));
        assertFalse(Files.exists(repo.resolve("backups")), "nothing stored after a mismatch");

        dev.lifeboat.crypto.Cli.Result typed = onTerminal(backup, PASSPHRASE + "\n" + PASSPHRASE + "\n");
        assertEquals(0, typed.exit(), text(typed));
        assertTrue(text(typed).contains("Passphrase: ") && text(typed).contains("Repeat the passphrase: "),
                text(typed));

        Manifest m = Json.read(Files.readAllBytes(only(repo.resolve("backups")).resolve("manifest.json")),
                Manifest.class);
        assertEquals(new Manifest.EncryptionInfo("age", List.of("scrypt")), m.encryption());
        Path compressed = dir.resolve("by-hand.db.zst");
        assertEquals(0, age.decryptWithPassphrase(PASSPHRASE, object(m), compressed).exit());
        Path plain = dir.resolve("by-hand.db");
        Tools.ok("sh", "-c", "zstd -d -c '" + compressed + "' > '" + plain + "'");
        assertEquals(COUNTS, TestDatabases.counts(plain));

        dev.lifeboat.crypto.Cli.Result verify = onTerminal(lifeboat + "verify latest --repo '" + repo
                + "' --ask-passphrase", PASSPHRASE + "\n");
        assertEquals(0, verify.exit(), text(verify));
    }

    private dev.lifeboat.crypto.Cli.Result onTerminal(String command, String typed) {
        return new dev.lifeboat.crypto.Cli(dir).onTerminal(command, typed);
    }

    private static String text(dev.lifeboat.crypto.Cli.Result result) {
        return new String(result.stdout(), StandardCharsets.UTF_8) + result.stderr();
    }

    private static Path only(Path folder) throws Exception {
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> all = entries.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    @Test
    void passphraseBackupsRestoreAndWrongOrMissingPassphrasesFailClearly() throws Exception {
        cli.env("BACKUP_PASSPHRASE", PASSPHRASE).env("OTHER_PASSPHRASE", "not the passphrase");
        Manifest m = backup("--passphrase-env", "BACKUP_PASSPHRASE");
        assertEquals(new Manifest.EncryptionInfo("age", List.of("scrypt")), m.encryption());
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", restored.toString(),
                "--passphrase-env", "BACKUP_PASSPHRASE");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(COUNTS, TestDatabases.counts(restored));

        Cli.Result wrong = cli.run("verify", "latest", "--repo", repo.toString(), "--passphrase-env", "OTHER_PASSPHRASE");
        assertEquals(ExitCode.KEY.code(), wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("the passphrase does not open this backup"), wrong.err());
        Cli.Result unset = cli.run("verify", "latest", "--repo", repo.toString(), "--passphrase-env", "NOT_SET_VAR");
        assertEquals(ExitCode.KEY.code(), unset.exit());
        assertTrue(unset.err().contains("environment variable NOT_SET_VAR is not set"), unset.err());
        Cli.Result pinned = cli.run("backup", db.toString(), "--repo", repo.toString());
        assertEquals(ExitCode.USAGE.code(), pinned.exit());
        assertTrue(pinned.err().contains("encrypted with a passphrase; give --passphrase-env VAR"), pinned.err());
    }

    @Test
    void secretsNeverReachOutputManifestsRepositoryOrCatalog() throws Exception {
        AgeCli.Key key = age.keygen("ops");
        String identity = Files.readAllLines(key.file()).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-"))
                .findFirst().orElseThrow();
        cli.env("BACKUP_PASSPHRASE", PASSPHRASE).env("OPS_IDENTITY", identity);
        StringBuilder output = new StringBuilder();
        Path passRepo = dir.resolve("pass-repo");
        for (String[] args : new String[][] {
                {"backup", db.toString(), "--repo", passRepo.toString(), "--passphrase-env", "BACKUP_PASSPHRASE", "--json"},
                {"verify", "all", "--repo", passRepo.toString(), "--passphrase-env", "BACKUP_PASSPHRASE", "--json"},
                {"verify", "all", "--repo", passRepo.toString(), "--passphrase-env", "OPS_IDENTITY"},
                {"backup", db.toString(), "--repo", repo.toString(), "--recipient", key.publicKey(), "--json"},
                {"restore", "latest", "--repo", repo.toString(), "--to", db.toString(), "--yes", "--identity-env",
                        "OPS_IDENTITY", "--json"},
                {"verify", "all", "--repo", repo.toString(), "--identity-env", "OPS_IDENTITY", "--json"},
                {"verify", "all", "--repo", repo.toString(), "--identity-env", "BACKUP_PASSPHRASE"},
                {"history", "--json"}}) {
            Cli.Result result = cli.run(args);
            output.append(result.out()).append(result.err());
        }
        assertTrue(output.toString().contains("the passphrase does not open this backup"), output.toString());
        assertTrue(output.toString().contains("is not an age X25519 identity"), output.toString());
        assertFalse(output.toString().contains("unexpected"), output.toString());
        assertFalse(output.toString().contains(PASSPHRASE), output.toString());
        assertFalse(output.toString().contains(identity.substring(15, 40)), output.toString());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(dir.resolve("keys")))
                    .toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(PASSPHRASE), "passphrase in " + file);
                assertFalse(content.contains(identity.substring(15, 40)), "identity in " + file);
            }
        }
    }

    @Test
    void tamperedOrTruncatedEncryptedObjectsAreRefused() throws Exception {
        AgeCli.Key key = age.keygen("ops");
        Manifest m = backup("--recipient", key.publicKey());
        byte[] bytes = Files.readAllBytes(object(m));
        bytes[bytes.length / 2] ^= 0x04;
        Files.write(object(m), bytes);
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString(), "--identity-file",
                key.file().toString());
        assertEquals(ExitCode.INTEGRITY.code(), verify.exit(), verify.toString());
        assertTrue(verify.err().contains("corrupted or tampered"), verify.err());
        Files.write(object(m), java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        Cli.Result cat = cli.run("cat", m.id(), "--repo", repo.toString(), "--identity-file", key.file().toString());
        assertEquals(ExitCode.INTEGRITY.code(), cat.exit(), cat.toString());
        Path target = dir.resolve("new.db");
        assertEquals(ExitCode.INTEGRITY.code(), cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                target.toString(), "--identity-file", key.file().toString()).exit());
        assertFalse(Files.exists(target));
    }

    @Test
    void openPgpBackupDecryptsWithGpgAndRestoresWithAKeyOnStdin() throws Exception {
        try (GpgCli gpg = new GpgCli(Files.createDirectories(dir.resolve("gpg")))) {
            String fingerprint = gpg.generate(GpgCli.Kind.CURVE25519, "ops@example.org", PASSPHRASE);
            Path publicKey = dir.resolve("ops.asc");
            Files.write(publicKey, gpg.exportPublic(fingerprint, true));
            Manifest m = backup("--pgp-public-key", publicKey.toString());
            assertEquals("openpgp", m.encryption().scheme());
            assertEquals("snapshot.sqlite.zst.gpg", m.object());

            Path compressed = dir.resolve("by-hand.zst");
            assertEquals(0, gpg.decrypt(object(m), compressed, PASSPHRASE).exit());
            Path plain = dir.resolve("by-hand.db");
            Tools.ok("sh", "-c", "zstd -d -c '" + compressed + "' > '" + plain + "'");
            assertEquals(COUNTS, TestDatabases.counts(plain));

            Path target = dir.resolve("live.db");
            TestDatabases.walWithUncheckpointedRows(target, 3).close();
            byte[] secretKey = gpg.exportSecret(fingerprint, PASSPHRASE, true);
            Cli.Result restore = cli.env("KEY_PASSPHRASE", PASSPHRASE).runWithStdin(secretKey, "restore", "latest",
                    "--repo", repo.toString(), "--to", target.toString(), "--name", "app", "--yes",
                    "--pgp-private-key-stdin", "--passphrase-env", "KEY_PASSPHRASE");
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(COUNTS, TestDatabases.counts(target));

            String safetyId = restore.out().lines().filter(l -> l.contains("pre-restore backup")).findFirst()
                    .orElseThrow().replaceAll(".*pre-restore backup (\\S+) .*", "$1");
            Manifest safety = Json.read(Files.readAllBytes(repo.resolve("backups").resolve(safetyId)
                    .resolve("manifest.json")), Manifest.class);
            assertEquals(m.encryption(), safety.encryption(), "the safety backup is readable by the same key");
            Cli.Result wrongPassphrase = cli.env("KEY_PASSPHRASE", "not it").runWithStdin(secretKey, "verify",
                    safetyId, "--repo", repo.toString(), "--pgp-private-key-stdin", "--passphrase-env", "KEY_PASSPHRASE");
            assertEquals(ExitCode.KEY.code(), wrongPassphrase.exit());
            assertTrue(wrongPassphrase.err().contains("the passphrase does not unlock"), wrongPassphrase.err());
        }
    }
}
