package dev.lifeboat.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --all}: every backup job of the config in one process, {@code --jobs} at a time, a
 * line per job, and the exit of the worst job; purge jobs are not run.
 */
class RunAllTest {
    private static final String KEY = "a key for run --all";
    @TempDir
    Path dir;

    /**
     * In a real process: two SQLite jobs whose before-backup hooks each wait for the other's to
     * start (so they pass only when run side by side), an SQLCipher job (its driver and plain
     * SQLite's in one process), a job whose database is missing, and a purge job that must not run.
     */
    @Test
    void everyBackupJobRunsSideBySideAndTheFailedOneDecidesTheExit() throws Exception {
        TestDatabases.walWithUncheckpointedRows(dir.resolve("one.db"), 100).close();
        TestDatabases.walWithUncheckpointedRows(dir.resolve("two.db"), 200).close();
        try (SqlcipherShell shell = SqlcipherShell.open(dir.resolve("cipher.db"), "PRAGMA key = '" + KEY + "';")) {
            shell.run("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('a'), ('b');");
        }
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  one:
                    source: %1$s/one.db
                    repositories: [ %1$s/repo-one ]
                    encryption: none
                    hooks: { before-backup: "%2$s" }
                  two:
                    source: %1$s/two.db
                    repositories: [ %1$s/repo-two ]
                    encryption: none
                    hooks: { before-backup: "%3$s" }
                  cipher:
                    source: sqlcipher:%1$s/cipher.db?key-env=APP_KEY&legacy=3
                    repositories: [ %1$s/repo-cipher ]
                    encryption: none
                  broken:
                    source: %1$s/missing.db
                    repositories: [ %1$s/repo-broken ]
                    encryption: none
                  gdpr:
                    kind: purge
                    source: %1$s/one.db
                    rules:
                      - { table: customers, column: created_at, older-than: 1d }
                """.formatted(dir, barrier("one", "two"), barrier("two", "one")));

        Path log = dir.resolve("run.log");
        Process run = ChildJvm.start(Map.of("APP_KEY", KEY, "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()),
                log, "run", "--all", "--jobs", "3", "--config", config.toString());
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        String output = Files.readString(log);
        assertEquals(ExitCode.SOURCE.code(), run.exitValue(), "the failed job's exit:\n" + output);
        for (String job : List.of("one", "two", "cipher")) {
            assertTrue(output.contains("backup of " + job + " COMPLETED: "), job + ":\n" + output);
        }
        assertTrue(output.contains("backup of broken FAILED: "), output);
        assertTrue(output.contains("4 jobs: 3 completed, 0 suspicious, 1 failed"), output);
        assertTrue(output.contains("lifeboat: 1 of 4 jobs failed, the first: backup of broken: database "), output);
        assertFalse(output.contains("gdpr"), "a purge job is not run by --all:\n" + output);
        assertEquals(100L, TestDatabases.counts(dir.resolve("one.db")).get("customers"), "nothing was purged");

        Cli cli = new Cli(dir.resolve("scratch")).env("APP_KEY", KEY);
        for (String job : List.of("one", "two", "cipher")) {
            Cli.Result list = cli.run("list", "--repo", dir.resolve("repo-" + job).toString());
            assertEquals(2, list.out().lines().count(), job + " has one backup: " + list.out());
        }
        assertFalse(Files.exists(dir.resolve("repo-broken")), "a failed first backup leaves no repository");
    }

    @Test
    void allGoodJobsExitZeroVerifyAllAndJsonLists() throws Exception {
        TestDatabases.walWithUncheckpointedRows(dir.resolve("one.db"), 10).close();
        TestDatabases.walWithUncheckpointedRows(dir.resolve("two.db"), 20).close();
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  one: { source: %1$s/one.db, repositories: [ %1$s/repo ], encryption: none }
                  two: { source: %1$s/two.db, repositories: [ %1$s/repo ], encryption: none }
                """.formatted(dir));
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.Result backups = cli.run("run", "--all", "--config", config.toString(), "--jobs", "2");
        assertEquals(0, backups.exit(), backups.toString());
        assertTrue(backups.out().contains("2 jobs: 2 completed, 0 suspicious, 0 failed"), backups.out());

        Cli.Result verify = cli.run("run", "--all", "--verify", "--config", config.toString(), "--json");
        assertEquals(0, verify.exit(), verify.toString());
        JsonNode outcomes = new ObjectMapper().readTree(verify.out()).get("outcomes");
        assertEquals(2, outcomes.size(), verify.out());
        assertEquals(List.of("one", "two"), List.of(outcomes.get(0).get("job").asText(),
                outcomes.get(1).get("job").asText()), "in the order of their names");
        outcomes.forEach(o -> assertEquals("COMPLETED", o.get("status").asText(), o.toString()));
        assertTrue(outcomes.get(0).get("task").asText().equalsIgnoreCase("verify"), outcomes.toString());

        Cli.assertOneLineFailure(cli.run("run", "--config", config.toString()), ExitCode.USAGE, "--all");
        Cli.assertOneLineFailure(cli.run("run", "one", "--all", "--config", config.toString()), ExitCode.USAGE,
                "not both");
        Cli.assertOneLineFailure(cli.run("run", "--all", "--dry-run", "--config", config.toString()), ExitCode.USAGE,
                "--dry-run");
        Cli.assertOneLineFailure(cli.run("run", "--all", "--jobs", "0", "--config", config.toString()),
                ExitCode.USAGE, "--jobs 0");
    }

    /** A hook that says it started, then waits (up to 30 s) until the other job's hook has started too. */
    private String barrier(String self, String other) {
        return "touch " + dir.resolve(self + ".started") + "; i=0; while [ ! -e " + dir.resolve(other + ".started")
                + " ]; do i=$((i+1)); [ $i -gt 300 ] && exit 1; sleep 0.1; done";
    }
}
