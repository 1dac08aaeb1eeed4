package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A flipped byte or a truncated object is refused by verify, restore and cat, with one clear line. */
class TamperedBackupTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"flip-first", "flip-middle", "flip-last", "truncate", "append"})
    void damagedObjectsAreRefusedEverywhere(String damage) throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 3000)) {
            assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
        }
        Path object = object(repo);
        byte[] bytes = Files.readAllBytes(object);
        switch (damage) {
            case "flip-first" -> bytes[0] ^= 0x40;
            case "flip-middle" -> bytes[bytes.length / 2] ^= 0x01;
            case "flip-last" -> bytes[bytes.length - 1] ^= 0x01;
            case "truncate" -> bytes = Arrays.copyOf(bytes, bytes.length - 100);
            default -> bytes = Arrays.copyOf(bytes, bytes.length + 1);
        }
        Files.write(object, bytes);

        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(ExitCode.INTEGRITY.code(), verify.exit(), verify.toString());
        assertTrue(verify.err().startsWith("lifeboat: backup is corrupted or tampered"), verify.err());
        assertEquals(1, verify.err().lines().count(), verify.err());
        if (damage.equals("truncate")) {
            assertTrue(verify.err().contains("truncat"), verify.err());
        }
        assertTrue(verificationRecords(repo).stream().anyMatch(r -> r.contains("\"passed\" : false")),
                "the failed verdict is recorded next to the backup");

        Path target = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString());
        assertEquals(ExitCode.INTEGRITY.code(), restore.exit(), restore.toString());
        assertFalse(Files.exists(target), "nothing is created from a damaged backup");
        RestoreTest.assertNoScratchBeside(target);

        Cli.Result cat = cli.run("cat", "latest", "--repo", repo.toString());
        assertEquals(ExitCode.INTEGRITY.code(), cat.exit(), "cat must not end a damaged stream as a success");

        Cli.Result all = cli.run("verify", "all", "--repo", repo.toString());
        assertEquals(ExitCode.INTEGRITY.code(), all.exit(), all.toString());
        assertTrue(all.out().contains("FAILED"), all.out());
        try (Stream<Path> scratch = Files.list(dir.resolve("scratch"))) {
            assertEquals(0, scratch.count(), "verify leaves no scratch copy behind");
        }
    }

    static Path object(Path repo) throws Exception {
        try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).findFirst().orElseThrow();
        }
    }

    private static List<String> verificationRecords(Path repo) throws Exception {
        try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("verify-")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
