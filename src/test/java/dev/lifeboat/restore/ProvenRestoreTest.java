package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.ServiceFixture;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore of a backup whose exact bytes a passed verification checked leaves out SQLite's
 * integrity_check (row counts are still compared) and says so; anything less than the same
 * SHA-256 of the plain snapshot, or {@code --full-check}, runs it.
 */
class ProvenRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private Cli cli;
    private Path repo;
    private Path db;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
        repo = dir.resolve("repo");
        db = dir.resolve("app.db");
    }

    @Test
    void aVerifiedBackupIsRestoredWithoutItsStructuralCheckAndSaysSo() throws Exception {
        backUpRows(500);
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());

        Path target = dir.resolve("restored.db");
        Cli.Result text = restore(target);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("PRAGMA integrity_check: skipped, these exact bytes passed it (verified "),
                text.out());
        assertTrue(text.out().contains("structural check skipped: verified "), text.out());
        assertTrue(text.out().contains("  ok  row counts: "), "the row counts are still compared: " + text.out());
        assertEquals(500L, TestDatabases.counts(target).get("customers"));

        JsonNode json = restoreJson(dir.resolve("again.db"));
        assertTrue(json.get("structural_check").asText().startsWith("skipped: verified "), json.toString());

        JsonNode full = restoreJson(dir.resolve("full.db"), "--full-check");
        assertEquals("full", full.get("structural_check").asText(), full.toString());
        assertTrue(full.get("checks").toString().contains("PRAGMA integrity_check: ok"), full.toString());
    }

    @Test
    void anUnverifiedBackupGetsTheFullCheck() throws Exception {
        backUpRows(50);
        JsonNode json = restoreJson(dir.resolve("restored.db"));
        assertEquals("full", json.get("structural_check").asText(), json.toString());
        assertTrue(json.get("checks").toString().contains("PRAGMA integrity_check: ok"), json.toString());
    }

    @Test
    void aByteFlippedAfterVerificationStillFailsTheRestore() throws Exception {
        backUpRows(3000);
        assertEquals(0, cli.run("verify", "latest", "--repo", repo.toString()).exit());
        ServiceFixture.tamper(repo, backupId());

        Path target = dir.resolve("restored.db");
        Cli.Result restore = restore(target);
        Cli.assertOneLineFailure(restore, ExitCode.INTEGRITY, "backup is corrupted or tampered");
        assertFalse(Files.exists(target), "nothing is created from a damaged backup");
    }

    /**
     * A database that fails integrity_check (its index lacks every row) but whose rows count fine:
     * a passed verification record for its exact bytes is taken at its word, a record for other
     * bytes or {@code --full-check} is not, and the check then refuses the copy.
     */
    @Test
    void onlyTheSameBytesSpareTheCheck() throws Exception {
        Tools.sqlite(db, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX ib ON t(b);"
                + " INSERT INTO t(b) SELECT 'v' || value FROM generate_series(1, 50);");
        Tools.sqlite(db, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX ib ON t(a)'"
                + " WHERE name = 'ib';");
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        String plainSha256 = manifest().get("seal").get("plain_sha256").asText();

        plantPassedVerification("0".repeat(64));
        Cli.Result otherBytes = restore(dir.resolve("other.db"));
        Cli.assertOneLineFailure(otherBytes, ExitCode.INTEGRITY, "fails PRAGMA integrity_check");
        assertFalse(Files.exists(dir.resolve("other.db")));

        plantPassedVerification(plainSha256);
        Cli.Result sameBytes = restore(dir.resolve("same.db"));
        assertEquals(0, sameBytes.exit(), sameBytes.toString());
        assertTrue(sameBytes.out().contains("integrity_check: skipped"), sameBytes.out());

        Cli.Result forced = restore(dir.resolve("forced.db"), "--full-check");
        Cli.assertOneLineFailure(forced, ExitCode.INTEGRITY, "fails PRAGMA integrity_check");
        assertFalse(Files.exists(dir.resolve("forced.db")));
    }

    private void backUpRows(int rows) throws Exception {
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, rows)) {
            Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString());
            assertEquals(0, backup.exit(), backup.toString());
        }
    }

    private Cli.Result restore(Path target, String... more) {
        String[] args = Stream.concat(Stream.of("restore", "latest", "--repo", repo.toString(), "--to",
                target.toString()), Stream.of(more)).toArray(String[]::new);
        return cli.run(args);
    }

    private JsonNode restoreJson(Path target, String... more) throws Exception {
        Cli.Result result = restore(target, Stream.concat(Stream.of(more), Stream.of("--json"))
                .toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        return JSON.readTree(result.out());
    }

    private String backupId() throws Exception {
        try (Stream<Path> ids = Files.list(repo.resolve("backups"))) {
            return ids.findFirst().orElseThrow().getFileName().toString();
        }
    }

    private JsonNode manifest() throws Exception {
        return JSON.readTree(repo.resolve("backups").resolve(backupId()).resolve("manifest.json").toFile());
    }

    /** A verification record as Lifeboat writes one, saying that bytes with this SHA-256 passed. */
    private void plantPassedVerification(String plainSha256) throws Exception {
        Path folder = repo.resolve("backups").resolve(backupId());
        long n;
        try (Stream<Path> files = Files.list(folder)) {
            n = files.count();
        }
        Files.writeString(folder.resolve("verify-20260101T0000" + (10 + n) + ".000Z-1.json"), "{\"format\": 1,"
                + " \"backupId\": \"" + backupId() + "\", \"verifiedAt\": \"2026-01-01T00:00:00Z\", \"passed\": true,"
                + " \"checks\": [], \"plainSha256\": \"" + plainSha256 + "\"}");
    }
}
