package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The old key is lost after a reset: retire the backups the new key cannot open, after a proven fresh one. */
class RetireUnopenableTest {
    static final String OLD = "PRAGMA key = 'forgotten key';";

    @TempDir
    Path dir;

    @Test
    void threeOldKeyBackupsAreRetiredOnlyWithYesAndAfterAVerifiedFreshBackup() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch")).env("OLD_KEY", "forgotten key").env("NEW_KEY", "new key");
        String oldSpec = "sqlcipher:" + db + "?key-env=OLD_KEY&legacy=3";
        SqlcipherShell.query(db, OLD, "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('one');");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, cli.run("backup", oldSpec, "--repo", repo.toString()).exit());
            Thread.sleep(1100); // one-second ids
        }
        SqlcipherShell.query(db, OLD, "PRAGMA rekey = 'new key';");
        String newSpec = "sqlcipher:" + db + "?key-env=NEW_KEY&legacy=3";
        assertEquals(0, cli.run("backup", newSpec, "--repo", repo.toString()).exit());
        assertEquals(List.of("other key", "other key", "other key", "opens"), RekeyTest.keyColumn(cli, repo,
                "NEW_KEY"));

        Cli.Result asked = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--retire-unopenable",
                "--new-key-env", "NEW_KEY");
        assertEquals(ExitCode.NOT_CONFIRMED.code(), asked.exit(), asked.toString());
        assertEquals(3, asked.out().lines().filter(l -> l.startsWith("unopenable ")).count(), asked.out());
        assertTrue(asked.err().contains("nothing was deleted"), asked.err());
        assertEquals(4, RekeyTest.ids(cli, repo).size(), "without --yes nothing is deleted");

        Cli.Result retired = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--retire-unopenable",
                "--new-key-env", "NEW_KEY", "--yes");
        assertEquals(0, retired.exit(), retired.toString());
        assertTrue(retired.out().contains("under the new key, verified"), retired.out());
        assertEquals(3, retired.out().lines().filter(l -> l.startsWith("deleted ")).count(), retired.out());
        assertEquals(List.of("opens", "opens"), RekeyTest.keyColumn(cli, repo, "NEW_KEY"));
        Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString(), "--key-env", "NEW_KEY");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(2, verify.out().lines().filter(l -> l.startsWith("verified")).count(), verify.out());

        Cli.Result nothingLeft = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--retire-unopenable",
                "--new-key-env", "NEW_KEY");
        assertEquals(0, nothingLeft.exit(), nothingLeft.toString());
        assertTrue(nothingLeft.out().contains("nothing to retire"), nothingLeft.out());
    }
}
