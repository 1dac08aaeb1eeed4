package dev.lifeboat.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks around real backups and restores. Each hook writes its environment to a file, the way
 * {@code docker compose stop/start} would act on the world.
 */
class HooksTest {
    @TempDir
    Path dir;
    Path db;
    Path repo;
    Path config;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("shop.db");
        repo = dir.resolve("repo");
        cli = new Cli(dir.resolve("scratch"));
        TestDatabases.walWithUncheckpointedRows(db, 300).close();
    }

    @Test
    void restoreHooksRunAroundASuccessfulRestore() throws Exception {
        writeConfig("env > %s/before.env".formatted(dir), "env > %s/after.env".formatted(dir));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        Cli.Result restored = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        assertEquals(0, restored.exit(), restored.toString());
        String before = Files.readString(dir.resolve("before.env"));
        assertTrue(before.contains("LIFEBOAT_HOOK=before-restore") && before.contains("LIFEBOAT_JOB=shop"), before);
        assertTrue(before.contains("LIFEBOAT_TARGET=" + db), before);
        String after = Files.readString(dir.resolve("after.env"));
        assertTrue(after.contains("LIFEBOAT_STATUS=COMPLETED"), after);
        assertTrue(after.matches("(?s).*LIFEBOAT_BACKUP_ID=\\d{8}T\\d{6}Z-.*"), after);
    }

    @Test
    void theAfterHookRunsWhenTheRestoreFailsAndTheBeforeHookNeverSawADamagedBackup() throws Exception {
        writeConfig("touch %s/before-ran".formatted(dir), "env > %s/after.env".formatted(dir));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
            Path object = files.filter(p -> p.getFileName().toString().startsWith("snapshot")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(object);
            bytes[bytes.length / 2] ^= 0x55;
            Files.write(object, bytes);
        }
        String digest = TestDatabases.contentDigest(db);
        Cli.Result failed = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        assertEquals(ExitCode.INTEGRITY.code(), failed.exit(), failed.toString());
        assertFalse(Files.exists(dir.resolve("before-ran")), "the application is not stopped for a damaged backup");
        String after = Files.readString(dir.resolve("after.env"));
        assertTrue(after.contains("LIFEBOAT_STATUS=FAILED"), after);
        assertTrue(after.contains("LIFEBOAT_ERROR="), after);
        assertEquals(digest, TestDatabases.contentDigest(db));
    }

    @Test
    void aFailingBeforeRestoreHookTouchesNothingAndTheAfterHookStillRuns() throws Exception {
        writeConfig("echo cannot stop the bot; exit 3", "env > %s/after.env".formatted(dir));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        try (Connection conn = TestDatabases.open(db)) {
            TestDatabases.insertCustomers(conn, 10_000, 50);
        }
        String digest = TestDatabases.contentDigest(db);
        Cli.Result result = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--yes");
        assertEquals(ExitCode.FAILURE.code(), result.exit(), result.toString());
        assertTrue(result.err().contains("before-restore hook failed (exit 3: cannot stop the bot), so nothing was"
                + " done"), result.err());
        assertEquals(digest, TestDatabases.contentDigest(db), "the target is untouched");
        assertTrue(Files.readString(dir.resolve("after.env")).contains("LIFEBOAT_STATUS=FAILED"));
        Cli.Result list = cli.run("list", "--repo", repo.toString());
        assertFalse(list.out().contains("pre-restore"), "no safety backup was even taken: " + list.out());
    }

    @Test
    void backupHooksGetTheOutcomeAndAFailingOrSlowBeforeHookStopsTheBackup() throws Exception {
        config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                    hooks:
                      before-backup: { command: "sleep 5", timeout: 300ms }
                      after-backup: "env > %s/after.env"
                """.formatted(db, repo, dir));
        Cli.Result slow = cli.run("run", "shop", "--config", config.toString());
        assertEquals(ExitCode.FAILURE.code(), slow.exit(), slow.toString());
        assertTrue(slow.err().contains("before-backup hook did not finish within 300ms and was killed"), slow.err());
        assertFalse(Files.exists(repo.resolve("backups")), "no backup was made");
        assertTrue(Files.readString(dir.resolve("after.env")).contains("LIFEBOAT_STATUS=FAILED"));
        Cli.Result history = cli.run("history", "--name", "shop");
        assertTrue(history.out().contains("FAILED"), "the failed run is in the catalog: " + history.out());

        Files.writeString(config, Files.readString(config).replace("{ command: \"sleep 5\", timeout: 300ms }",
                "\"test -n \\\"$LIFEBOAT_SOURCE\\\"\""));
        Cli.Result ok = cli.run("backup", "--job", "shop", "--config", config.toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().startsWith("backup of shop COMPLETED"), ok.out());
        String after = Files.readString(dir.resolve("after.env"));
        assertTrue(after.contains("LIFEBOAT_STATUS=COMPLETED") && after.contains("LIFEBOAT_TASK=backup"), after);
        assertTrue(after.contains("LIFEBOAT_TRIGGER=manual"), after);
    }

    private void writeConfig(String before, String after) throws Exception {
        config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                    hooks:
                      before-restore: "%s"
                      after-restore: "%s"
                """.formatted(db, repo, before, after));
    }
}
