package dev.lifeboat.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.job.JobLocks;
import dev.lifeboat.job.JobOutcome;
import dev.lifeboat.job.Task;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.SqlcipherShell;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every line a user once found misleading, as one table: what to run, the exit code of its kind
 * (the same on the command line, under {@code run} and in a daemon's job record), what the
 * output must say and what it must never say. A failure is one line and never "unexpected …,
 * report it".
 */
class HonestLinesTest {
    private static final String DB_KEY = "honest db key";
    private static final String DB_KEY_PRAGMA = "PRAGMA key = 'honest db key';";

    @TempDir
    static Path dir;
    static Path db;
    static Path big;
    static Path repo;
    static Path bigRepo;
    static Path cipherRepo;
    static Path cipherDb;
    static Path identity;
    static Path stranger;
    static Tmpfs disk;
    static Cli cli;

    /** What a row runs: a command line, or a job in the daemon's machinery. */
    interface Run {
        Cli.Result run() throws Exception;
    }

    /**
     * @param says what the output (stdout and stderr) must hold
     * @param never what it must not hold, besides what no line may ever say
     */
    record Row(String what, Run run, ExitCode exit, List<String> says, List<String> never) {
    }

    @BeforeAll
    static void backups() throws Exception {
        db = dir.resolve("shop.db");
        repo = dir.resolve("repo");
        bigRepo = dir.resolve("big-repo");
        cipherRepo = dir.resolve("cipher-repo");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        AgeCli age = new AgeCli(dir);
        AgeCli.Key owner = age.keygen("owner.txt");
        identity = owner.file();
        stranger = age.keygen("stranger.txt").file();
        cli = new Cli(dir.resolve("scratch")).env("DB_KEY", DB_KEY).env("WRONG_DB_KEY", "not the key")
                .env("LIFEBOAT_LOCK_TIMEOUT", "1");
        assertEquals(0, cli.run("backup", db.toString(), "--repo", repo.toString(), "--recipient", owner.publicKey())
                .exit());

        // About 2 MiB of random bytes: more than the small disk holds, compressed or not.
        big = dir.resolve("big.db");
        try (Connection conn = TestDatabases.open(big); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE blobs(b BLOB)");
            st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
                    + " SELECT randomblob(4096) FROM n");
        }
        assertEquals(0, cli.run("backup", "--no-encrypt", big.toString(), "--repo", bigRepo.toString()).exit());
        disk = new Tmpfs(dir.resolve("small-disk"), "1m");
        TestDatabases.walWithUncheckpointedRows(disk.path().resolve("live.db"), 5).close();

        cipherDb = dir.resolve("secret.db");
        SqlcipherShell.query(cipherDb, DB_KEY_PRAGMA, "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('x');");
        assertEquals(0, cli.run("backup", "--no-encrypt", "sqlcipher:" + cipherDb + "?key-env=DB_KEY&legacy=3",
                "--repo", cipherRepo.toString()).exit());

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
                  full:
                    source: %s
                    repositories: [ %s, %s ]
                    encryption: none
                """.formatted(db, repo, notAFolder.resolve("offsite"), owner.publicKey(), db,
                dir.resolve("strict-repo"), notAFolder.resolve("required"), owner.publicKey(), big,
                dir.resolve("full-repo"), disk.path().resolve("required")));
    }

    @AfterAll
    static void unmount() {
        if (disk != null) {
            disk.close();
        }
    }

    private static Run cli(String... args) {
        return () -> cli.run(args);
    }

    /** A job of the config run as the daemon runs it; "out" is its log, "err" its message. */
    private static Run daemonJob(String job) {
        return () -> {
            try (JobHarness harness = new JobHarness(dir.resolve("daemon-" + job), Clock.systemUTC())) {
                JobOutcome outcome = harness.runner(JobHarness.config(Files.readString(dir.resolve("lifeboat.yaml"))),
                        JobLocks.NONE).run(job, Task.BACKUP, "schedule", false);
                return new Cli.Result(outcome.exit().code(), harness.logText(), outcome.message() + "\n", new byte[0]);
            }
        };
    }

    /** Runs a command while another connection holds a write transaction open on {@code target}. */
    private static Run whileLocked(Path target, String... args) {
        return () -> {
            try (Connection writer = TestDatabases.open(target); Statement st = writer.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                st.execute("INSERT INTO customers(name) VALUES ('held')");
                try {
                    return cli.run(args);
                } finally {
                    st.execute("ROLLBACK");
                }
            }
        };
    }

    private static Run storedManifest(Path repository) {
        return () -> {
            try (Stream<Path> manifests = Files.find(repository.resolve("backups"), 2,
                    (p, a) -> p.getFileName().toString().equals("manifest.json"))) {
                return new Cli.Result(0, Files.readString(manifests.findFirst().orElseThrow()), "", new byte[0]);
            }
        };
    }

    private static List<Row> table() {
        String config = dir.resolve("lifeboat.yaml").toString();
        Path locked = dir.resolve("locked.db");
        Path live = disk.path().resolve("live.db");
        String cipher = "sqlcipher:" + cipherDb + "?key-env=DB_KEY&legacy=3";
        String copyToFull = "lifeboat copy ";
        List<Row> rows = new ArrayList<>(List.of(
                // A wrong or missing key is exit 11 wherever a key is used.
                new Row("a wrong age identity is a key failure, not bad usage",
                        cli("verify", "latest", "--repo", repo.toString(), "--identity-file", stranger.toString()),
                        ExitCode.KEY, List.of("this backup is encrypted for", "the identity you gave is"), List.of()),
                new Row("no key at all is a key failure",
                        cli("verify", "latest", "--repo", repo.toString()),
                        ExitCode.KEY, List.of("give the key to open it"), List.of()),
                new Row("a missing identity file is a key failure",
                        cli("verify", "latest", "--repo", repo.toString(), "--identity-file",
                                dir.resolve("nope.txt").toString()),
                        ExitCode.KEY, List.of("identity file", "does not exist"), List.of()),
                new Row("an unset passphrase variable is a key failure",
                        cli("verify", "latest", "--repo", repo.toString(), "--passphrase-env", "UNSET_VAR_9"),
                        ExitCode.KEY, List.of("UNSET_VAR_9 is not set"), List.of()),
                new Row("restore with a wrong identity is a key failure",
                        cli("restore", "latest", "--repo", repo.toString(), "--to", dir.resolve("r.db").toString(),
                                "--identity-file", stranger.toString()),
                        ExitCode.KEY, List.of("this backup is encrypted for"), List.of()),
                new Row("cat with a wrong identity is a key failure",
                        cli("cat", "latest", "--repo", repo.toString(), "--identity-file", stranger.toString()),
                        ExitCode.KEY, List.of("this backup is encrypted for"), List.of()),
                new Row("an SQLCipher database key that does not open the source is a key failure",
                        cli("backup", "--no-encrypt", "sqlcipher:" + cipherDb + "?key-env=WRONG_DB_KEY&legacy=3",
                                "--repo", cipherRepo.toString()),
                        ExitCode.KEY, List.of("does not open"), List.of()),
                new Row("an unset SQLCipher key variable is a key failure",
                        cli("backup", "--no-encrypt", "sqlcipher:" + cipherDb + "?key-env=UNSET_DB_KEY&legacy=3",
                                "--repo", cipherRepo.toString()),
                        ExitCode.KEY, List.of("UNSET_DB_KEY is not set"), List.of()),
                new Row("verifying an SQLCipher backup with a wrong database key is a key failure",
                        cli("verify", "latest", "--repo", cipherRepo.toString(), "--key-env", "WRONG_DB_KEY"),
                        ExitCode.KEY, List.of("does not open"), List.of()),

                // A required repository that failed: exit 4 on every path.
                new Row("a required repository that cannot be opened fails a backup with the repository code",
                        cli("backup", db.toString(), "--repo", dir.resolve("other-repo").toString(), "--repo",
                                dir.resolve("plain-file").resolve("required").toString(), "--no-encrypt"),
                        ExitCode.REPOSITORY, List.of("plain-file"), List.of()),
                new Row("a required repository that fails under run exits with the repository code",
                        cli("run", "strict", "--config", config),
                        ExitCode.REPOSITORY, List.of("required"), List.of()),
                new Row("a required repository that filled up mid-backup: the repository code and the copy command",
                        cli("backup", "--no-encrypt", big.toString(), "--repo", dir.resolve("cli-full-repo").toString(),
                                "--repo", disk.path().resolve("cli-required").toString()),
                        ExitCode.REPOSITORY, List.of("did not reach required repository " + disk.path(),
                                copyToFull, "--to " + disk.path().resolve("cli-required")),
                        List.of("to 2 repositories")),
                new Row("the same under run",
                        cli("run", "full", "--config", config),
                        ExitCode.REPOSITORY, List.of("did not reach required repository " + disk.path(), copyToFull),
                        List.of("to 2 repositories")),
                new Row("the same in the daemon's job record (exit_code in its log line)",
                        daemonJob("full"),
                        ExitCode.REPOSITORY, List.of("did not reach required repository " + disk.path(), copyToFull,
                                "\"exit_code\":" + ExitCode.REPOSITORY.code()), List.of("to 2 repositories")),

                // Partial success counts only the repositories that got the backup.
                new Row("an optional repository that missed the backup: success, the count of those that got it,"
                        + " and the copy command",
                        cli("run", "shop", "--config", config),
                        ExitCode.OK, List.of(copyToFull, "--to " + dir.resolve("plain-file").resolve("offsite"),
                                "to 1 repository"), List.of("to 2 repositories")),

                new Row("an unknown backup id is not found, naming the way to see the backups",
                        cli("restore", "no-such-backup", "--repo", repo.toString(), "--to",
                                dir.resolve("x.db").toString()),
                        ExitCode.NOT_FOUND, List.of("no backup no-such-backup", "lifeboat list"), List.of()),

                // A restore that changed nothing says so, and says why: a lock is a lock, a full disk a full disk.
                new Row("a target another connection keeps locked: nothing was changed, nothing to put back",
                        whileLocked(locked, "restore", "latest", "--repo", repo.toString(), "--to",
                                locked.toString(), "--name", "shop", "--identity-file", identity.toString(), "--yes"),
                        ExitCode.TARGET, List.of("another connection kept it locked", "it is exactly as it was"),
                        List.of("putting the previous content back failed too", "disk", "full")),
                new Row("a target on a full disk: a full disk, not a lock",
                        cli("restore", "latest", "--repo", bigRepo.toString(), "--to", live.toString(), "--name",
                                "big", "--yes"),
                        ExitCode.TARGET, List.of("is too full", "the target was not changed"),
                        List.of("locked", "putting the previous content back failed too")),

                // SQLCipher's own encryption is named, never "(none, not encrypted)".
                new Row("list names an SQLCipher backup's encryption sqlcipher",
                        cli("list", "--repo", cipherRepo.toString()),
                        ExitCode.OK, List.of(" sqlcipher "), List.of("not encrypted")),
                new Row("list --json too",
                        cli("list", "--repo", cipherRepo.toString(), "--json"),
                        ExitCode.OK, List.of("\"encrypted_with\" : \"sqlcipher\""), List.of("not encrypted")),
                new Row("and the stored manifest",
                        storedManifest(cipherRepo),
                        ExitCode.OK, List.of("\"encrypted_with\" : \"sqlcipher\""), List.of("not encrypted"))));
        return rows;
    }

    @Test
    void eachLineSaysWhatHappenedWithTheExitCodeOfItsKind() throws Exception {
        TestDatabases.walWithUncheckpointedRows(dir.resolve("locked.db"), 5).close();
        byte[] liveBefore = Files.readAllBytes(disk.path().resolve("live.db"));
        List<String> failures = new ArrayList<>();
        for (Row row : table()) {
            Cli.Result result = row.run().run();
            String all = result.out() + result.err();
            List<String> wrong = new ArrayList<>();
            if (row.exit().code() != result.exit()) {
                wrong.add("exit " + result.exit() + ", not " + row.exit().code() + " (" + row.exit() + ")");
            }
            row.says().stream().filter(s -> !all.contains(s)).forEach(s -> wrong.add("missing '" + s + "'"));
            Stream.concat(row.never().stream(), Stream.of("report it", "unexpected", "IOException"))
                    .filter(all::contains).forEach(s -> wrong.add("says '" + s + "'"));
            // A failure is one line on stderr; warnings and run's JSON log lines may come with it.
            if (row.exit() != ExitCode.OK && result.err().lines()
                    .filter(l -> !l.startsWith("warning: ") && !l.startsWith("{")).count() != 1) {
                wrong.add("not one line");
            }
            if (!wrong.isEmpty()) {
                failures.add(row.what() + ": " + String.join(", ", wrong) + "\n" + result);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        assertEquals(5L, TestDatabases.counts(dir.resolve("locked.db")).get("customers"), "the locked target is as it was");
        assertTrue(java.util.Arrays.equals(liveBefore, Files.readAllBytes(disk.path().resolve("live.db"))),
                "the target on the full disk is as it was");
        assertFalse(Files.exists(dir.resolve("r.db")), "a key failure wrote no target");
    }
}
