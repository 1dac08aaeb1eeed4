package dev.lifeboat.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure says what actually happened, with the exit code of its kind, the same on the
 * command line and in a job: one table, one row per line a user once found misleading.
 */
class HonestLinesTest {
    @TempDir
    static Path dir;
    static Path db;
    static Path repo;
    static Path identity;
    static Path stranger;
    static Cli cli;

    /** What to run, the exit code, and what the output must say (and, for failures, in one line). */
    record Row(String what, List<String> args, ExitCode exit, List<String> says) {
    }

    @BeforeAll
    static void anAgeBackup() throws Exception {
        db = dir.resolve("shop.db");
        repo = dir.resolve("repo");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        AgeCli age = new AgeCli(dir);
        AgeCli.Key owner = age.keygen("owner.txt");
        identity = owner.file();
        stranger = age.keygen("stranger.txt").file();
        cli = new Cli(dir.resolve("scratch")).env("EMPTY_DB_KEY", "");
        assertEquals(0, cli.run("backup", db.toString(), "--repo", repo.toString(), "--recipient", owner.publicKey())
                .exit());
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories:
                      - path: %s
                      - path: %s
                        optional: true
                    encryption: { recipients: [ %s ] }
                  strict:
                    source: %s
                    repositories: [ %s, %s ]
                    encryption: { recipients: [ %s ] }
                """.formatted(db, repo, notAFolder.resolve("offsite"), owner.publicKey(), db,
                dir.resolve("strict-repo"), notAFolder.resolve("required"), owner.publicKey()));
    }

    private static List<Row> table() {
        String config = dir.resolve("lifeboat.yaml").toString();
        return List.of(
                new Row("a wrong age identity is a key failure, not bad usage",
                        List.of("verify", "latest", "--repo", repo.toString(), "--identity-file", stranger.toString()),
                        ExitCode.KEY, List.of("this backup is encrypted for", "the identity you gave is")),
                new Row("no key at all is a key failure",
                        List.of("verify", "latest", "--repo", repo.toString()),
                        ExitCode.KEY, List.of("give the key to open it")),
                new Row("a missing identity file is a key failure",
                        List.of("verify", "latest", "--repo", repo.toString(), "--identity-file",
                                dir.resolve("nope.txt").toString()),
                        ExitCode.KEY, List.of("identity file", "does not exist")),
                new Row("an unset passphrase variable is a key failure",
                        List.of("verify", "latest", "--repo", repo.toString(), "--passphrase-env", "UNSET_VAR_9"),
                        ExitCode.KEY, List.of("UNSET_VAR_9 is not set")),
                new Row("a required repository that fails under run exits with the repository code",
                        List.of("run", "strict", "--config", config),
                        ExitCode.REPOSITORY, List.of("required")),
                new Row("an optional repository that missed the backup: success, and the copy command",
                        List.of("run", "shop", "--config", config),
                        ExitCode.OK, List.of("lifeboat copy ", "--to " + dir.resolve("plain-file").resolve("offsite"),
                                "to 1 repository")),
                new Row("an unknown backup id is not found, naming the way to see the backups",
                        List.of("restore", "no-such-backup", "--repo", repo.toString(), "--to",
                                dir.resolve("x.db").toString()),
                        ExitCode.NOT_FOUND, List.of("no backup no-such-backup", "lifeboat list")));
    }

    @Test
    void eachLineSaysWhatHappenedWithTheExitCodeOfItsKind() {
        for (Row row : table()) {
            Cli.Result result = cli.run(row.args().toArray(String[]::new));
            assertEquals(row.exit().code(), result.exit(), row.what() + ": " + result);
            String all = result.out() + result.err();
            for (String fragment : row.says()) {
                assertTrue(all.contains(fragment), row.what() + ": missing '" + fragment + "' in " + result);
            }
            assertFalse(all.contains("report it") || all.contains("unexpected "), row.what() + ": " + result);
            if (row.exit() != ExitCode.OK && !row.args().get(0).equals("run")) {
                assertEquals(1, result.err().lines().count(), row.what() + ": one line: " + result.err());
            }
        }
    }
}
