package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket prefix someone else can write into: a crafted backup never makes Lifeboat read, write
 * or delete a key outside the repository's prefix, and the genuine backups stay usable. The keys
 * outside hold a valid object, so following a crafted name would visibly succeed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3HostileRepositoryTest {
    private static final String HOSTILE_ID = "20991231T235959Z-abcdef";
    private static final String OBJECT = "snapshot.sqlite.zst.age";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    private S3Server server;
    private AgeCli.Key key;
    private AgeCli.Key newKey;
    private List<String> goodIds;

    @BeforeAll
    void twoGenuineBackups() throws Exception {
        server = new S3Server();
        AgeCli age = new AgeCli(Files.createDirectories(shared.resolve("keys")));
        key = age.keygen("key");
        newKey = age.keygen("new");
        Path db = shared.resolve("app.db");
        Cli cli = server.cli(shared.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 200)) {
            for (int i = 0; i < 2; i++) {
                // Ids have one-second resolution: a second apart, the id order is the time order the tests rely on.
                Thread.sleep(i * 1100L);
                Cli.Result backup = cli.run("backup", db.toString(), "--repo", server.url("pristine"), "--name", "app",
                        "--recipient", key.publicKey());
                assertEquals(0, backup.exit(), backup.toString());
            }
        }
        goodIds = server.keys("pristine/backups/").stream().filter(k -> k.endsWith("/manifest.json"))
                .map(k -> k.split("/")[2]).sorted().toList();
        assertEquals(2, goodIds.size());
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"object-absolute", "object-dotdot", "object-in-subfolder", "id-dotdot",
            "id-of-another-backup", "missing-seal", "wrong-types", "not-json", "huge-manifest"})
    void aCraftedBackupIsDamagedAndNoKeyOutsideThePrefixIsTouched(String attack, @TempDir Path dir) throws Exception {
        String prefix = "h-" + attack;
        String outside = "o-" + attack;
        for (String k : server.keys("pristine/")) {
            copy(k, prefix + k.substring("pristine".length()));
        }
        String genuine = prefix + "/backups/" + goodIds.get(1) + "/";
        String hostile = prefix + "/backups/" + HOSTILE_ID + "/";
        copy(genuine + OBJECT, outside + "/" + OBJECT);
        copy(genuine + OBJECT, hostile + OBJECT);
        put(outside + "/sentinel.txt", "must stay".getBytes());
        ObjectNode manifest = (ObjectNode) JSON.readTree(get(genuine + "manifest.json"));
        manifest.put("id", HOSTILE_ID);
        byte[] crafted = switch (attack) {
            case "object-absolute" -> edit(manifest, m -> m.put("object", "/" + outside + "/" + OBJECT));
            case "object-dotdot" -> edit(manifest, m -> m.put("object", "../../../" + outside + "/" + OBJECT));
            case "object-in-subfolder" -> {
                copy(genuine + OBJECT, hostile + "sub/" + OBJECT);
                yield edit(manifest, m -> m.put("object", "sub/" + OBJECT));
            }
            case "id-dotdot" -> edit(manifest, m -> m.put("id", "../../" + outside + "/x"));
            case "id-of-another-backup" -> edit(manifest, m -> m.put("id", goodIds.get(1)));
            case "missing-seal" -> edit(manifest, m -> m.remove("seal"));
            case "wrong-types" -> edit(manifest, m -> m.put("facts", 7));
            case "not-json" -> "{\"id\":".getBytes();
            case "huge-manifest" -> edit(manifest, m -> m.put("padding", "x".repeat(5 << 20)));
            default -> throw new IllegalArgumentException(attack);
        };
        put(hostile + "manifest.json", crafted);
        Map<String, String> before = keysOutside(prefix);

        Cli cli = server.cli(dir.resolve("scratch"));
        String r = server.url(prefix);
        String identity = key.file().toString();
        Cli.Result list = cli.run("list", "--repo", r);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("DAMAGED " + HOSTILE_ID), list.out());
        Cli.assertOneLineFailure(cli.run("verify", HOSTILE_ID, "--repo", r, "--identity-file", identity),
                ExitCode.INTEGRITY, "damaged");
        Cli.Result all = cli.run("verify", "all", "--repo", r, "--identity-file", identity);
        assertEquals(ExitCode.INTEGRITY.code(), all.exit(), all.toString());
        goodIds.forEach(id -> assertTrue(all.out().contains("verified " + id), all.out()));
        Cli.Result cat = cli.run("cat", HOSTILE_ID, "--repo", r, "--identity-file", identity);
        Cli.assertOneLineFailure(cat, ExitCode.INTEGRITY, "damaged");
        assertEquals(0, cat.stdout().length);
        Path target = dir.resolve("restored.db");
        Cli.assertOneLineFailure(cli.run("restore", HOSTILE_ID, "--repo", r, "--to", target.toString(), "--yes",
                "--identity-file", identity), ExitCode.INTEGRITY, "damaged");
        Cli.Result latest = cli.run("restore", "latest", "--repo", r, "--to", target.toString(), "--yes",
                "--identity-file", identity);
        assertEquals(0, latest.exit(), latest.toString());
        assertEquals(200L, TestDatabases.counts(target).get("customers"));
        Cli.assertOneLineFailure(cli.run("copy", HOSTILE_ID, "--from", r, "--to", dir.resolve("copy").toString()),
                ExitCode.INTEGRITY, "damaged");
        assertEquals(0, cli.run("copy", "latest", "--from", r, "--to", dir.resolve("copy").toString()).exit());
        Cli.Result rekey = cli.run("rekey", "--repo", r, "--to-recipient", newKey.publicKey(), "--identity-file",
                identity);
        assertEquals(0, rekey.exit(), rekey.toString());
        assertEquals(0, cli.run("catalog", "rebuild", "--repo", r).exit());
        Cli.Result prune = cli.run("prune", "--repo", r, "--keep-last", "1");
        assertEquals(0, prune.exit(), prune.toString());

        assertEquals(before, keysOutside(prefix), "no key outside the repository's prefix was written or deleted");
        assertTrue(server.keys(hostile).contains(hostile + "manifest.json"), "the damaged backup is left as it was");
        assertTrue(server.keys(genuine).contains(genuine + "manifest.json"), "the newest genuine backup is kept");
    }

    private interface Edit {
        void apply(ObjectNode manifest);
    }

    private static byte[] edit(ObjectNode manifest, Edit edit) throws Exception {
        edit.apply(manifest);
        return JSON.writeValueAsBytes(manifest);
    }

    /** Every key of the bucket that is not under {@code prefix}, with its ETag. */
    private Map<String, String> keysOutside(String prefix) {
        Map<String, String> keys = new TreeMap<>();
        for (S3Object o : server.client().listObjectsV2Paginator(b -> b.bucket(S3Server.BUCKET)).contents()) {
            if (!o.key().startsWith(prefix + "/")) {
                keys.put(o.key(), o.eTag());
            }
        }
        return keys;
    }

    private void copy(String from, String to) {
        server.client().copyObject(b -> b.sourceBucket(S3Server.BUCKET).sourceKey(from)
                .destinationBucket(S3Server.BUCKET).destinationKey(to));
    }

    private void put(String key, byte[] content) {
        server.client().putObject(b -> b.bucket(S3Server.BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private byte[] get(String key) {
        return server.client().getObjectAsBytes(b -> b.bucket(S3Server.BUCKET).key(key)).asByteArray();
    }
}
