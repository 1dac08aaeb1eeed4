package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.job.Task;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduling loop driven by a clock the test moves: catch-up after downtime, no overlapping
 * runs of one job, and staleness reported on /health and to the webhook.
 */
class DaemonScheduleTest {
    @TempDir
    Path dir;
    Path db;
    Path repo;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("shop.db");
        repo = dir.resolve("repo");
        TestDatabases.walWithUncheckpointedRows(db, 200).close();
    }

    @Test
    void aRunMissedDuringDowntimeRunsOnceAtStartAndOnlyIfCatchUpIsOn() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T02:00:30Z"));
        try (JobHarness harness = new JobHarness(dir, clock)) {
            LifeboatConfig config = JobHarness.config(job("\"0 2 * * *\"", ""));
            harness.runner(config, new Lanes(harness.log())).run("shop", Task.BACKUP, "schedule", false);

            clock.set(Instant.parse("2025-06-04T10:00:00Z")); // three 02:00 runs were missed
            Lanes lanes = new Lanes(harness.log());
            Daemon daemon = daemon(harness, clock, lanes);
            daemon.start(config);
            daemon.tick();
            daemon.tick();
            assertTrue(lanes.shutdown(Duration.ofSeconds(60)).isEmpty());
            assertEquals(2, backups(harness).size(), "one catch-up run, not one per missed day");
            assertTrue(harness.logText().contains("\"event\":\"catch_up\",\"job\":\"shop\",\"task\":\"backup\","
                    + "\"missed\":\"2025-06-02T02:00:00Z\""), harness.logText());

            clock.set(Instant.parse("2025-06-08T10:00:00Z"));
            Lanes quiet = new Lanes(harness.log());
            Daemon noCatchUp = daemon(harness, clock, quiet);
            noCatchUp.start(JobHarness.config(job("\"0 2 * * *\"", "    catch-up: false\n")));
            noCatchUp.tick();
            assertTrue(quiet.shutdown(Duration.ofSeconds(60)).isEmpty());
            assertEquals(2, backups(harness).size(), "catch-up: false waits for the next scheduled time");
        }
    }

    @Test
    void aRunDueWhileThePreviousOneRunsIsSkippedAndAVerifyWaitsItsTurn() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00.500Z"));
        Path release = dir.resolve("release");
        try (JobHarness harness = new JobHarness(dir, clock)) {
            LifeboatConfig config = JobHarness.config(job("\"* * * * * *\"", """
                        verify: "* * * * * *"
                        hooks:
                          before-backup: "while [ ! -f %s ]; do sleep 0.02; done"
                          timeout: 60s
                    """.formatted(release)));
            Lanes lanes = new Lanes(harness.log());
            Daemon daemon = daemon(harness, clock, lanes);
            daemon.start(config);
            clock.advance(Duration.ofSeconds(1));
            daemon.tick(); // backup starts and waits in its hook; verify queues behind it
            clock.advance(Duration.ofSeconds(1));
            daemon.tick(); // both still busy: skipped, not overlapped
            clock.advance(Duration.ofSeconds(1));
            daemon.tick();
            Files.writeString(release, "go");
            assertTrue(lanes.shutdown(Duration.ofSeconds(60)).isEmpty());

            assertEquals(1, backups(harness).size(), "exactly one backup ran");
            List<Run> runs = harness.catalog.history(Optional.of("shop"), 10).stream()
                    .sorted(Comparator.comparing(Run::id)).toList();
            assertEquals(List.of("backup", "verify"), runs.stream().map(Run::kind).toList(), runs.toString());
            assertEquals(RunStatus.COMPLETED, runs.get(1).status(), "the verify ran after the backup and found it");
            long skipped = harness.logText().lines().filter(l -> l.contains("\"event\":\"skipped\"")).count();
            assertEquals(4, skipped, harness.logText());
        }
    }

    @Test
    void aJobWithoutASuccessWithinItsAllowedAgeMakesHealth503AndNotifiesOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T02:00:10Z"));
        try (WebhookReceiver hook = WebhookReceiver.ok(); JobHarness harness = new JobHarness(dir, clock)) {
            LifeboatConfig config = JobHarness.config(job("\"0 2 * * *\"", """
                        max-age: 1h
                        notify: { webhook: "%s" }
                    """.formatted(hook.url("/hook"))));
            harness.runner(config, new Lanes(harness.log())).run("shop", Task.BACKUP, "schedule", false);
            Lanes lanes = new Lanes(harness.log());
            Scheduler scheduler = new Scheduler(new SplittableRandom(1));
            JobStatuses statuses = new JobStatuses(clock, Optional.of(harness.records), scheduler, lanes);
            Daemon daemon = new Daemon(clock, scheduler, lanes, statuses, Optional.of(harness.records),
                    c -> harness.runner(c, lanes), harness.log());
            daemon.start(config);
            try (StatusServer server = StatusServer.start(new ServerConfig("127.0.0.1", 0), () -> config, statuses,
                    Optional.of(harness.records))) {
                String base = "http://127.0.0.1:" + server.address().getPort();
                assertEquals(200, get(base + "/health").statusCode());

                clock.advance(Duration.ofMinutes(61));
                HttpResponse<String> stale = get(base + "/health");
                assertEquals(503, stale.statusCode(), stale.body());
                assertTrue(stale.body().replace(" ", "").contains("\"stale_jobs\":[\"shop\"]"), stale.body());
                assertTrue(get(base + "/metrics").body().contains("lifeboat_job_stale{lifeboat_job=\"shop\"} 1"));
                assertEquals(405, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/health"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode());
            }
            daemon.tick();
            daemon.tick();
            WebhookReceiver.Request staleEvent = hook.next();
            assertTrue(staleEvent.body().replace(" ", "").contains("\"event\":\"stale\""), staleEvent.body());
            harness.deliveries.close();
            assertEquals(List.of(), hook.pending(), "stale is reported once, not on every tick");
            assertTrue(lanes.shutdown(Duration.ofSeconds(30)).isEmpty());
        }
    }

    private Daemon daemon(JobHarness harness, MutableClock clock, Lanes lanes) {
        Scheduler scheduler = new Scheduler(new SplittableRandom(1));
        return new Daemon(clock, scheduler, lanes, new JobStatuses(clock, Optional.of(harness.records), scheduler,
                lanes), Optional.of(harness.records), c -> harness.runner(c, lanes), harness.log());
    }

    private String job(String schedule, String extra) {
        return """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                    timezone: UTC
                    schedule: %s
                %s""".formatted(db, repo, schedule, extra);
    }

    private List<String> backups(JobHarness harness) {
        return harness.catalog.backupStatuses(repo.toAbsolutePath().normalize().toString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
