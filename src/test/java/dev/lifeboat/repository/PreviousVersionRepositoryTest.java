package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repositories written by the release before the one store layout (checked in under
 * {@code src/test/resources/dev/lifeboat/repository/v1}, made with that release's jar: two plain
 * backups with verification records, and one age backup whose descriptor pins the recipient) open,
 * list, verify, restore, back up and prune unchanged, as a folder and as the same keys in a bucket,
 * with lock objects in the formats that release wrote.
 */
class PreviousVersionRepositoryTest {
    static final String OLDER = "20261202T214047Z-9d2770";
    static final String NEWER = "20261202T214051Z-6a5acf";
    static final String AGE = "20261202T214058Z-c75330";
    static final String RECIPIENT = "age143ud5zrkntk0pswlhv5empxcad7hsgd3ywknxucf4x9s3ucqrcwsyuztm4";

    @TempDir
    Path dir;

    static Path fixture(String name) throws Exception {
        return Path.of(PreviousVersionRepositoryTest.class.getResource("/dev/lifeboat/repository/v1/" + name).toURI());
    }

    @Test
    void aFolderRepositoryOfThePreviousReleaseWorksUnchanged() throws Exception {
        Path repo = dir.resolve("repo");
        HostileRepositoryTest.copyTree(fixture("plain"), repo);
        // A lock of a killed run, as the previous release wrote it in a folder.
        Files.createDirectories(repo.resolve("locks"));
        Files.write(repo.resolve("locks/database-app.lock"), Json.write(new LockInfo("database-app", "backup",
                deadOwner().token(), Instant.parse("2026-12-02T21:40:50Z"))));
        Cli cli = new Cli(dir.resolve("scratch"));
        exercise(cli, repo.toString());
        assertEquals(List.of(), list(repo.resolve("locks")), "the dead run's lock was taken over and released");
    }

    @Test
    void theSameKeysInABucketWorkUnchanged() throws Exception {
        try (S3Server server = new S3Server()) {
            Path plain = fixture("plain");
            try (Stream<Path> files = Files.walk(plain)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    server.putDirect("v1/" + plain.relativize(file), Files.readAllBytes(file));
                }
            }
            // A killed run's lock and a killed reader's mark as the previous release wrote them on S3 (owner + nonce).
            String owner = deadOwner().token() + " 0a1b2c3d4e5f";
            server.putDirect("v1/locks/database-app.lock", Json.write(new LockInfo("database-app", "backup", owner,
                    Instant.parse("2026-12-02T21:40:50Z"))));
            server.putDirect("v1/locks/in-use-" + OLDER + "-4242-0a1b2c3d4e5f.lock", Json.write(new LockInfo(OLDER,
                    "verify", owner, Instant.parse("2026-12-02T21:40:50Z"))));
            exercise(server.cli(dir.resolve("scratch")), server.url("v1"));
            assertEquals(List.of(), server.keys("v1/locks/"), "the dead run's lock and mark are gone");
        }
    }

    /** list, back up (taking over a dead lock), verify, restore, catalog rebuild and prune. */
    private void exercise(Cli cli, String repo) throws Exception {
        Cli.Result list = cli.run("list", "--repo", repo);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains(OLDER) && list.out().contains(NEWER), list.out());
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 60).close();
        Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo, "--name", "app");
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.err().contains("took over the stale lock of backup by host"), backup.err());

        Cli.Result verify = cli.run("verify", "all", "--repo", repo);
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("verified " + OLDER) && verify.out().contains("verified " + NEWER),
                verify.out());
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", OLDER, "--repo", repo, "--to", restored.toString(), "--yes");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(50L, TestDatabases.counts(restored).get("customers"));
        assertEquals(0, cli.run("catalog", "rebuild", "--repo", repo).exit());
        Cli.Result prune = cli.run("prune", "--repo", repo, "--keep-last", "1");
        assertEquals(0, prune.exit(), prune.toString());
        Cli.Result after = cli.run("list", "--repo", repo);
        assertEquals(2, after.out().lines().count(), after.out());
        Cli.Result latest = cli.run("restore", "latest", "--repo", repo, "--to", dir.resolve("latest.db").toString());
        assertEquals(0, latest.exit(), latest.toString());
        assertEquals(60L, TestDatabases.counts(dir.resolve("latest.db")).get("customers"));
    }

    @Test
    void aPinnedEncryptionOfThePreviousReleaseIsFollowedAndItsBackupRestores() throws Exception {
        Path repo = dir.resolve("age");
        HostileRepositoryTest.copyTree(fixture("age"), repo);
        Cli cli = new Cli(dir.resolve("scratch"));
        String identity = fixture("age-key.txt").toString();
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", AGE, "--repo", repo.toString(), "--to", restored.toString(),
                "--identity-file", identity);
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(51L, TestDatabases.counts(restored).get("customers"));

        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 60).close();
        Cli.Result backup = cli.run("backup", db.toString(), "--repo", repo.toString(), "--name", "app");
        assertEquals(0, backup.exit(), "the pin needs no encryption options: " + backup);
        List<Manifest> manifests = Repositories.folder(repo).manifests();
        assertEquals(2, manifests.size());
        assertEquals(List.of(RECIPIENT), manifests.get(1).encryption().recipients());
        assertEquals(0, cli.run("verify", "all", "--repo", repo.toString(), "--identity-file", identity).exit());
    }

    /**
     * The previous release wrote camelCase keys; this one writes snake_case (manifest and descriptor
     * format 2). Every field of the old files still reads, and what this release writes is snake_case.
     */
    @Test
    void camelCaseFilesOfThePreviousReleaseReadInFullAndNewOnesAreSnakeCase() throws Exception {
        Path backup = fixture("plain/backups/" + OLDER);
        Manifest old = StoredManifests.parse(Files.readAllBytes(backup.resolve("manifest.json")), OLDER);
        assertEquals(1, old.format());
        assertEquals(Instant.parse("2026-12-02T21:40:47Z"), old.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertTrue(old.finishedAt().isAfter(old.startedAt()) && old.durationMillis() > 0, old.toString());
        assertTrue(old.seal().plainSha256().matches("[0-9a-f]{64}") && old.seal().storedSize() > 0, old.toString());
        assertEquals(50L, old.facts().tableRows().get("customers"));
        assertTrue(old.facts().engineVersion() != null && old.lifeboatVersion() != null, old.toString());
        Path record;
        try (Stream<Path> files = Files.list(backup)) {
            record = files.filter(f -> f.getFileName().toString().startsWith("verify-")).findFirst().orElseThrow();
        }
        dev.lifeboat.manifest.VerificationRecord verified = dev.lifeboat.manifest.VerificationRecord.read(
                Files.readAllBytes(record), OLDER).orElseThrow();
        assertTrue(verified.passed() && verified.verifiedAt() != null && verified.lifeboatVersion() != null);
        RepositoryDescriptor pinned = Descriptors.parse(Files.readAllBytes(fixture("age/lifeboat-repository.json")),
                "age");
        assertEquals(List.of(RECIPIENT), pinned.pinnedEncryption().recipients());
        assertTrue(pinned.createdAt() != null);

        Path repo = dir.resolve("repo");
        HostileRepositoryTest.copyTree(fixture("plain"), repo);
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.Result list = cli.run("list", "--repo", repo.toString());
        assertTrue(list.out().lines().filter(l -> l.startsWith(OLDER)).findFirst().orElseThrow().contains("verified 2026-12-02"),
                "the old verification record counts: " + list.out());
        Path target = dir.resolve("copy");
        assertEquals(0, cli.run("copy", OLDER, "--from", repo.toString(), "--to", target.toString()).exit());
        String copied = Files.readString(target.resolve("backups/" + OLDER + "/manifest.json"));
        assertTrue(copied.contains("\"started_at\"") && copied.contains("\"plain_sha256\"")
                && copied.contains("\"table_rows\"") && !copied.contains("startedAt"), copied);
        assertEquals(Manifest.FORMAT, Json.read(copied.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Manifest.class).format());
        String descriptor = Files.readString(target.resolve(RepositoryDescriptor.FILE_NAME));
        assertTrue(descriptor.contains("\"created_at\"") && descriptor.contains("\"format\" : 2"), descriptor);
    }

    /** A process that has ended: what a killed run looks like to this host. */
    static ProcessOwner deadOwner() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        String started = gone.info().startInstant().map(Instant::toString).orElse("?");
        gone.waitFor();
        return new ProcessOwner(ProcessOwner.hostName(), gone.pid(), started);
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
