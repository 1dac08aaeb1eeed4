package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command in its own JVM against an SFTP server that goes away mid-upload, or killed
 * itself mid-upload: nothing partial is ever listed, and the next backup cleans up once the
 * writer is gone and the server is back, as for S3 and folders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SftpChildProcessTest {
    private InJvmSftpServer sftp;
    private S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        sftp = new InJvmSftpServer();
        s3 = new S3Server();
    }

    @AfterAll
    void stop() throws Exception {
        sftp.close();
        s3.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(sftp.env());
        env.putAll(s3.credentials());
        env.put("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        env.put("LIFEBOAT_UPLOAD_ATTEMPTS", "1");
        return env;
    }

    private Cli cli() {
        Cli cli = new Cli(dir.resolve("scratch"));
        env().forEach(cli::env);
        return cli;
    }

    private record ChildResult(int exit, String log) {
        long errorLines() {
            return log.lines().filter(l -> l.startsWith("lifeboat: ")).count();
        }
    }

    private ChildResult run(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        Process child = ChildJvm.start(env(), log, args);
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "timed out: " + String.join(" ", args));
        return new ChildResult(child.exitValue(), Files.readString(log));
    }

    /** Temp files of unfinished uploads in the served folder. */
    private List<Path> temps(String folder) throws IOException {
        try (Stream<Path> files = Files.walk(sftp.files().resolve(folder))) {
            return files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }

    /** The backup folders on the server, complete or not. */
    private List<String> backupFolders(String folder) throws IOException {
        try (Stream<Path> dirs = Files.list(sftp.files().resolve(folder).resolve("backups"))) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** Stops the server once {@code bytes} more were written; the latch opens when it is down. */
    private CountDownLatch killAtWritten(long bytes) {
        CountDownLatch killed = new CountDownLatch(1);
        sftp.atWritten(bytes, () -> {
            try {
                sftp.kill();
                killed.countDown();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return killed;
    }

    @Test
    void theServerStoppingMidUploadOfAThreeRepositoryBackupIsTreatedAsAFailingS3StoreIs() throws Exception {
        Path db = BigDatabases.random(dir.resolve("mid.db"), 6);
        Path folder = dir.resolve("folder");
        String bucket = s3.url("three");
        String nas = sftp.url("three", "retries=1", "timeout=5s");
        Cli cli = cli();
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", nas).exit(), "the repository exists");

        for (boolean sftpOptional : new boolean[] {true, false}) {
            CountDownLatch killed = killAtWritten(1 << 20);
            ChildResult backup = run("backup", "--no-encrypt", db.toString(), "--repo", folder.toString(),
                    "--repo", bucket + (sftpOptional ? "" : "#optional"), "--repo", nas + (sftpOptional ? "#optional" : ""));
            assertTrue(killed.await(10, TimeUnit.SECONDS), "the server was stopped mid-upload: " + backup.log());
            sftp.restart();
            if (sftpOptional) {
                assertEquals(0, backup.exit(), "an optional repository failed: " + backup.log());
                assertTrue(backup.log().contains("FAILED  " + nas + " (optional)"), backup.log());
                assertEquals(0, backup.errorLines(), backup.log());
            } else {
                assertEquals(ExitCode.REPOSITORY.code(), backup.exit(), "a required repository failed: " + backup.log());
                assertEquals(1, backup.errorLines(), "one line: " + backup.log());
                assertTrue(backup.log().contains("lifeboat: the backup did not reach required repository " + nas),
                        backup.log());
            }
            assertTrue(backup.log().contains("'lifeboat copy ") && backup.log().contains(" --to " + nas + "'"),
                    "the way to complete it is named: " + backup.log());
            assertTrue(backup.log().matches("(?s).*(lost the connection to|cannot connect to|did not answer in time)"
                    + " 127\\.0\\.0\\.1:" + sftp.port() + ".*"), "the store's failure is named: " + backup.log());
            Cli.Result list = cli.run("list", "--repo", nas);
            assertEquals(2, list.out().lines().count(), "only the first backup is listed:\n" + list);
            assertFalse(temps("three").isEmpty(), "the server was gone, so nobody could remove the upload's temp");
            assertEquals(2, backupFolders("three").size(), "the dead run's folder beside the first backup (a run"
                    + " removes what earlier dead runs left)");
        }
        assertEquals(3, cli.run("list", "--repo", folder.toString()).out().lines().count(), "the folder got both");
        assertEquals(3, cli.run("list", "--repo", bucket).out().lines().count(), "the bucket got both");

        nextBackupCleansUp(cli, db, nas, "three");
    }

    @Test
    void aBackupKilledMidUploadLeavesNothingListedAndTheNextBackupRemovesItsTemp() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 100).close();
        String nas = sftp.url("killed");
        Cli cli = cli();
        assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", nas).exit());
        BigDatabases.slowToCompress(db, 60_000);

        Process child = ChildJvm.start(env(), dir.resolve("killed.log"), "backup", "--no-encrypt", db.toString(),
                "--repo", nas, "--level", "19");
        Path temp = awaitTempObject("killed", child);
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertTrue(Files.exists(temp), "the child died mid-upload");

        Cli.Result list = cli.run("list", "--repo", nas);
        assertEquals(2, list.out().lines().count(), "only the earlier backup is listed:\n" + list);
        nextBackupCleansUp(cli, db, nas, "killed", "--level", "1");
    }

    /**
     * The next backup, with the server up and the dead run's writer gone, removes that run's temp
     * and folder: the first backup and its own are all that is left, and both verify.
     */
    private void nextBackupCleansUp(Cli cli, Path db, String nas, String folder, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("backup", "--no-encrypt", db.toString(), "--repo", nas));
        args.addAll(List.of(options));
        Cli.Result next = cli.run(args.toArray(String[]::new));
        assertEquals(0, next.exit(), next.toString());
        assertEquals(List.of(), temps(folder), "the next backup removed the dead run's temp");
        assertEquals(2, backupFolders(folder).size(), "and its folder");
        Cli.Result verify = cli.run("verify", "all", "--repo", nas);
        assertEquals(0, verify.exit(), verify.toString());
        assertFalse(verify.out().contains("INCOMPLETE"), verify.out());
    }

    @Test
    void anUnreachableServerIsOneLineAndExitFour() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path db = dir.resolve("unreachable.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        Map<String, Long> before = TestDatabases.counts(db);
        String nas = "sftp://" + InJvmSftpServer.USER + "@127.0.0.1:" + port + "/x?retries=0&connect-timeout=2s";
        Cli cli = cli();
        Cli.assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", nas), ExitCode.REPOSITORY,
                "cannot connect to 127.0.0.1:" + port, "connection refused");
        Cli.assertOneLineFailure(cli.run("list", "--repo", nas), ExitCode.REPOSITORY,
                "cannot connect to 127.0.0.1:" + port);
        assertEquals(before, TestDatabases.counts(db), "the source is as it was");
    }

    private Path awaitTempObject(String folder, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            try {
                for (Path temp : temps(folder)) {
                    if (temp.getFileName().toString().contains("snapshot") && Files.size(temp) > 0) {
                        return temp;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // a file went away while the folder was walked
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child never started uploading (alive: " + child.isAlive() + ")");
    }
}
