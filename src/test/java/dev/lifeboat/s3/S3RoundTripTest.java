package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.Secrets;
import dev.lifeboat.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Everything a folder repository does, on an S3-compatible server, and copies between the two. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3RoundTripTest {
    private S3Server server;

    @TempDir
    Path dir;

    @BeforeAll
    void startServer() throws Exception {
        server = new S3Server();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void oneRunStoresInAFolderAndABucketAndEitherRestores() throws Exception {
        Path db = dir.resolve("app.db");
        Path folder = dir.resolve("repo");
        String bucket = server.url("roundtrip");
        Cli cli = server.cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 2000)) {
            Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", folder.toString(), "--repo", bucket,
                    "--json");
            assertEquals(0, backup.exit(), backup.toString());
            Manifest manifest = backup.manifest();
            assertTrue(backup.out().contains("\"stored\" : true"), backup.out());
            Secrets.assertAbsent(backup, S3Server.SECRET_KEY);

            Cli.Result list = cli.run("list", "--repo", bucket);
            assertEquals(0, list.exit(), list.toString());
            assertTrue(list.out().contains(manifest.id()), list.out());
            byte[] stored = server.client().getObjectAsBytes(b -> b.bucket(S3Server.BUCKET)
                    .key("roundtrip/backups/" + manifest.id() + "/snapshot.sqlite.zst")).asByteArray();
            assertEquals(manifest.seal().storedSize(), stored.length);
            assertEquals(Files.size(folder.resolve("backups").resolve(manifest.id()).resolve(manifest.object())),
                    stored.length, "the same sealed bytes went to both");

            Cli.Result cat = cli.run("cat", "latest", "--repo", bucket);
            assertEquals(0, cat.exit(), cat.toString());
            Path catted = dir.resolve("cat.db");
            Files.write(catted, cat.stdout());
            assertEquals(Map.of("customers", 2000L, "orders", 666L), TestDatabases.counts(catted));

            Cli.Result verify = cli.run("verify", "latest", "--repo", bucket);
            assertEquals(0, verify.exit(), verify.toString());
            assertTrue(server.keys("roundtrip/backups/" + manifest.id() + "/").stream()
                    .anyMatch(k -> k.contains("/verify-")), "the verification record is stored in the bucket");
        }
        for (String from : new String[] {bucket, folder.toString()}) {
            Path restored = dir.resolve("restored-" + from.hashCode() + ".db");
            Cli.Result restore = cli.run("restore", "latest", "--repo", from, "--to", restored.toString(), "--name",
                    "app");
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(Map.of("customers", 2000L, "orders", 666L), TestDatabases.counts(restored));
        }
        Path live = dir.resolve("restored-" + bucket.hashCode() + ".db");
        Cli.Result replace = cli.run("restore", "latest", "--repo", bucket, "--to", live.toString(), "--name", "app",
                "--yes");
        assertEquals(0, replace.exit(), replace.toString());
        assertTrue(replace.out().contains("pre-restore backup"), replace.out());
        assertTrue(cli.run("list", "--repo", bucket).out().contains("pre-restore"),
                "the safety backup went into the bucket");
    }

    @Test
    void copyGoesFolderToBucketAndBucketToFolderAndRefusesWhatIsThere() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 500).close();
        Path folder = dir.resolve("origin");
        String bucket = server.url("copies");
        Path back = dir.resolve("back");
        Cli cli = server.cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", folder.toString()).exit());

        Cli.Result up = cli.run("copy", "latest", "--from", folder.toString(), "--to", bucket);
        assertEquals(0, up.exit(), up.toString());
        assertTrue(up.out().contains("SHA-256 equal to the manifest"), up.out());
        Cli.Result down = cli.run("copy", "latest", "--from", bucket, "--to", back.toString());
        assertEquals(0, down.exit(), down.toString());
        for (String repo : new String[] {bucket, back.toString()}) {
            Cli.Result verify = cli.run("verify", "all", "--repo", repo);
            assertEquals(0, verify.exit(), verify.toString());
            assertTrue(verify.out().contains("row counts: 2 tables, 666 rows"), verify.out());
        }

        Cli.Result again = cli.run("copy", "latest", "--from", folder.toString(), "--to", bucket);
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("is already in"), again.err());
        assertEquals(1, again.err().lines().count(), again.err());
    }

    @Test
    void aTamperedSourceIsNotCopied() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 300).close();
        Path folder = dir.resolve("tampered");
        String bucket = server.url("tampered-copy");
        Cli cli = server.cli(dir.resolve("scratch"));
        Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", folder.toString(), "--json");
        Manifest manifest = backup.manifest();
        Path object = folder.resolve("backups").resolve(manifest.id()).resolve(manifest.object());
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(object, bytes);

        Cli.Result copy = cli.run("copy", manifest.id(), "--from", folder.toString(), "--to", bucket);
        assertEquals(6, copy.exit(), copy.toString());
        assertTrue(copy.err().contains("SHA-256 differs from its manifest"), copy.err());
        assertEquals(0, cli.run("list", "--repo", bucket).out().lines().count() - 1, "nothing listed");
        assertEquals(List.of("tampered-copy/lifeboat-repository.json"), server.keys("tampered-copy/"),
                "no object, marker or manifest is left");
        assertEquals(List.of(), server.pendingUploads("tampered-copy/"));
    }

    @Test
    void listingPaginatesPastAThousandKeysAndReadsManyManifests() throws Exception {
        Path db = dir.resolve("many.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        String bucket = server.url("many");
        Cli cli = server.cli(dir.resolve("scratch"));
        Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket, "--json");
        Manifest first = backup.manifest();
        String json = new String(server.client().getObjectAsBytes(b -> b.bucket(S3Server.BUCKET)
                .key("many/backups/" + first.id() + "/manifest.json")).asByteArray(), StandardCharsets.UTF_8);
        // 1,050 verification records fill the first page of the listing; backups after them are on the second.
        for (int i = 0; i < 1050; i++) {
            server.putDirect(String.format("many/backups/%s/verify-%06d.json", first.id(), i), new byte[] {'{', '}'});
        }
        for (int i = 0; i < 40; i++) {
            String id = String.format("29990101T000000Z-%06x", i);
            server.putDirect("many/backups/" + id + "/manifest.json",
                    json.replace(first.id(), id).getBytes(StandardCharsets.UTF_8));
        }
        Cli.Result list = cli.run("list", "--repo", bucket);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(1 + 1 + 40, list.out().lines().count(), "header, the real backup and every later one");
        assertTrue(list.out().contains("20" + first.id().substring(2)) && list.out().contains("29990101T000000Z-000027"),
                list.out());
    }

    @Test
    void credentialsComeFromTheVariablesTheUrlNamesAndNeverFromTheUrl() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        Cli own = new Cli(dir.resolve("scratch")).env("SHOP_S3_KEY", S3Server.ACCESS_KEY)
                .env("SHOP_S3_SECRET", S3Server.SECRET_KEY);
        String url = server.url("own-vars", "access-key-env=SHOP_S3_KEY", "secret-key-env=SHOP_S3_SECRET");
        Cli.Result backup = own.run("backup", "--no-encrypt", db.toString(), "--repo", url);
        assertEquals(0, backup.exit(), backup.toString());
        Secrets.assertAbsent(backup, S3Server.SECRET_KEY);

        Cli.Result unset = new Cli(dir.resolve("scratch")).run("list", "--repo", url);
        assertEquals(4, unset.exit(), unset.toString());
        assertTrue(unset.err().contains("SHOP_S3_KEY") && unset.err().contains("is not set"), unset.err());

        Cli.Result inUrl = server.cli(dir.resolve("scratch")).run("list", "--repo",
                "s3://" + S3Server.ACCESS_KEY + ":" + S3Server.SECRET_KEY + "@" + S3Server.BUCKET + "/x?endpoint="
                        + server.endpoint());
        assertEquals(2, inUrl.exit(), inUrl.toString());
        assertTrue(inUrl.err().contains("never in the repository URL"), inUrl.err());
        Secrets.assertAbsent(inUrl, S3Server.SECRET_KEY);

        Cli.Result typo = server.cli(dir.resolve("scratch")).run("list", "--repo", server.url("x",
                "secret=" + S3Server.SECRET_KEY));
        assertEquals(2, typo.exit(), typo.toString());
        assertTrue(typo.err().contains("unknown S3 repository option 'secret'"), typo.err());
        Secrets.assertAbsent(typo, S3Server.SECRET_KEY);
    }
}
