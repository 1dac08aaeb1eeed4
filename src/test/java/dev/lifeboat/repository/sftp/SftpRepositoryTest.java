package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An sftp:// repository through the command line: backup, list, verify, restore, and copies to
 * and from a folder and an S3 bucket, the stored object passing unchanged between the kinds.
 */
class SftpRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void backUpVerifyRestoreAndCopyBetweenKinds() throws Exception {
        try (InJvmSftpServer server = new InJvmSftpServer()) {
            Cli cli = new Cli(dir.resolve("scratch"));
            for (Map.Entry<String, String> e : server.env().entrySet()) {
                cli = cli.env(e.getKey(), e.getValue());
            }
            String repo = server.url("backups/shop");
            Path db = dir.resolve("shop.db");
            try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 400)) {
                Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo);
                assertEquals(0, backup.exit(), backup.toString());
            }
            Cli.Result list = cli.run("list", "--repo", repo);
            assertEquals(0, list.exit(), list.toString());
            assertEquals(2, list.out().lines().count(), list.out());
            String id = list.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
            assertEquals(0, cli.run("verify", "latest", "--repo", repo).exit());

            Path restored = dir.resolve("restored.db");
            Cli.Result restore = cli.run("restore", "latest", "--repo", repo, "--to", restored.toString());
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(400L, TestDatabases.counts(restored).get("customers"));

            Path folder = dir.resolve("local");
            Cli.Result down = cli.run("copy", id, "--from", repo, "--to", folder.toString());
            assertEquals(0, down.exit(), down.toString());
            String back = server.url("backups/second");
            Cli.Result up = cli.run("copy", id, "--from", folder.toString(), "--to", back);
            assertEquals(0, up.exit(), up.toString());
            assertEquals(0, cli.run("verify", id, "--repo", back).exit());
            assertTrue(cli.run("list", "--repo", back).out().contains(id));

            try (S3Server s3 = new S3Server()) {
                s3.credentials().forEach(cli::env);
                String bucket = s3.url("from-sftp");
                Cli.Result toS3 = cli.run("copy", id, "--from", repo, "--to", bucket);
                assertEquals(0, toS3.exit(), toS3.toString());
                String third = server.url("backups/from-s3");
                Cli.Result fromS3 = cli.run("copy", id, "--from", bucket, "--to", third);
                assertEquals(0, fromS3.exit(), fromS3.toString());
                assertEquals(0, cli.run("verify", id, "--repo", bucket).exit());
                Path again = dir.resolve("again.db");
                Cli.Result restoreAgain = cli.run("restore", id, "--repo", third, "--to", again.toString());
                assertEquals(0, restoreAgain.exit(), restoreAgain.toString());
                assertEquals(400L, TestDatabases.counts(again).get("customers"));
                String object = "backups/" + id + "/snapshot.sqlite.zst";
                assertArrayEquals(Files.readAllBytes(server.files().resolve("backups/shop").resolve(object)),
                        Files.readAllBytes(server.files().resolve("backups/from-s3").resolve(object)),
                        "the stored object came back through S3 byte for byte");
            }
        }
    }
}
