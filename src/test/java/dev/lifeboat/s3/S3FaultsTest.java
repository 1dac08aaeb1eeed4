package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.Secrets;
import dev.lifeboat.testing.SilentServer;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Faults of the store and of the way to it: each gets one clear line, and no repository is left half-written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3FaultsTest {
    private static final String FAST_FAIL = "retries=1";
    private S3Server server;
    private Path bigDb;

    @TempDir
    Path dir;

    @BeforeAll
    void start(@TempDir Path shared) throws Exception {
        server = new S3Server();
        bigDb = BigDatabases.random(shared.resolve("big.db"), 12);
    }

    @AfterEach
    void noFaultsLeft() {
        server.faults().reset();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private Cli cli() {
        return server.cli(dir.resolve("scratch"));
    }

    @Test
    void answers503AreRetriedForPartsAndSinglePuts() throws Exception {
        String bucket = server.url("retried", "part-size=5MiB");
        server.faults().failParts(2, 503);
        Cli.Result big = cli().run("backup", "--no-encrypt", bigDb.toString(), "--repo", bucket);
        assertEquals(0, big.exit(), big.toString());
        assertEquals(2, server.faults().served(), "both 503 answers were given and retried");

        Path small = dir.resolve("small.db");
        TestDatabases.walWithUncheckpointedRows(small, 50).close();
        server.faults().failPuts(2, 503);
        Cli.Result single = cli().run("backup", "--no-encrypt", small.toString(), "--repo", bucket);
        assertEquals(0, single.exit(), single.toString());
        assertEquals(2, server.faults().served());
        Cli.Result verify = cli().run("verify", "all", "--repo", bucket);
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(2, verify.out().lines().filter(l -> l.startsWith("verified")).count(), verify.out());
    }

    @Test
    void anOptionalBucketThatFailsLeavesNothingAndTheFolderGetsItsCopy() throws Exception {
        String bucket = server.url("optional", "part-size=5MiB", FAST_FAIL);
        Path folder = dir.resolve("folder");
        server.faults().failParts(1000, 500);
        Cli.Result backup = cli().env("LIFEBOAT_UPLOAD_ATTEMPTS", "1").run("backup", "--no-encrypt", bigDb.toString(),
                "--repo", folder.toString(), "--repo", bucket + "#optional");
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.out().contains("FAILED  " + bucket + " (optional)"), backup.out());
        assertTrue(backup.err().contains("copy it there later with 'lifeboat copy"), backup.err());
        assertEquals(2, cli().run("list", "--repo", folder.toString()).out().lines().count());
        assertBucketHoldsNoBackup("optional/");

        server.faults().reset();
        Cli.Result copy = cli().run("copy", "latest", "--from", folder.toString(), "--to", bucket);
        assertEquals(0, copy.exit(), copy.toString());
        assertEquals(0, cli().run("verify", "latest", "--repo", bucket).exit());
    }

    @Test
    void aRequiredBucketThatFailsFailsTheRunWithOneLineAndLeavesNothing() throws Exception {
        String bucket = server.url("required", "part-size=5MiB", FAST_FAIL);
        Path folder = dir.resolve("folder");
        server.faults().failParts(1000, 500);
        Cli.Result backup = cli().env("LIFEBOAT_UPLOAD_ATTEMPTS", "1").run("backup", "--no-encrypt", bigDb.toString(),
                "--repo", folder.toString(), "--repo", bucket);
        assertEquals(4, backup.exit(), backup.toString());
        assertEquals(1, backup.err().lines().count(), backup.err());
        assertTrue(backup.err().startsWith("lifeboat: the backup did not reach required repository " + bucket),
                backup.err());
        assertTrue(backup.err().contains("kept failing"), backup.err());
        assertEquals(2, cli().run("list", "--repo", folder.toString()).out().lines().count(),
                "the folder has its copy, to be copied over later");
        assertBucketHoldsNoBackup("required/");
    }

    @Test
    void aFailedBucketIsRetriedByCopyingFromTheFolder() throws Exception {
        String bucket = server.url("recopied", "part-size=5MiB", FAST_FAIL);
        // The first two parts upload side by side; with one retry each, four errors fail them both.
        server.faults().failParts(4, 500);
        Cli.Result backup = cli().env("LIFEBOAT_UPLOAD_ATTEMPTS", "2").run("backup", "--no-encrypt", bigDb.toString(),
                "--repo", dir.resolve("folder").toString(), "--repo", bucket);
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.out().contains("(after a retry)"), backup.out());
        assertEquals(0, cli().run("verify", "latest", "--repo", bucket).exit());
        assertEquals(List.of(), server.pendingUploads("recopied/"), "the failed multipart upload was aborted");
    }

    @Test
    void aBucketAloneIsRetriedWithAFreshSnapshot() throws Exception {
        String bucket = server.url("alone", "part-size=5MiB", FAST_FAIL);
        server.faults().failParts(4, 500);
        Cli.Result backup = cli().env("LIFEBOAT_UPLOAD_ATTEMPTS", "2").run("backup", "--no-encrypt", bigDb.toString(),
                "--repo", bucket);
        assertEquals(0, backup.exit(), backup.toString());
        assertEquals(4, server.faults().served(), "the first try failed");
        assertEquals(2, cli().run("list", "--repo", bucket).out().lines().count());
        assertEquals(List.of(), server.pendingUploads("alone/"));
        assertEquals(3, server.keys("alone/").size(), "descriptor, object, manifest: " + server.keys("alone/"));
    }

    @Test
    void aBrokenDownloadResumesAndOneThatKeepsBreakingIsARepositoryErrorNotCorruption() throws Exception {
        String bucket = server.url("resumed", "part-size=5MiB", FAST_FAIL);
        assertEquals(0, cli().run("backup", "--no-encrypt", bigDb.toString(), "--repo", bucket).exit());
        server.faults().breakReads(1, 3 << 20);
        Cli.Result resumed = cli().run("verify", "latest", "--repo", bucket);
        assertEquals(0, resumed.exit(), resumed.toString());
        assertEquals(1, server.faults().served(), "the download broke once and went on from there");

        server.faults().breakReads(100, 3 << 20);
        Cli.Result broken = cli().run("verify", "latest", "--repo", bucket);
        assertEquals(4, broken.exit(), broken.toString());
        assertTrue(broken.err().startsWith("lifeboat: lost the connection to " + bucket), broken.err());
        assertEquals(1, broken.err().lines().count(), broken.err());
    }

    @Test
    void aForeignPrefixIsNotTakenOverAndAnEmptyOneIsNoRepository() throws Exception {
        server.putDirect("foreign/notes.txt", new byte[] {'x'});
        Path small = dir.resolve("small.db");
        TestDatabases.walWithUncheckpointedRows(small, 10).close();
        Cli.Result backup = cli().run("backup", "--no-encrypt", small.toString(), "--repo", server.url("foreign"));
        assertEquals(4, backup.exit(), backup.toString());
        assertTrue(backup.err().contains("is not empty and is not a Lifeboat repository"), backup.err());
        assertEquals(List.of("foreign/notes.txt"), server.keys("foreign/"));

        Cli.Result list = cli().run("list", "--repo", server.url("never-written"));
        assertEquals(5, list.exit(), list.toString());
        assertTrue(list.err().contains("no Lifeboat repository at"), list.err());
    }

    @Test
    void wrongCredentialsMissingBucketAndNoCredentialsEachGetOneClearLine() throws Exception {
        Path small = dir.resolve("small.db");
        TestDatabases.walWithUncheckpointedRows(small, 10).close();
        String bucket = server.url("creds");
        Cli wrong = new Cli(dir.resolve("scratch")).env("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY)
                .env("AWS_SECRET_ACCESS_KEY", "wrong-secret-value");
        for (String[] args : new String[][] {{"list", "--repo", bucket},
                {"backup", "--no-encrypt", small.toString(), "--repo", bucket}}) {
            Cli.Result result = wrong.run(args);
            assertEquals(4, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().contains("S3 rejected the credentials"), result.err());
            Secrets.assertAbsent(result, "wrong-secret-value", S3Server.SECRET_KEY);
        }

        String missing = "s3://no-such-bucket/x?endpoint=" + server.endpoint();
        for (String[] args : new String[][] {{"list", "--repo", missing},
                {"backup", "--no-encrypt", small.toString(), "--repo", missing}}) {
            Cli.Result result = cli().run(args);
            assertEquals(5, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().contains("bucket 'no-such-bucket' does not exist"), result.err());
        }

        Cli.Result none = new Cli(dir.resolve("scratch")).env("HOME", dir.toString()).run("list", "--repo", bucket);
        assertEquals(4, none.exit(), none.toString());
        assertTrue(none.err().contains("no S3 credentials"), none.err());
    }

    @Test
    void aTruncatedListingIsRetriedAndOneThatPersistsIsOneLine() throws Exception {
        String bucket = server.url("listed");
        Path small = dir.resolve("small.db");
        TestDatabases.walWithUncheckpointedRows(small, 50).close();
        assertEquals(0, cli().run("backup", "--no-encrypt", small.toString(), "--repo", bucket).exit());

        server.faults().malformLists(1);
        Cli.Result list = cli().run("list", "--repo", bucket);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(2, list.out().lines().count(), list.out());
        assertEquals(1, server.faults().served(), "the cut-short listing was answered, and retried");

        server.faults().malformLists(1);
        Cli.Result backup = cli().run("backup", "--no-encrypt", small.toString(), "--repo", bucket);
        assertEquals(0, backup.exit(), backup.toString());
        assertEquals(1, server.faults().served());
        assertEquals(3, cli().run("list", "--repo", bucket).out().lines().count());

        List<String> keys = server.keys("listed/");
        server.faults().malformLists(1000);
        // The last try meets either another cut-short listing or the connection the one before left broken.
        Cli.assertOneLineFailure(cli().run("list", "--repo", server.url("listed", FAST_FAIL)),
                dev.lifeboat.ExitCode.REPOSITORY, "while listing", "in s3://" + S3Server.BUCKET + "/listed",
                "try again later", "endpoint=");
        assertTrue(server.faults().served() >= 1, "the listing was cut short");
        server.faults().malformLists(1);
        Cli.assertOneLineFailure(cli().run("list", "--repo", server.url("listed", "retries=0")),
                dev.lifeboat.ExitCode.REPOSITORY, "with a malformed response (XML cut short or garbled) while listing",
                "in s3://" + S3Server.BUCKET + "/listed", "try again later", "check endpoint=");
        server.faults().reset();
        assertEquals(keys, server.keys("listed/"), "the repository is as it was");
    }

    @Test
    void unreachableEndpointsFailWithinTheConfiguredTime() throws Exception {
        String closed = "s3://bucket/x?endpoint=" + SilentServer.closedEndpoint() + "&" + FAST_FAIL;
        Cli.Result refused = cli().run("list", "--repo", closed);
        assertEquals(4, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("connection refused"), refused.err());

        try (SilentServer silent = new SilentServer()) {
            String hung = "s3://bucket/x?endpoint=" + silent.endpoint() + "&timeout=1s&" + FAST_FAIL;
            long start = System.nanoTime();
            Cli.Result list = cli().run("list", "--repo", hung);
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            assertEquals(4, list.exit(), list.toString());
            assertTrue(list.err().contains("did not answer in time"), list.err());
            assertTrue(seconds < 6, "two 1 s attempts took " + seconds + " s");

            Path small = dir.resolve("small.db");
            TestDatabases.walWithUncheckpointedRows(small, 10).close();
            Path folder = dir.resolve("beside-hung");
            start = System.nanoTime();
            Cli.Result backup = cli().env("LIFEBOAT_UPLOAD_ATTEMPTS", "1").run("backup", "--no-encrypt", small.toString(),
                    "--repo", folder.toString(), "--repo", hung + "#optional");
            seconds = (System.nanoTime() - start) / 1_000_000_000;
            assertEquals(0, backup.exit(), backup.toString());
            assertTrue(seconds < 10, "the hung optional repository held the backup for " + seconds + " s: " + backup);
            assertTrue(Files.isDirectory(folder.resolve("backups")));
        }
    }

    private void assertBucketHoldsNoBackup(String prefix) {
        assertEquals(List.of(), server.pendingUploads(prefix), "the multipart upload was aborted");
        assertEquals(List.of(), server.keys(prefix), "no object, owner marker, manifest or descriptor is left: the"
                + " failed first backup removes the repository it created");
    }
}
