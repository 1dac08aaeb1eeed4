package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Run;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty jobs on one new repository, all due in the same minute, each with retention: every run
 * completes, twice in a row. Racing to create the repository and to prune it fails none of them.
 */
class ManyJobsOneRepositoryTest {
    private static final int JOBS = 20;

    @TempDir
    Path dir;

    @Test
    void twentyJobsSharingOneRepositoryAllComplete() throws Exception {
        Path repo = dir.resolve("repo");
        StringBuilder yaml = new StringBuilder("jobs:\n");
        for (int i = 0; i < JOBS; i++) {
            Path db = dir.resolve("user-" + i + ".db");
            TestDatabases.walWithUncheckpointedRows(db, 20 + i).close();
            yaml.append("""
                      user-%d:
                        source: %s
                        repositories: [ %s ]
                        encryption: none
                        timezone: UTC
                        schedule: "0 2 * * *"
                        retention: { keep-last: 1 }
                    """.formatted(i, db, repo));
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T01:59:59Z"));
        try (JobHarness harness = new JobHarness(dir, clock)) {
            LifeboatConfig config = JobHarness.config(yaml.toString());
            for (int round = 1; round <= 2; round++) {
                Lanes lanes = new Lanes(harness.log());
                Scheduler scheduler = new Scheduler(new SplittableRandom(round));
                Daemon daemon = new Daemon(clock, scheduler, lanes, new JobStatuses(clock,
                        Optional.of(harness.records), scheduler, lanes), Optional.of(harness.records),
                        c -> harness.runner(c, lanes), harness.log());
                daemon.start(config);
                clock.advance(Duration.ofSeconds(2));
                daemon.tick();
                assertTrue(lanes.shutdown(Duration.ofSeconds(120)).isEmpty(), "every run finished");
                Map<dev.lifeboat.catalog.RunStatus, Long> statuses = harness.catalog.history(Optional.empty(), 1000).stream()
                        .filter(r -> r.kind().equals("backup") && !r.startedAt().isBefore(clock.instant()
                                .minus(Duration.ofMinutes(1))))
                        .collect(Collectors.groupingBy(Run::status, Collectors.counting()));
                assertEquals(Map.of(dev.lifeboat.catalog.RunStatus.COMPLETED, (long) JOBS), statuses,
                        "round " + round + ": " + failures(harness));
                clock.advance(Duration.ofDays(1));
            }
            try (dev.lifeboat.repository.Repository repository = dev.lifeboat.repository.Repositories.open(
                    repo.toString(), Map.of())) {
                Map<String, Long> perJob = repository.manifests().stream().collect(Collectors.groupingBy(
                        dev.lifeboat.manifest.Manifest::name, Collectors.counting()));
                assertEquals(JOBS, perJob.size(), perJob.toString());
                assertTrue(perJob.values().stream().allMatch(n -> n == 1), "keep-last 1 ran for every job: " + perJob);
            }
        }
    }

    private static String failures(JobHarness harness) {
        return harness.catalog.history(Optional.empty(), 1000).stream().filter(r -> r.error() != null)
                .map(r -> r.name() + ": " + r.error()).collect(Collectors.joining("\n"));
    }
}
