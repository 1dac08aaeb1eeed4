package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A folder repository someone else can write into: a crafted backup folder (the newest, so
 * {@code latest} would pick it) must never make any command read, create or delete a file outside
 * the repository, and the genuine backups beside it stay listed and restorable. The files outside
 * are valid objects and backups, so following a crafted name would visibly succeed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRepositoryTest {
    static final String HOSTILE_ID = "20991231T235959Z-abcdef";
    static final String OBJECT = "snapshot.sqlite.zst.age";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    private Path pristine;
    private AgeCli.Key key;
    private AgeCli.Key newKey;
    private List<String> goodIds;

    @BeforeAll
    void twoGenuineBackups() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(shared.resolve("keys")));
        key = age.keygen("key");
        newKey = age.keygen("new");
        pristine = shared.resolve("pristine");
        Path db = shared.resolve("app.db");
        Cli cli = new Cli(shared.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 200)) {
            for (int i = 0; i < 2; i++) {
                // Ids have one-second resolution: a second apart, the id order is the time order the tests rely on.
                Thread.sleep(i * 1100L);
                Cli.Result backup = cli.run("backup", db.toString(), "--repo", pristine.toString(), "--name", "app",
                        "--recipient", key.publicKey());
                assertEquals(0, backup.exit(), backup.toString());
            }
        }
        try (Stream<Path> dirs = Files.list(pristine.resolve("backups"))) {
            goodIds = dirs.map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertEquals(2, goodIds.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"object-absolute", "object-dotdot", "object-in-subfolder", "object-nul", "object-long",
            "id-dotdot", "id-absolute", "id-of-another-backup", "id-long", "missing-seal", "missing-object",
            "missing-source", "wrong-types", "not-json", "huge-manifest", "object-symlink", "manifest-symlink",
            "folder-symlink", "manifest-is-a-folder"})
    void aCraftedBackupIsDamagedAndNothingOutsideIsTouched(String attack, @TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        copyTree(pristine, repo);
        Path genuine = repo.resolve("backups").resolve(goodIds.get(1));
        Files.copy(genuine.resolve(OBJECT), outside.resolve(OBJECT));
        Files.writeString(outside.resolve("sentinel.txt"), "must stay");
        plant(attack, repo, genuine, outside);
        Map<String, String> before = watch(dir);

        Cli cli = new Cli(dir.resolve("scratch"));
        String r = repo.toString();
        String identity = key.file().toString();
        Cli.Result list = cli.run("list", "--repo", r);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("DAMAGED " + HOSTILE_ID), list.out());
        goodIds.forEach(id -> assertTrue(list.out().contains(id), list.out()));
        Cli.Result json = cli.run("list", "--repo", r, "--json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode entries = JSON.readTree(json.out());
        assertEquals(3, entries.size(), json.out());
        assertEquals(HOSTILE_ID, entries.get(2).get("id").asText());
        assertTrue(entries.get(2).has("damaged"), json.out());

        Cli.assertOneLineFailure(cli.run("verify", HOSTILE_ID, "--repo", r, "--identity-file", identity),
                ExitCode.INTEGRITY, "damaged");
        Cli.Result all = cli.run("verify", "all", "--repo", r, "--identity-file", identity);
        assertEquals(ExitCode.INTEGRITY.code(), all.exit(), all.toString());
        goodIds.forEach(id -> assertTrue(all.out().contains("verified " + id), all.out()));
        assertTrue(all.out().contains("DAMAGED " + HOSTILE_ID), all.out());
        Cli.Result cat = cli.run("cat", HOSTILE_ID, "--repo", r, "--identity-file", identity);
        Cli.assertOneLineFailure(cat, ExitCode.INTEGRITY, "damaged");
        assertEquals(0, cat.stdout().length, "nothing of a damaged backup is written out");
        Path target = dir.resolve("restored.db");
        Cli.assertOneLineFailure(cli.run("restore", HOSTILE_ID, "--repo", r, "--to", target.toString(), "--yes",
                "--identity-file", identity), ExitCode.INTEGRITY, "damaged");
        assertFalse(Files.exists(target));
        Cli.Result latest = cli.run("restore", "latest", "--repo", r, "--to", target.toString(), "--yes",
                "--identity-file", identity);
        assertEquals(0, latest.exit(), "latest is the newest genuine backup: " + latest);
        assertEquals(200L, TestDatabases.counts(target).get("customers"));
        Path copy = dir.resolve("copy");
        Cli.assertOneLineFailure(cli.run("copy", HOSTILE_ID, "--from", r, "--to", copy.toString()),
                ExitCode.INTEGRITY, "damaged");
        assertEquals(0, cli.run("copy", "latest", "--from", r, "--to", copy.toString()).exit());
        Cli.Result rekey = cli.run("rekey", "--repo", r, "--to-recipient", newKey.publicKey(), "--identity-file",
                identity);
        assertEquals(0, rekey.exit(), rekey.toString());
        assertEquals(0, cli.run("catalog", "rebuild", "--repo", r).exit());
        Cli.Result prune = cli.run("prune", "--repo", r, "--keep-last", "1");
        assertEquals(0, prune.exit(), prune.toString());

        assertEquals(before, watch(dir), "nothing outside the repository was created, changed or deleted");
        Cli.Result after = cli.run("list", "--repo", r);
        assertTrue(after.out().contains(goodIds.get(1)) && after.out().contains("DAMAGED " + HOSTILE_ID), after.out());
        Path again = dir.resolve("again.db");
        Cli.Result restoreAgain = cli.run("restore", "latest", "--repo", r, "--to", again.toString(),
                "--identity-file", newKey.file().toString());
        assertEquals(0, restoreAgain.exit(), "the genuine backup, re-keyed, still restores: " + restoreAgain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"kind\": \"restic\", \"format\": 1}", "{\"kind\": \"lifeboat-repository\"",
            "{\"kind\": \"lifeboat-repository\", \"format\": 99}", "{\"kind\": \"lifeboat-repository\"}", "[]",
            "link"})
    void aDescriptorOfAnotherKindOrMalformedIsOneLineNamingTheFile(String descriptor, @TempDir Path dir)
            throws Exception {
        Path repo = dir.resolve("repo");
        copyTree(pristine, repo);
        Path file = repo.resolve("lifeboat-repository.json");
        if (descriptor.equals("link")) {
            Path elsewhere = dir.resolve("elsewhere.json");
            Files.move(file, elsewhere);
            Files.createSymbolicLink(file, elsewhere);
        } else {
            Files.writeString(file, descriptor);
        }
        byte[] before = Files.readAllBytes(file);
        Cli cli = new Cli(dir.resolve("scratch"));
        Path db = dir.resolve("other.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        for (String[] command : List.of(new String[] {"list", "--repo", repo.toString()},
                new String[] {"backup", "--no-encrypt", db.toString(), "--repo", repo.toString()},
                new String[] {"prune", "--repo", repo.toString(), "--keep-last", "1"})) {
            Cli.assertOneLineFailure(cli.run(command), ExitCode.REPOSITORY, file.toString());
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the descriptor is left as it was");
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            assertEquals(2, backups.count(), "nothing was added or removed");
        }
    }

    /** Adds backup {@link #HOSTILE_ID}, a copy of a genuine one, crafted as {@code attack} says. */
    private static void plant(String attack, Path repo, Path genuine, Path outside) throws Exception {
        Path hostile = repo.resolve("backups").resolve(HOSTILE_ID);
        if (attack.equals("folder-symlink")) {
            Path elsewhere = outside.resolve("backup");
            copyTree(genuine, elsewhere);
            rewrite(elsewhere, m -> m.put("id", HOSTILE_ID));
            Files.createSymbolicLink(hostile, elsewhere);
            return;
        }
        copyTree(genuine, hostile);
        try (Stream<Path> records = Files.list(hostile)) {
            for (Path record : records.filter(p -> p.getFileName().toString().startsWith("verify-")).toList()) {
                Files.delete(record);
            }
        }
        rewrite(hostile, m -> m.put("id", HOSTILE_ID));
        switch (attack) {
            case "object-absolute" -> rewrite(hostile, m -> m.put("object", outside.resolve(OBJECT).toString()));
            case "object-dotdot" -> rewrite(hostile, m -> m.put("object", "../../../outside/" + OBJECT));
            case "object-in-subfolder" -> {
                Files.copy(hostile.resolve(OBJECT), Files.createDirectories(hostile.resolve("sub")).resolve(OBJECT));
                rewrite(hostile, m -> m.put("object", "sub/" + OBJECT));
            }
            case "object-nul" -> rewrite(hostile, m -> m.put("object", "snapshot.sqlite.zst\u0000.age"));
            case "object-long" -> rewrite(hostile, m -> m.put("object", "snapshot." + "x".repeat(5000)));
            case "id-dotdot" -> rewrite(hostile, m -> m.put("id", "../../outside/lock"));
            case "id-absolute" -> rewrite(hostile, m -> m.put("id", outside.resolve("by-id").toString()));
            case "id-of-another-backup" -> rewrite(hostile, m -> m.put("id", genuine.getFileName().toString()));
            case "id-long" -> rewrite(hostile, m -> m.put("id", HOSTILE_ID + "x".repeat(10_000)));
            case "missing-seal" -> rewrite(hostile, m -> m.remove("seal"));
            case "missing-object" -> rewrite(hostile, m -> m.remove("object"));
            case "missing-source" -> rewrite(hostile, m -> m.putNull("source"));
            case "wrong-types" -> rewrite(hostile, m -> {
                m.put("seal", "sealed");
                m.putArray("facts");
            });
            case "not-json" -> Files.writeString(hostile.resolve("manifest.json"), "{\"id\": \"" + HOSTILE_ID);
            case "huge-manifest" -> rewrite(hostile, m -> m.put("padding", "x".repeat(5 << 20)));
            case "object-symlink" -> {
                Files.delete(hostile.resolve(OBJECT));
                Files.createSymbolicLink(hostile.resolve(OBJECT), outside.resolve(OBJECT));
            }
            case "manifest-symlink" -> {
                Path moved = outside.resolve("manifest.json");
                Files.move(hostile.resolve("manifest.json"), moved);
                Files.createSymbolicLink(hostile.resolve("manifest.json"), moved);
            }
            case "manifest-is-a-folder" -> {
                Files.delete(hostile.resolve("manifest.json"));
                Files.createDirectory(hostile.resolve("manifest.json"));
            }
            default -> throw new IllegalArgumentException(attack);
        }
    }

    private interface Edit {
        void apply(ObjectNode manifest);
    }

    private static void rewrite(Path backupDir, Edit edit) throws Exception {
        Path file = backupDir.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
        edit.apply(manifest);
        Files.write(file, JSON.writeValueAsBytes(manifest));
    }

    /** Every file and folder outside the repository and Lifeboat's own places, with its content. */
    static Map<String, String> watch(Path dir) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        List<String> own = List.of("repo", "copy", "scratch", "state", "restored.db", "again.db");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String relative = dir.relativize(p).toString();
                if (relative.isEmpty() || own.stream().anyMatch(o -> relative.equals(o) || relative.startsWith(o + "/")
                        || relative.startsWith(o + "-") || relative.startsWith("." + o))) {
                    continue;
                }
                seen.put(relative, Files.isRegularFile(p)
                        ? Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                        + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))) : "folder");
            }
        }
        return seen;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
