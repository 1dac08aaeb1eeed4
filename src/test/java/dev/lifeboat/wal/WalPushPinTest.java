package dev.lifeboat.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wal-push follows the repository pins as backups do: its first encrypted push pins a new
 * repository, and an unencrypted push into a pinned one is refused with the backups' message.
 */
class WalPushPinTest {
    @TempDir
    Path dir;

    @Test
    void theFirstEncryptedPushPinsTheRepositoryAndAPlainPushIsThenRefused() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global").resolve("pg_control"), new byte[] {1, 2, 3, 4, 5, 6, 7, 0});
        Path first = Files.writeString(data.resolve("pg_wal").resolve("000000010000000000000001"), "one".repeat(999));
        Path second = Files.writeString(data.resolve("pg_wal").resolve("000000010000000000000002"), "two".repeat(999));
        Path repo = dir.resolve("repo");
        AgeCli.Key key = new AgeCli(dir).keygen("key");
        Cli cli = new Cli(dir.resolve("scratch"));

        Cli.Result pushed = cli.run("wal-push", first.toString(), "--data-dir", data.toString(), "--repo",
                repo.toString(), "--recipient", key.publicKey());
        assertEquals(0, pushed.exit(), pushed.toString());
        try (Repository repository = Repositories.folder(repo)) {
            assertEquals(List.of(key.publicKey()), repository.pinnedEncryption().orElseThrow().recipients());
        }

        Cli.Result plain = cli.run("wal-push", second.toString(), "--data-dir", data.toString(), "--repo",
                repo.toString(), "--no-encrypt");
        assertEquals(2, plain.exit(), plain.toString());
        assertTrue(plain.err().contains("keeps its backups encrypted (age)"), plain.err());
        try (var stored = Files.walk(repo.resolve("wal"))) {
            List<String> names = stored.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("000000010000000000000001.json"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith("000000010000000000000002")),
                    "nothing of the refused push is stored: " + names);
        }
    }
}
