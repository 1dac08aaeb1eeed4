package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stock S3 client reads what Lifeboat wrote, and the README's restore by hand works from it. */
class S3StockToolsTest {
    @TempDir
    Path dir;

    @Test
    void rcloneListsAndFetchesTheBackupAndZstdAndSqlite3OpenIt() throws Exception {
        try (S3Server server = new S3Server()) {
            Path db = BigDatabases.random(dir.resolve("app.db"), 8);
            Cli cli = server.cli(dir.resolve("scratch"));
            Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", server.url("stock", "part-size=5MiB"),
                    "--json");
            assertEquals(0, backup.exit(), backup.toString());
            Manifest manifest = backup.manifest();
            assertTrue(manifest.seal().storedSize() > 5 << 20, "the object was uploaded in parts");

            // As in the README: rclone configured only through environment variables.
            Map<String, String> env = Map.of("RCLONE_CONFIG", dir.resolve("no-rclone.conf").toString(),
                    "RCLONE_CONFIG_LB_TYPE", "s3", "RCLONE_CONFIG_LB_PROVIDER", "Other",
                    "RCLONE_CONFIG_LB_ACCESS_KEY_ID", S3Server.ACCESS_KEY,
                    "RCLONE_CONFIG_LB_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
                    "RCLONE_CONFIG_LB_ENDPOINT", server.endpoint(), "RCLONE_CONFIG_LB_REGION", "us-east-1",
                    // a CA bundle meant for HTTPS elsewhere makes rclone refuse a plain-HTTP endpoint
                    "AWS_CA_BUNDLE", "");
            String backupDir = "lb:" + S3Server.BUCKET + "/stock/backups/" + manifest.id();
            Tools.Output listing = Tools.run(List.of("rclone", "lsf", backupDir), env, null);
            assertEquals(0, listing.exit(), listing.err());
            assertEquals(List.of("manifest.json", "snapshot.sqlite.zst"), listing.out().lines().sorted().toList());

            Path local = dir.resolve("fetched");
            Tools.Output copy = Tools.run(List.of("rclone", "copy", backupDir, local.toString()), env, null);
            assertEquals(0, copy.exit(), copy.err());
            Path object = local.resolve("snapshot.sqlite.zst");
            Manifest fetched = Json.read(Files.readAllBytes(local.resolve("manifest.json")), Manifest.class);
            assertEquals(manifest.seal(), fetched.seal());
            assertEquals(manifest.seal().storedSha256(), Tools.ok("sha256sum", object.toString()).split(" ")[0]);
            Path restored = dir.resolve("restored.db");
            Tools.ok("sh", "-c", "zstd -d -c '" + object + "' > '" + restored + "'");
            assertEquals("ok", Tools.sqlite(restored, "PRAGMA integrity_check"));
            assertEquals(Map.of("docs", 8L * 256), TestDatabases.counts(restored));
        }
    }
}
