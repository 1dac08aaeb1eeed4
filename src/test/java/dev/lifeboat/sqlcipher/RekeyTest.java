package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PlaintextWatch;
import dev.lifeboat.testing.SqlcipherShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After the application's key changes, one command moves every backup to the new key. */
class RekeyTest {
    static final String MARKER = "PLAINTEXT-MARKER-rekey-51d2";
    static final String OLD = "PRAGMA key = 'old key';";
    static final String NEW = "PRAGMA key = 'new key';";

    @TempDir
    Path dir;

    @Test
    void afterRekeyTheNewKeyOpensEveryBackupAndTheOldKeyNone() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch")).env("OLD_KEY", "old key").env("NEW_KEY", "new key");
        String oldSpec = "sqlcipher:" + db + "?key-env=OLD_KEY&legacy=3";
        SqlcipherShell.query(db, OLD, "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('" + MARKER + "');");
        assertEquals(0, cli.run("backup", oldSpec, "--repo", repo.toString()).exit());
        SqlcipherShell.query(db, OLD, "INSERT INTO notes VALUES ('" + MARKER + " 2');");
        assertEquals(0, cli.run("backup", oldSpec, "--repo", repo.toString()).exit());
        Cli.Result safety = cli.run("restore", "latest", "--repo", repo.toString(), "--to", oldSpec, "--yes");
        assertEquals(0, safety.exit(), safety.toString());
        assertEquals(List.of("opens", "opens", "opens"), keyColumn(cli, repo, "OLD_KEY"));

        SqlcipherShell.query(db, OLD, "PRAGMA rekey = 'new key';");
        try (PlaintextWatch watch = new PlaintextWatch(MARKER, List.of(dir))) {
            Cli.Result rekey = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--old-key-env", "OLD_KEY",
                    "--new-key-env", "NEW_KEY");
            assertEquals(0, rekey.exit(), rekey.toString());
            assertEquals(3, rekey.out().lines().filter(l -> l.contains("re-keyed as")).count(), rekey.out());
            watch.close();
            assertEquals(Set.of(), watch.hits(), "re-keying never wrote plaintext");
        }
        assertEquals(List.of("opens", "opens", "opens"), keyColumn(cli, repo, "NEW_KEY"));
        assertEquals(List.of("other key", "other key", "other key"), keyColumn(cli, repo, "OLD_KEY"));

        Cli.Result verifyNew = cli.run("verify", "all", "--repo", repo.toString(), "--key-env", "NEW_KEY");
        assertEquals(0, verifyNew.exit(), verifyNew.toString());
        assertEquals(3, verifyNew.out().lines().filter(l -> l.startsWith("verified")).count(), verifyNew.out());
        Cli.Result verifyOld = cli.run("verify", "all", "--repo", repo.toString(), "--key-env", "OLD_KEY");
        assertEquals(11, verifyOld.exit(), "a wrong key is its own failure, not a failed backup: " + verifyOld);
        assertTrue(verifyOld.err().contains("does not open this backup"), verifyOld.err());

        // The stock sqlcipher shell agrees: each stored snapshot opens with the new key only.
        for (String id : ids(cli, repo)) {
            Cli.Result cat = cli.run("cat", id, "--repo", repo.toString());
            assertEquals(0, cat.exit(), cat.toString());
            Path copy = dir.resolve("cat-" + id + ".db");
            Files.write(copy, cat.stdout());
            assertTrue(SqlcipherShell.query(copy, NEW, "SELECT count(*) FROM notes;").matches("[12]"));
            assertTrue(SqlcipherShell.tryQuery(copy, OLD, "SELECT count(*) FROM notes;").exit() != 0);
        }
        Cli.Result again = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--old-key-env", "OLD_KEY",
                "--new-key-env", "NEW_KEY");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(3, again.out().lines().filter(l -> l.contains("already under the new key")).count(), again.out());
    }

    @Test
    void backupsThatNeitherKeyOpensAreReportedAndKept() throws Exception {
        Path db = dir.resolve("other.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch")).env("A", "key a").env("B", "key b").env("C", "key c");
        SqlcipherShell.query(db, "PRAGMA key = 'key a';", "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        assertEquals(0, cli.run("backup", "sqlcipher:" + db + "?key-env=A&legacy=3", "--repo", repo.toString()).exit());
        List<String> before = ids(cli, repo);
        Cli.Result rekey = cli.run("rekey-sqlcipher", "--repo", repo.toString(), "--old-key-env", "B",
                "--new-key-env", "C");
        assertEquals(6, rekey.exit(), rekey.toString());
        assertTrue(rekey.out().startsWith("FAILED") && rekey.out().contains("opened by neither key"), rekey.out());
        assertTrue(rekey.err().contains("could not be re-keyed") && rekey.err().contains("run rekey-sqlcipher again"),
                rekey.err());
        assertEquals(before, ids(cli, repo), "the backup is kept as it was");
        assertEquals(List.of("opens"), keyColumn(cli, repo, "A"));
    }

    static List<String> keyColumn(Cli cli, Path repo, String variable) {
        Cli.Result list = cli.run("list", "--repo", repo.toString(), "--key-env", variable);
        assertEquals(0, list.exit(), list.toString());
        return list.out().lines().skip(1)
                .map(l -> l.endsWith("other key") ? "other key" : l.substring(l.lastIndexOf(' ') + 1)).toList();
    }

    static List<String> ids(Cli cli, Path repo) {
        return cli.run("list", "--repo", repo.toString()).out().lines().skip(1).map(l -> l.split(" ")[0]).toList();
    }
}
