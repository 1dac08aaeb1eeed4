package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real command in its own JVM: a small heap, and a server that goes away mid-upload. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ChildProcessTest {
    private S3Server server;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        server = new S3Server();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(server.credentials());
        env.put("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("LIFEBOAT_UPLOAD_ATTEMPTS", "1");
        return env;
    }

    private ChildResult run(List<String> jvm, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        Process child = ChildJvm.start(jvm, env(), log, args);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "timed out: " + String.join(" ", args));
        return new ChildResult(child.exitValue(), Files.readString(log));
    }

    record ChildResult(int exit, String log) {
    }

    @Test
    void aBackupOfManyPartsRoundTripsThroughABucketInASmallHeap() throws Exception {
        // 32 MB of incompressible rows: seven 5 MiB parts, in a heap not much larger than the object.
        Path db = BigDatabases.random(dir.resolve("big.db"), 32);
        String bucket = server.url("small-heap", "part-size=5MiB");
        List<String> smallHeap = List.of("-Xmx64m", "-XX:+UseSerialGC");
        ChildResult backup = run(smallHeap, "backup", "--no-encrypt", db.toString(), "--repo", bucket);
        assertEquals(0, backup.exit(), backup.log());
        Path restored = dir.resolve("restored.db");
        ChildResult restore = run(smallHeap, "restore", "latest", "--repo", bucket, "--to", restored.toString());
        assertEquals(0, restore.exit(), restore.log());
        assertEquals(Map.of("docs", 32L * 256), TestDatabases.counts(restored));
    }

    @Test
    void theServerStoppingMidUploadLeavesNoBackupAndTheFolderStillGetsIts() throws Exception {
        Path db = BigDatabases.random(dir.resolve("mid.db"), 12);
        Path folder = dir.resolve("folder");
        String bucket = server.url("stopped", "part-size=5MiB", "retries=1", "timeout=2s");
        Cli cli = server.cli(dir.resolve("scratch"));
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket).exit(), "the repository exists");

        for (String mark : new String[] {"#optional", ""}) {
            server.faults().atPart(2, () -> new Thread(() -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).start());
            ChildResult backup = run(List.of(), "backup", "--no-encrypt", db.toString(), "--repo", folder.toString(), "--repo",
                    bucket + mark);
            server.faults().reset();
            server.restart();
            if (mark.isEmpty()) {
                assertEquals(4, backup.exit(), "a required repository failed: " + backup.log());
                assertTrue(backup.log().contains("lifeboat: the backup did not reach required repository"),
                        backup.log());
            } else {
                assertEquals(0, backup.exit(), "an optional repository failed: " + backup.log());
                assertTrue(backup.log().contains("FAILED  " + bucket + " (optional)"), backup.log());
            }
            assertTrue(backup.log().matches("(?s).*(cannot connect to|failed while (uploading part|completing the"
                    + " upload)|did not answer in time).*"), "the store's failure is named: " + backup.log());
            Cli.Result list = cli.run("list", "--repo", bucket);
            assertEquals(2, list.out().lines().count(), "only the first backup is listed:\n" + list.out());
            assertFalse(server.pendingUploads("stopped/").isEmpty(), "the server was gone, so nobody could abort");
            Cli.Result verify = cli.run("verify", "all", "--repo", bucket);
            assertEquals(0, verify.exit(), verify.toString());
            assertEquals(List.of(), server.pendingUploads("stopped/"),
                    "verify, the next command, aborted the dead run's upload");
        }
        assertEquals(3, cli.run("list", "--repo", folder.toString()).out().lines().count(),
                "the folder got both backups");

        Cli.Result next = cli.run("backup", "--no-encrypt", db.toString(), "--repo", bucket);
        assertEquals(0, next.exit(), next.toString());
        assertEquals(List.of(), server.pendingUploads("stopped/"), "the next run aborted the dead runs' uploads");
        Cli.Result verify = cli.run("verify", "all", "--repo", bucket);
        assertEquals(0, verify.exit(), verify.toString());
        assertFalse(verify.out().contains("INCOMPLETE"), verify.out());
        assertEquals(2 * 3 + 2 + 1, server.keys("stopped/").size(),
                "two backups with object, manifest and verification record, two more records, the descriptor: "
                        + server.keys("stopped/"));
    }
}
