package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.SilentServer;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL watch of a physical job whose repository is an S3 endpoint that accepts connections and
 * never answers: its check hangs on its own thread while the daemon's ticks return at once and
 * another job's scheduled backup runs on time; the hung check is logged once after five minutes,
 * and stopping the daemon interrupts it without an alarm.
 */
class SlowWalCheckTest {
    @TempDir
    Path dir;

    @Test
    void aHungWalCheckDelaysNoScheduledJob() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 20).close();
        Path repo = dir.resolve("repo");
        int closed = dev.lifeboat.testing.PgCluster.freePort();
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T01:59:00Z"));
        try (SilentServer silent = new SilentServer();
             JobHarness harness = new JobHarness(dir, clock, java.util.Map.of("AWS_ACCESS_KEY_ID",
                     S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY))) {
            LifeboatConfig config = JobHarness.config("""
                    jobs:
                      cluster:
                        source: postgresql://postgres@127.0.0.1:%d/postgres
                        source-options: { physical: true }
                        repositories: [ "s3://bucket/pg?endpoint=%s&timeout=60s&retries=1" ]
                        encryption: none
                        wal-max-age: 15min
                      shop:
                        source: %s
                        repositories: [ %s ]
                        encryption: none
                        timezone: UTC
                        schedule: "0 2 * * *"
                    """.formatted(closed, silent.endpoint(), db, repo));
            DaemonRuntime runtime = new DaemonRuntime(clock, harness.parts, harness.log(), new SplittableRandom(1));
            runtime.daemon().start(config);

            // The first tick hands the WAL check to its thread, which then waits on the silent store.
            assertTickReturnsAtOnce(runtime, clock, Instant.parse("2025-06-01T01:59:30Z"));
            await(() -> silent.accepted() > 0, "the WAL check to reach the store", harness);

            // The shop's backup is due while the check hangs: it starts on this tick and completes.
            assertTickReturnsAtOnce(runtime, clock, Instant.parse("2025-06-01T02:00:05Z"));
            await(() -> !runtime.lanes().isBusy("shop"), "the shop's backup", harness);
            Run backup = harness.catalog.history(Optional.of("shop"), 5).get(0);
            assertEquals("backup", backup.kind());
            assertEquals(RunStatus.COMPLETED, backup.status(), backup + "\n" + harness.logText());
            assertEquals("schedule", backup.trigger());
            assertTrue(Files.isDirectory(repo.resolve("backups")));
            assertTrue(!harness.logText().contains("\"event\":\"wal_alarm\""),
                    "the check is still hanging, so nothing was concluded: " + harness.logText());

            // Still hung five minutes on: one warning, not one per tick.
            assertTickReturnsAtOnce(runtime, clock, Instant.parse("2025-06-01T02:04:29Z"));
            assertEquals(0, warnings(harness), harness.logText());
            assertTickReturnsAtOnce(runtime, clock, Instant.parse("2025-06-01T02:04:31Z"));
            assertTickReturnsAtOnce(runtime, clock, Instant.parse("2025-06-01T02:06:00Z"));
            assertEquals(1, warnings(harness), harness.logText());
            assertTrue(harness.logText().contains("the WAL check started at 2025-06-01T01:59:30Z has not finished"
                    + " after 5min1s"), harness.logText());

            long start = System.nanoTime();
            assertEquals(List.of(), runtime.shutdown(Duration.ofSeconds(10)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "the hung check held the stop");
            // The store's client may not heed the interrupt: the check's wait ends when the store hangs up,
            // and a check ended by the stop says nothing about the archive.
            silent.close();
            await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName()
                    .equals("lifeboat-wal-watch")), "the WAL check's thread to end", harness);
            assertTrue(!harness.logText().contains("\"event\":\"wal_alarm\""),
                    "a check ended by the stop raises no alarm: " + harness.logText());
        }
    }

    private static void assertTickReturnsAtOnce(DaemonRuntime runtime, MutableClock clock, Instant at) {
        clock.set(at);
        long start = System.nanoTime();
        runtime.daemon().tick();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "the tick at " + at + " took " + millis + " ms");
    }

    private static long warnings(JobHarness harness) {
        return harness.logText().lines().filter(l -> l.contains("\"event\":\"warning\"")
                && l.contains("the WAL check started at")).count();
    }

    private static void await(BooleanSupplier done, String what, JobHarness harness) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30 s for " + what + ":\n" + harness.logText());
            }
            Thread.sleep(50);
        }
    }
}
