package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.job.Task;
import dev.lifeboat.testing.JobHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Due times with jitter, missed times collapsing into one run, and reloads keeping unchanged schedules. */
class SchedulerTest {
    private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");

    @Test
    void jitterDelaysEachRunByLessThanItsBoundAndMissedTimesRunOnce() {
        Scheduler scheduler = new Scheduler(new SplittableRandom(7));
        scheduler.start(config("\"0 * * * *\"", "jitter: 10min"), START, (job, task) -> Optional.empty());
        Instant wake = scheduler.nextWake().orElseThrow();
        assertEquals(Instant.parse("2025-06-01T01:00:00Z"), scheduler.nextRun("shop", Task.BACKUP).orElseThrow());
        assertTrue(!wake.isBefore(Instant.parse("2025-06-01T01:00:00Z"))
                && wake.isBefore(Instant.parse("2025-06-01T01:10:00Z")), wake.toString());
        assertEquals(List.of(), scheduler.due(wake.minusMillis(1)));

        // The machine slept through five scheduled times: one run, and the next time is after "now".
        Instant late = Instant.parse("2025-06-01T05:30:00Z");
        List<Scheduler.Due> due = scheduler.due(late);
        assertEquals(1, due.size(), due.toString());
        assertEquals("schedule", due.get(0).reason());
        assertEquals(Instant.parse("2025-06-01T06:00:00Z"), scheduler.nextRun("shop", Task.BACKUP).orElseThrow());
        assertEquals(List.of(), scheduler.due(late));
    }

    @Test
    void aReloadKeepsTheNextTimeOfAnUnchangedScheduleAndRecomputesAChangedOne() {
        Scheduler scheduler = new Scheduler(new SplittableRandom(7));
        scheduler.start(config("\"0 2 * * *\"", ""), START, (job, task) -> Optional.empty());
        Instant later = START.plus(Duration.ofHours(1));
        scheduler.reload(config("\"0 2 * * *\"", ""), later);
        assertEquals(Instant.parse("2025-06-01T02:00:00Z"), scheduler.nextRun("shop", Task.BACKUP).orElseThrow());
        scheduler.reload(config("\"0 5 * * *\"", ""), later);
        assertEquals(Instant.parse("2025-06-01T05:00:00Z"), scheduler.nextRun("shop", Task.BACKUP).orElseThrow());
        scheduler.reload(JobHarness.config("jobs: { other: { source: /x.db, repositories: [ /r ], encryption: none } }"),
                later);
        assertEquals(Optional.empty(), scheduler.nextRun("shop", Task.BACKUP), "a removed job is no longer scheduled");
    }

    private static LifeboatConfig config(String schedule, String extra) {
        return JobHarness.config("""
                jobs:
                  shop:
                    source: /srv/shop.db
                    repositories: [ /var/backups/shop ]
                    encryption: none
                    timezone: UTC
                    schedule: %s
                    %s
                """.formatted(schedule, extra));
    }
}
