package dev.lifeboat.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** When retention forgets today's backups, replayed backup by backup over a daily schedule. */
class RetentionForecastTest {
    private static final Instant DAY1 = Instant.parse("2026-03-01T02:00:00Z");
    private static final Function<Instant, Optional<Instant>> DAILY = t -> Optional.of(t.plus(Duration.ofDays(1)));

    private static Retention.Candidate backup(String id, int day, boolean verified) {
        return new Retention.Candidate(id, DAY1.plus(Duration.ofDays(day - 1)), verified, false);
    }

    private static Instant day(int n) {
        return DAY1.plus(Duration.ofDays(n - 1));
    }

    @Test
    void keepLastDropsTheOldestAfterOneMoreBackupAndEachNextAfterOneMore() {
        List<Retention.Candidate> backups = List.of(backup("b1", 1, true), backup("b2", 2, false),
                backup("b3", 3, false));
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(backups,
                new RetentionPolicy(3, 0, 0, 0, 0, 0, Duration.ZERO), ZoneOffset.UTC, day(3), DAILY, true, 100);
        assertEquals(new RetentionForecast.Drop("b1", day(4), 1), drops.get("b1"),
                "the newest verified rail moves on to the future backups, which are assumed verified");
        assertEquals(new RetentionForecast.Drop("b2", day(5), 2), drops.get("b2"));
        assertEquals(new RetentionForecast.Drop("b3", day(6), 3), drops.get("b3"));
    }

    @Test
    void keepWithinDropsAtTheFirstRunAfterTheWindowHasPassed() {
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(List.of(backup("b1", 1, false)),
                new RetentionPolicy(0, 0, 0, 0, 0, 0, Duration.ofDays(10)), ZoneOffset.UTC, day(1), DAILY, true, 100);
        // At day 11 the backup is exactly 10 days old and still within; the run on day 12 forgets it.
        assertEquals(new RetentionForecast.Drop("b1", day(12), 11), drops.get("b1"));
    }

    @Test
    void aMonthlyBackupOutlivesTheDailyOnesOfItsMonth() {
        List<Retention.Candidate> backups = List.of(backup("mid", 15, false), backup("last", 31, false));
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(backups,
                new RetentionPolicy(0, 0, 7, 0, 2, 0, Duration.ZERO), ZoneOffset.UTC, day(31), DAILY, true, 1000);
        assertEquals(day(37), drops.get("mid").at(), "mid-March stays a daily one until 7 newer days have backups");
        assertEquals(Instant.parse("2026-05-01T02:00:00Z"), drops.get("last").at(),
                "March's last backup stays as a monthly one until May's first makes a third month");
    }

    @Test
    void maxAgeCapsWhatTheKeepRulesWouldKeep() {
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(List.of(backup("b1", 1, false)),
                new RetentionPolicy(100, 0, 0, 0, 0, 0, Duration.ZERO, 0, Duration.ofDays(7)), ZoneOffset.UTC, day(1),
                DAILY, true, 100);
        assertEquals(day(9), drops.get("b1").at());
    }

    @Test
    void safetyBackupsAreDroppedByTheirOwnRetentionWhileOthersAreTaken() {
        Map<String, RetentionForecast.Drop> drops = RetentionForecast.drops(List.of(backup("pre", 1, false)),
                RetentionPolicy.SAFETY_BACKUPS, ZoneOffset.UTC, day(1), DAILY, false, 100);
        assertEquals(new RetentionForecast.Drop("pre", day(9), 8), drops.get("pre"));
    }

    @Test
    void nothingIsForecastBeyondTheHorizonOrWhenNoBackupComes() {
        List<Retention.Candidate> backups = List.of(backup("b1", 1, false));
        RetentionPolicy longWindow = new RetentionPolicy(0, 0, 0, 0, 0, 0, Duration.ofDays(1000));
        assertFalse(RetentionForecast.drops(backups, longWindow, ZoneOffset.UTC, day(1), DAILY, true, 365)
                .containsKey("b1"));
        assertTrue(RetentionForecast.drops(backups, new RetentionPolicy(1, 0, 0, 0, 0, 0, Duration.ZERO),
                ZoneOffset.UTC, day(1), t -> Optional.empty(), true, 100).isEmpty());
    }
}
