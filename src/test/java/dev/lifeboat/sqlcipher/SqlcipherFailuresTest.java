package dev.lifeboat.sqlcipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.CipherApp;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.SqlcipherShell;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every SQLCipher mistake: one distinct line naming cause and fix, a non-zero exit, nothing written. */
class SqlcipherFailuresTest {
    static final String KEY = "the real key";
    static final String WRONG = "a wrong key";

    @TempDir
    Path dir;
    Path repo;
    Path scratch;
    Path encrypted;
    Cli cli;
    final Set<String> messages = new HashSet<>();

    /** An SQLCipher 4 database on the defaults (full-strength KDF): what most applications have. */
    @BeforeEach
    void setUp() throws Exception {
        repo = dir.resolve("repo");
        scratch = dir.resolve("scratch");
        encrypted = dir.resolve("secret.db");
        try (Connection conn = new CipherApp().open(encrypted, KEY, Map.of("legacy", "4"));
             Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE t(x)");
            st.execute("INSERT INTO t VALUES (1), (2), (3)");
        }
        cli = new Cli(scratch).env("KEY", KEY).env("WRONG", WRONG);
    }

    private void assertFailure(Cli.Result result, ExitCode code, String... fragments) {
        assertEquals(code.code(), result.exit(), result.toString());
        assertEquals(1, result.err().lines().count(), "exactly one line: " + result.err());
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "'" + fragment + "' in: " + result.err());
        }
        assertFalse(result.err().contains(KEY) || result.out().contains(KEY), "the key is never shown");
        assertFalse(result.err().contains(WRONG) || result.out().contains(WRONG), "nor a wrong one");
        assertTrue(messages.add(result.err().replaceAll("/\\S+", "PATH")), "a distinct message: " + result.err());
    }

    @Test
    void wrongKeyNoKeyPlainAsSqlcipherAndSqlcipherAsPlainAreClearAndWriteNothing() throws Exception {
        byte[] before = Files.readAllBytes(encrypted);
        assertFailure(cli.run("backup", "sqlcipher:" + encrypted + "?key-env=WRONG", "--repo", repo.toString()),
                ExitCode.KEY, "the key from the variable WRONG does not open database", "legacy=4",
                "e.g. legacy=3");
        assertFailure(cli.run("backup", "sqlcipher:" + encrypted, "--repo", repo.toString()),
                ExitCode.USAGE, "no key given", "key-env=VAR");
        assertFailure(cli.run("backup", "sqlcipher:" + encrypted + "?key-env=UNSET_VARIABLE", "--repo",
                repo.toString()), ExitCode.KEY, "UNSET_VARIABLE is not set");
        assertFailure(cli.run("backup", "sqlcipher:" + encrypted + "?key=" + KEY.replace(' ', '+'), "--repo",
                repo.toString()), ExitCode.USAGE, "never put a database key on the command line");
        assertFailure(cli.run("backup", encrypted.toString(), "--repo", repo.toString()),
                ExitCode.SOURCE, "is not an SQLite database", "sqlcipher:");

        Path plain = dir.resolve("plain.db");
        TestDatabases.walWithUncheckpointedRows(plain, 10).close();
        assertFailure(cli.run("backup", "sqlcipher:" + plain + "?key-env=KEY", "--repo", repo.toString()),
                ExitCode.SOURCE, "is a plain SQLite database", "sqlite:" + plain);

        assertArrayEquals(before, Files.readAllBytes(encrypted), "the source is untouched");
        assertFalse(Files.exists(repo), "no repository was created");
        assertNoScratchFiles();
    }

    @Test
    void verifyAndRestoreWithTheWrongKeySayTheKeyDoesNotOpenTheBackupAndChangeNothing() throws Exception {
        assertEquals(0, cli.run("backup", "sqlcipher:" + encrypted + "?key-env=KEY", "--repo", repo.toString()).exit());

        assertFailure(cli.run("verify", "latest", "--repo", repo.toString(), "--key-env", "WRONG"),
                ExitCode.KEY, "the key from the variable WRONG does not open this backup", "rekey-sqlcipher");
        try (Stream<Path> files = Files.walk(repo)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("verify-")),
                    "a wrong key is no verdict on the backup");
        }
        Cli.Result verified = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verified.exit(), "the key-env recorded with the backup opens it: " + verified);

        Path plainTarget = dir.resolve("as-plain.db");
        assertFailure(cli.run("restore", "latest", "--repo", repo.toString(), "--to", plainTarget.toString()),
                ExitCode.USAGE, "is of a sqlcipher database", "names a sqlite target");
        assertFalse(Files.exists(plainTarget));

        Path fresh = dir.resolve("fresh.db");
        messages.clear(); // the same cause as for verify, so the same message
        assertFailure(cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                "sqlcipher:" + fresh + "?key-env=WRONG"), ExitCode.KEY, "WRONG does not open this backup");
        assertFalse(Files.exists(fresh), "no target was created");

        byte[] before = Files.readAllBytes(encrypted);
        assertFailure(cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                "sqlcipher:" + encrypted + "?key-env=WRONG", "--yes"), ExitCode.KEY,
                "does not open the restore target", "legacy=4");
        assertArrayEquals(before, Files.readAllBytes(encrypted), "the target is untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".lifeboat-scratch-")).count());
        }
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count(), "no safety backup was made");
        assertNoScratchFiles();
    }

    @Test
    void badSpecsAndKeySourcesAreRefusedBeforeAnythingIsOpened() throws Exception {
        String db = "sqlcipher:" + encrypted;
        assertFailure(cli.run("backup", db + "?key-env=KEY&legacy=9", "--repo", repo.toString()),
                ExitCode.USAGE, "legacy=9 is not valid");
        assertFailure(cli.run("backup", db + "?key-env=KEY&page-size=1000", "--repo", repo.toString()),
                ExitCode.USAGE, "page-size=1000 is not valid");
        assertFailure(cli.run("backup", db + "?key-env=KEY&cipher=aes", "--repo", repo.toString()),
                ExitCode.USAGE, "unknown SQLCipher parameter 'cipher'");
        assertFailure(cli.run("backup", db + "?key-env=KEY&key-file=/k", "--repo", repo.toString()),
                ExitCode.USAGE, "key-env or key-file, not both");
        assertFailure(cli.run("backup", db + "?key-file=" + dir.resolve("missing.key"), "--repo", repo.toString()),
                ExitCode.USAGE, "cannot read the database key file", "missing.key");
        Path badRaw = dir.resolve("bad-raw.key");
        Files.writeString(badRaw, "x'0123'\n");
        assertFailure(cli.run("backup", db + "?key-file=" + badRaw, "--repo", repo.toString()),
                ExitCode.USAGE, "raw key", "is malformed", "64 hex digits");
        assertFailure(cli.run("backup", "sqlcipher:" + dir.resolve("nope.db") + "?key-env=KEY", "--repo",
                repo.toString()), ExitCode.SOURCE, "does not exist");
        assertFalse(Files.exists(repo));
        assertNoScratchFiles();
    }

    @Test
    void fullScratchDiskFailsWithoutShowingTheKeyAndLeavesNoScratchFile() throws Exception {
        try (Connection conn = new CipherApp().open(encrypted, KEY, Map.of("legacy", "4"));
             Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE blobs(b BLOB)");
            st.execute("INSERT INTO blobs WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    + " WHERE i < 1500) SELECT randomblob(4096) FROM n");
        }
        Path tiny = dir.resolve("tiny.db");
        try (Connection conn = new CipherApp().open(tiny, KEY, Map.of("legacy", "4", "kdf_iter", "1000"))) {
            conn.createStatement().execute("CREATE TABLE t(x)");
        }
        try (Tmpfs disk = new Tmpfs(dir.resolve("tiny-disk"), "1m")) {
            // a snapshot that fits, and a driver that does not
            assertFailure(new Cli(disk.path()).env("KEY", KEY).run("backup", "sqlcipher:" + tiny
                    + "?key-env=KEY&kdf-iter=1000", "--repo", repo.toString()), ExitCode.SOURCE,
                    "cannot unpack the SQLCipher driver", "the disk is full", "LIFEBOAT_SCRATCH_DIR");
            try (Stream<Path> files = Files.walk(disk.path())) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "no partial driver is left");
            }
        }
        try (Tmpfs disk = new Tmpfs(dir.resolve("small-disk"), "17m")) {
            Cli small = new Cli(disk.path()).env("KEY", KEY);
            assertEquals(0, small.run("backup", "sqlcipher:" + tiny + "?key-env=KEY&kdf-iter=1000", "--repo",
                    dir.resolve("other-repo").toString()).exit(), "the driver fits; the big copy does not");
            assertFailure(small.run("backup", "sqlcipher:" + encrypted + "?key-env=KEY", "--repo", repo.toString()),
                    ExitCode.SOURCE, "scratch folder " + disk.path() + " is too full for a snapshot of " + encrypted,
                    "MiB needed", "LIFEBOAT_SCRATCH_DIR");
            try (Stream<Path> files = Files.list(disk.path())) {
                assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".lifeboat-scratch-")).count());
            }
            assertFalse(Files.exists(repo));
        }
    }

    @Test
    void restoreIntoALiveTargetWhoseWriterKeepsItLockedFailsAndLeavesItAsItWas() throws Exception {
        Path live = dir.resolve("live.db");
        String spec = "sqlcipher:" + live + "?key-env=KEY&legacy=3";
        String keyed = "PRAGMA key = '" + KEY + "';";
        SqlcipherShell.query(live, keyed, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);");
        assertEquals(0, cli.run("backup", spec, "--repo", repo.toString()).exit());
        SqlcipherShell.query(live, keyed, "INSERT INTO t VALUES (3);");
        try (SqlcipherShell writer = SqlcipherShell.open(live, keyed)) {
            writer.run("BEGIN IMMEDIATE; INSERT INTO t VALUES (4);");
            Cli.Result restore = cli.env("LIFEBOAT_LOCK_TIMEOUT", "1").run("restore", "latest", "--repo",
                    repo.toString(), "--to", spec, "--yes");
            assertFailure(restore, ExitCode.TARGET, "locked", "1 s retry budget", "restore failed before", "it is exactly as it was");
            writer.run("ROLLBACK;");
        }
        assertEquals("3", SqlcipherShell.query(live, keyed, "SELECT count(*) FROM t;"), "the target is as it was");
    }

    private void assertNoScratchFiles() throws Exception {
        if (Files.exists(scratch)) {
            try (Stream<Path> files = Files.list(scratch)) {
                assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".lifeboat-scratch-")).count());
            }
        }
    }
}
