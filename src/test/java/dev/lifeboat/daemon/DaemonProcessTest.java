package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.lifeboat.testing.DaemonLog.await;
import static dev.lifeboat.testing.DaemonLog.awaitCount;

import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.DaemonLog;
import dev.lifeboat.testing.Promtool;
import dev.lifeboat.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon in its own process with a real config: it backs up on a seconds schedule, serves
 * /metrics and /health, reloads on SIGHUP and stops cleanly on SIGTERM, leaving no scratch files.
 */
class DaemonProcessTest {
    @TempDir
    Path dir;

    @Test
    void runsOnScheduleServesMetricsAndStopsCleanlyOnSigterm() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 500).close();
        Path repo = dir.resolve("repo");
        Path scratch = dir.resolve("scratch");
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories:
                      - path: %s
                        retention: { keep-last: 3 }
                    encryption: none
                    schedule: "* * * * * *"
                    verify: "*/2 * * * * *"
                    max-age: 1h
                server:
                  listen: 127.0.0.1:0
                daemon:
                  shutdown-timeout: 20s
                """.formatted(db, repo));
        Path log = dir.resolve("daemon.log");
        Process daemon = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", scratch.toString()), log,
                "daemon", "--config", config.toString());
        try {
            String address = await(log, Pattern.compile("\"event\":\"listening\",\"address\":\"([^\"]+)\""));
            awaitCount(log, "\"event\":\"run\"", 2);
            await(log, Pattern.compile("\"event\":\"run\",\"job\":\"shop\",\"task\":\"verify\"[^\n]*COMPLETED"));
            String run = Files.readAllLines(log).stream().filter(l -> l.contains("\"event\":\"run\"")
                    && l.contains("\"task\":\"backup\"")).findFirst().orElseThrow();
            assertTrue(run.contains("\"job\":\"shop\"") && run.contains("\"status\":\"COMPLETED\"")
                    && run.contains("\"trigger\":\"schedule\""), run);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = get(http, address, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("lifeboat_job_last_success_timestamp_seconds{lifeboat_job=\"shop\"}"),
                    metrics.body());
            assertTrue(Pattern.compile("lifeboat_job_runs_total\\{lifeboat_job=\"shop\",task=\"backup\",status=\"completed\"} [1-9]")
                    .matcher(metrics.body()).find(), metrics.body());
            assertTrue(metrics.body().contains("lifeboat_job_last_size_bytes{lifeboat_job=\"shop\",form=\"stored\"}"),
                    metrics.body());
            assertTrue(metrics.body().contains("lifeboat_job_stale{lifeboat_job=\"shop\"} 0"), metrics.body());
            assertTrue(metrics.body().contains("lifeboat_job_last_verification_timestamp_seconds{lifeboat_job=\"shop\"}"),
                    metrics.body());
            Promtool.checkMetrics(metrics.body(), dir);
            HttpResponse<String> health = get(http, address, "/health");
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().matches("(?s).*\"status\"\\s*:\\s*\"ok\".*"), health.body());
            HttpResponse<String> jobs = get(http, address, "/api/jobs");
            assertTrue(jobs.body().replace(" ", "").contains("\"job\":\"shop\"") && jobs.body().contains("\"last_status\""),
                    jobs.body());
            HttpResponse<String> backups = get(http, address, "/api/backups?job=shop");
            assertTrue(backups.body().contains("\"backup_id\""), backups.body());

            // SIGHUP: a broken config is refused and the old one kept; the daemon keeps running.
            Files.writeString(config, Files.readString(config).replace("schedule:", "shedule:"));
            new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor();
            await(log, Pattern.compile("\"event\":\"reload_failed\".*(shedule)"));
            assertTrue(daemon.isAlive());
            Files.writeString(config, Files.readString(config).replace("shedule:", "schedule:"));
            new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor();
            await(log, Pattern.compile("\"event\":\"reloaded\""));
            awaitCount(log, "\"event\":\"run\",\"job\":\"shop\",\"task\":\"backup\"", 2);
        } finally {
            DaemonLog.stop(daemon, log); // SIGTERM
        }
        String output = Files.readString(log);
        assertEquals(0, daemon.exitValue(), output);
        assertTrue(output.contains("\"event\":\"stopped\",\"clean\":true"), output);
        try (Stream<Path> left = Files.exists(scratch) ? Files.list(scratch) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "no scratch files are left");
        }
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            List<Path> all = backups.toList();
            assertTrue(all.size() >= 2 && all.size() <= 3, "retention keeps the last 3: " + all + "\n" + output);
            for (Path backup : all) {
                assertTrue(Files.exists(backup.resolve("manifest.json")), "no unfinished backup is left: " + backup);
            }
        }
    }

    @Test
    void aRunStillGoingAtTheShutdownTimeoutIsCancelledAndItsHookKilled() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 100).close();
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                    schedule: "* * * * * *"
                    hooks: { before-backup: "echo waiting; sleep 120" }
                daemon:
                  shutdown-timeout: 500ms
                """.formatted(db, dir.resolve("repo")));
        Path log = dir.resolve("daemon.log");
        Process daemon = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()), log,
                "daemon", "--config", config.toString());
        try {
            await(log, Pattern.compile("\"line\":\"waiting\""));
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "stopped within the timeout plus the grace period");
        }
        String output = Files.readString(log);
        assertEquals(1, daemon.exitValue(), output);
        assertTrue(output.contains("\"event\":\"cancelled\",\"tasks\":[\"shop backup\"]"), output);
        assertTrue(output.contains("before-backup hook was cancelled because lifeboat is stopping"), output);
        assertTrue(output.contains("\"event\":\"stopped\",\"clean\":false"), output);
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                .contains("echo waiting; sleep 120")), "the hook was killed");
        assertTrue(!Files.exists(dir.resolve("repo").resolve("backups")), "nothing half-made is left");
    }

    private static HttpResponse<String> get(HttpClient http, String address, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
