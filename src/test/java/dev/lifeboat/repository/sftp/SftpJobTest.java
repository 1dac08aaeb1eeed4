package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.DaemonLog;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose repository is an SFTP server, logging in with a passphrase-protected key whose file
 * and passphrase come from the environment, as a daemon has them: backup, verification and
 * restore through the job, and the job's hook never sees the passphrase; and the same job run by
 * the daemon in its own process on its schedule.
 */
class SftpJobTest {
    private static final String PASSPHRASE = "job-key-passphrase-not-for-hooks";

    @TempDir
    Path dir;

    @Test
    void aJobBacksUpToSftpVerifiesAndRestoresWithAProtectedKeyFromTheEnvironment() throws Exception {
        try (InJvmSftpServer server = new InJvmSftpServer()) {
            Path key = InJvmSftpServer.writeKey(dir.resolve("job_ed25519"), server.clientKey(), PASSPHRASE);
            Path db = dir.resolve("shop.db");
            Path hookEnv = dir.resolve("hook.env");
            String repo = server.url("jobs/shop");
            Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                    jobs:
                      shop:
                        source: %s
                        repositories: [ "%s" ]
                        encryption: none
                        hooks:
                          env: [ LIFEBOAT_SFTP_KEY_FILE ]
                          after-backup: "env > %s"
                    """.formatted(db, repo, hookEnv));
            Cli cli = new Cli(dir.resolve("scratch"));
            server.env().forEach(cli::env);
            cli.env(SftpIdentities.KEY_FILE, key.toString()).env(SftpIdentities.PASSPHRASE, PASSPHRASE);

            try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 150)) {
                Cli.Result backup = cli.run("run", "shop", "--config", config.toString());
                assertEquals(0, backup.exit(), backup.toString());
                Cli.Result verify = cli.run("run", "shop", "--config", config.toString(), "--verify");
                assertEquals(0, verify.exit(), verify.toString());
            }
            Cli.Result list = cli.run("list", "--repo", repo);
            assertEquals(2, list.out().lines().count(), list.toString());
            assertTrue(Files.isRegularFile(server.files().resolve("jobs/shop/lifeboat-repository.json")));

            Path restored = dir.resolve("restored.db");
            Cli.Result restore = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--to",
                    restored.toString());
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(150L, TestDatabases.counts(restored).get("customers"));

            String seen = Files.readString(hookEnv);
            assertTrue(seen.contains(SftpIdentities.KEY_FILE + "=" + key), "the hook got what it asked for: " + seen);
            assertFalse(seen.contains(PASSPHRASE) || seen.contains(SftpIdentities.PASSPHRASE), seen);

            Cli.Result wrong = cli.env(SftpIdentities.PASSPHRASE, "not the passphrase")
                    .run("run", "shop", "--config", config.toString());
            assertEquals(ExitCode.REPOSITORY.code(), wrong.exit(), wrong.toString());
            assertTrue(wrong.toString().contains("wrong passphrase"), wrong.toString());
            assertFalse(wrong.toString().contains("not the passphrase"), "a passphrase is never printed: " + wrong);
        }
    }

    @Test
    void theDaemonBacksUpToSftpOnItsScheduleAndVerifies() throws Exception {
        try (InJvmSftpServer server = new InJvmSftpServer()) {
            Path key = InJvmSftpServer.writeKey(dir.resolve("daemon_ed25519"), server.clientKey(), PASSPHRASE);
            Path db = dir.resolve("shop.db");
            TestDatabases.walWithUncheckpointedRows(db, 120).close();
            String repo = server.url("daemon/shop");
            Path config = Files.writeString(dir.resolve("daemon.yaml"), """
                    jobs:
                      shop:
                        source: %s
                        repositories:
                          - url: "%s"
                            retention: { keep-last: 2 }
                        encryption: none
                        schedule: "* * * * * *"
                        verify: "*/2 * * * * *"
                    """.formatted(db, repo));
            Map<String, String> env = new HashMap<>(server.env());
            env.put(SftpIdentities.KEY_FILE, key.toString());
            env.put(SftpIdentities.PASSPHRASE, PASSPHRASE);
            env.put("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
            Path log = dir.resolve("daemon.log");
            Process daemon = ChildJvm.start(env, log, "daemon", "--config", config.toString());
            try {
                DaemonLog.awaitCount(log, "\"task\":\"backup\",\"trigger\":\"schedule\",\"status\":\"COMPLETED\"", 2);
                DaemonLog.await(log, Pattern.compile("\"task\":\"verify\",\"trigger\":\"schedule\",\"status\":\"COMPLETED\""));
            } finally {
                assertEquals(0, DaemonLog.stop(daemon, log), Files.readString(log));
            }
            String output = Files.readString(log);
            assertFalse(output.contains(PASSPHRASE), "a passphrase is never logged");
            Cli cli = new Cli(dir.resolve("cli-scratch"));
            server.env().forEach(cli::env);
            cli.env(SftpIdentities.KEY_FILE, key.toString()).env(SftpIdentities.PASSPHRASE, PASSPHRASE);
            Cli.Result list = cli.run("list", "--repo", repo);
            assertEquals(0, list.exit(), list.toString());
            // oldest first; the newest verified backup is a safety rail that retention never removes, so a
            // third one stays when the only verification so far ran on the oldest
            List<String> rows = list.out().lines().filter(l -> l.matches("^\\d{8}T.*")).toList();
            boolean oldestIsTheVerified = rows.size() == 3 && rows.get(0).matches(".*\\sverified \\d{4}-.*");
            assertTrue(rows.size() >= 1 && rows.size() <= 2 || oldestIsTheVerified,
                    "retention keeps the last 2 and the newest verified: " + list + "\n" + output);
        }
    }
}
