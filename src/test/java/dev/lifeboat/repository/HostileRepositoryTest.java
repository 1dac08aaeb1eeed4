package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.repository.store.Place;
import dev.lifeboat.repository.store.StoreKind;
import dev.lifeboat.repository.store.StoreKinds;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A repository someone else can write into, on every kind of store in {@link StoreKinds}: a
 * crafted backup (the newest, so {@code latest} would pick it) never makes any command read,
 * create or delete anything outside the repository, and the genuine backups beside it stay
 * listed and restorable. What lies outside is a valid object and backup, so following a crafted
 * name would visibly succeed. Links and folders are planted where the medium has them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRepositoryTest {
    static final String HOSTILE_ID = "20991231T235959Z-abcdef";
    static final String OBJECT = "snapshot.sqlite.zst.age";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    private List<StoreKind> kinds;
    private final Map<StoreKind, Pristine> pristine = new HashMap<>();
    private AgeCli.Key key;
    private AgeCli.Key newKey;

    /** What an attacker plants; {@link #storeIndependent} ones only test manifest parsing, run on one kind. */
    enum Attack {
        OBJECT_ABSOLUTE, OBJECT_DOTDOT, OBJECT_IN_SUBFOLDER, ID_DOTDOT, ID_OF_ANOTHER_BACKUP, HUGE_MANIFEST,
        OBJECT_SYMLINK, MANIFEST_SYMLINK, FOLDER_SYMLINK, MANIFEST_IS_A_FOLDER,
        OBJECT_NUL, OBJECT_LONG, ID_ABSOLUTE, ID_LONG, MISSING_SEAL, MISSING_OBJECT, MISSING_SOURCE, WRONG_TYPES,
        NOT_JSON;

        boolean storeIndependent() {
            return ordinal() >= OBJECT_NUL.ordinal();
        }
    }

    /** Two genuine backups in a place of one kind. */
    private record Pristine(Place place, List<String> goodIds) {
    }

    @BeforeAll
    void keysAndKinds() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(shared.resolve("keys")));
        key = age.keygen("key");
        newKey = age.keygen("new");
        kinds = StoreKinds.all(Files.createDirectories(shared.resolve("kinds")));
    }

    @AfterAll
    void stopKinds() throws Exception {
        for (StoreKind kind : kinds) {
            kind.stop();
        }
    }

    Stream<Arguments> attacks() {
        return kinds.stream().flatMap(kind -> Stream.of(Attack.values())
                .filter(a -> !a.storeIndependent() || kind == kinds.get(0)).map(a -> Arguments.of(kind, a)));
    }

    List<StoreKind> kinds() {
        return kinds;
    }

    private static Cli cli(Path scratch, Place... places) {
        Cli cli = new Cli(scratch);
        for (Place place : places) {
            place.env().forEach(cli::env);
        }
        return cli;
    }

    private Pristine pristine(StoreKind kind) throws Exception {
        if (!pristine.containsKey(kind)) {
            Place place = kind.place("pristine");
            Path db = shared.resolve("app.db");
            Cli cli = cli(shared.resolve("scratch"), place);
            try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 200)) {
                for (int i = 0; i < 2; i++) {
                    // Ids have one-second resolution: a second apart, the id order is the time order relied on.
                    Thread.sleep(i * 1100L);
                    Cli.Result backup = cli.run("backup", db.toString(), "--repo", place.spec(), "--name", "app",
                            "--recipient", key.publicKey());
                    assertEquals(0, backup.exit(), backup.toString());
                }
            } finally {
                Files.deleteIfExists(db);
            }
            List<String> ids = place.keys().stream().filter(k -> k.endsWith("/manifest.json"))
                    .map(k -> k.split("/")[1]).sorted().toList();
            assertEquals(2, ids.size(), ids.toString());
            pristine.put(kind, new Pristine(place, ids));
        }
        return pristine.get(kind);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attacks")
    void aCraftedBackupIsDamagedAndNothingOutsideIsTouched(StoreKind kind, Attack attack, @TempDir Path dir)
            throws Exception {
        Pristine genuine = pristine(kind);
        String name = attack.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        Place repo = kind.place(name + "-repo");
        Place outside = kind.place(name + "-outside");
        Place copy = kind.place(name + "-copy");
        genuine.place().copyTo(repo);
        String newest = "backups/" + genuine.goodIds().get(1) + "/";
        outside.put(OBJECT, repo.get(newest + OBJECT));
        outside.put("sentinel.txt", "must stay".getBytes(StandardCharsets.UTF_8));
        assumeTrue(plant(attack, repo, newest, outside, name + "-outside", genuine.goodIds().get(1)),
                kind + " has no links or folders to plant");
        Map<String, String> before = kind.everythingBut(repo, copy);

        Cli cli = cli(dir.resolve("scratch"), repo);
        String r = repo.spec();
        String identity = key.file().toString();
        Cli.Result list = cli.run("list", "--repo", r);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("DAMAGED " + HOSTILE_ID), list.out());
        genuine.goodIds().forEach(id -> assertTrue(list.out().contains(id), list.out()));
        Cli.Result json = cli.run("list", "--repo", r, "--json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode listed = JSON.readTree(json.out());
        assertEquals(2, listed.get("backups").size(), json.out());
        assertEquals(1, listed.get("damaged").size(), json.out());
        assertEquals(HOSTILE_ID, listed.get("damaged").get(0).get("id").asText());
        assertTrue(listed.get("damaged").get(0).has("reason"), json.out());

        Cli.assertOneLineFailure(cli.run("verify", HOSTILE_ID, "--repo", r, "--identity-file", identity),
                ExitCode.INTEGRITY, "damaged");
        Cli.Result all = cli.run("verify", "all", "--repo", r, "--identity-file", identity);
        assertEquals(ExitCode.INTEGRITY.code(), all.exit(), all.toString());
        genuine.goodIds().forEach(id -> assertTrue(all.out().contains("verified " + id), all.out()));
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
        Cli.assertOneLineFailure(cli.run("copy", HOSTILE_ID, "--from", r, "--to", copy.spec()),
                ExitCode.INTEGRITY, "damaged");
        Cli.Result copied = cli.run("copy", "latest", "--from", r, "--to", copy.spec());
        assertEquals(0, copied.exit(), copied.toString());
        Cli.Result rekey = cli.run("rekey", "--repo", r, "--to-recipient", newKey.publicKey(), "--identity-file",
                identity);
        assertEquals(0, rekey.exit(), rekey.toString());
        assertEquals(0, cli.run("catalog", "rebuild", "--repo", r).exit());
        Cli.Result prune = cli.run("prune", "--repo", r, "--keep-last", "1");
        assertEquals(0, prune.exit(), prune.toString());

        assertEquals(before, kind.everythingBut(repo, copy), "nothing outside the repository was created, changed"
                + " or deleted");
        Cli.Result after = cli.run("list", "--repo", r);
        assertTrue(after.out().contains(genuine.goodIds().get(1)) && after.out().contains("DAMAGED " + HOSTILE_ID),
                after.out());
        Path again = dir.resolve("again.db");
        Cli.Result restoreAgain = cli.run("restore", "latest", "--repo", r, "--to", again.toString(),
                "--identity-file", newKey.file().toString());
        assertEquals(0, restoreAgain.exit(), "the genuine backup, re-keyed, still restores: " + restoreAgain);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aDescriptorOfAnotherKindOrMalformedIsOneLineNamingTheFile(StoreKind kind, @TempDir Path dir)
            throws Exception {
        Pristine genuine = pristine(kind);
        Path db = dir.resolve("other.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        List<String> descriptors = List.of("{\"kind\": \"restic\", \"format\": 1}", "{\"kind\": \"lifeboat-repository\"",
                "{\"kind\": \"lifeboat-repository\", \"format\": 99}", "{\"kind\": \"lifeboat-repository\"}", "[]",
                "link");
        for (int i = 0; i < descriptors.size(); i++) {
            String descriptor = descriptors.get(i);
            Place repo = kind.place("descriptor-" + i);
            genuine.place().copyTo(repo);
            String file = "lifeboat-repository.json";
            if (descriptor.equals("link")) {
                Place elsewhere = kind.place("descriptor-" + i + "-elsewhere");
                elsewhere.put(file, repo.get(file));
                repo.delete(file);
                if (!repo.link(file, elsewhere, file)) {
                    continue;   // no links on this medium
                }
            } else {
                repo.put(file, descriptor.getBytes(StandardCharsets.UTF_8));
            }
            List<String> before = repo.entries();
            Cli cli = cli(dir.resolve("scratch"), repo);
            for (String[] command : List.of(new String[] {"list", "--repo", repo.spec()},
                    new String[] {"backup", "--no-encrypt", db.toString(), "--repo", repo.spec()},
                    new String[] {"prune", "--repo", repo.spec(), "--keep-last", "1"})) {
                Cli.assertOneLineFailure(cli.run(command), ExitCode.REPOSITORY, file);
            }
            assertEquals(before, repo.entries(), descriptor + ": nothing was added or removed");
        }
    }

    /**
     * Adds backup {@link #HOSTILE_ID} to {@code repo}, a copy of the genuine one in {@code newest},
     * crafted as {@code attack} says; false when the medium cannot hold what it needs.
     */
    private static boolean plant(Attack attack, Place repo, String newest, Place outside, String outsideName,
                                 String genuineId) throws Exception {
        String hostile = "backups/" + HOSTILE_ID + "/";
        byte[] object = repo.get(newest + OBJECT);
        ObjectNode manifest = (ObjectNode) JSON.readTree(repo.get(newest + "manifest.json"));
        manifest.put("id", HOSTILE_ID);
        switch (attack) {
            case FOLDER_SYMLINK -> {
                outside.put("backup/" + OBJECT, object);
                outside.put("backup/manifest.json", JSON.writeValueAsBytes(manifest));
                return repo.link("backups/" + HOSTILE_ID, outside, "backup");
            }
            case MANIFEST_SYMLINK -> {
                repo.put(hostile + OBJECT, object);
                outside.put("manifest.json", JSON.writeValueAsBytes(manifest));
                return repo.link(hostile + "manifest.json", outside, "manifest.json");
            }
            case OBJECT_SYMLINK -> {
                repo.put(hostile + "manifest.json", JSON.writeValueAsBytes(manifest));
                return repo.link(hostile + OBJECT, outside, OBJECT);
            }
            case MANIFEST_IS_A_FOLDER -> {
                repo.put(hostile + OBJECT, object);
                return repo.folder(hostile + "manifest.json");
            }
            case NOT_JSON -> {
                repo.put(hostile + OBJECT, object);
                repo.put(hostile + "manifest.json", ("{\"id\": \"" + HOSTILE_ID).getBytes(StandardCharsets.UTF_8));
                return true;
            }
            case OBJECT_IN_SUBFOLDER -> repo.put(hostile + "sub/" + OBJECT, object);
            default -> {
            }
        }
        repo.put(hostile + OBJECT, object);
        switch (attack) {
            case OBJECT_ABSOLUTE -> manifest.put("object", outside.absolute(OBJECT));
            case OBJECT_DOTDOT -> manifest.put("object", "../../../" + outsideName + "/" + OBJECT);
            case OBJECT_IN_SUBFOLDER -> manifest.put("object", "sub/" + OBJECT);
            case OBJECT_NUL -> manifest.put("object", "snapshot.sqlite.zst\u0000.age");
            case OBJECT_LONG -> manifest.put("object", "snapshot." + "x".repeat(5000));
            case ID_DOTDOT -> manifest.put("id", "../../" + outsideName + "/lock");
            case ID_ABSOLUTE -> manifest.put("id", outside.absolute("by-id"));
            case ID_OF_ANOTHER_BACKUP -> manifest.put("id", genuineId);
            case ID_LONG -> manifest.put("id", HOSTILE_ID + "x".repeat(10_000));
            case MISSING_SEAL -> manifest.remove("seal");
            case MISSING_OBJECT -> manifest.remove("object");
            case MISSING_SOURCE -> manifest.putNull("source");
            case WRONG_TYPES -> {
                manifest.put("seal", "sealed");
                manifest.putArray("facts");
            }
            case HUGE_MANIFEST -> manifest.put("padding", "x".repeat(5 << 20));
            default -> throw new IllegalArgumentException(attack.toString());
        }
        repo.put(hostile + "manifest.json", JSON.writeValueAsBytes(manifest));
        return true;
    }

    /** Copies a folder tree, for repositories kept as test fixtures. */
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
