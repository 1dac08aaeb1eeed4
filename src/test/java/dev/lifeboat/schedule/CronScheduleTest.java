package dev.lifeboat.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedule computation across daylight-saving changes and time zones. */
class CronScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void aTimeSkippedBySpringForwardRunsOnceShiftedByTheGap() {
        CronSchedule daily = CronSchedule.parse("30 2 * * *", BERLIN);
        Instant midnight = ZonedDateTime.parse("2025-03-30T00:00+01:00[Europe/Berlin]").toInstant();
        List<Instant> runs = runs(daily, midnight, 2);
        assertEquals(Instant.parse("2025-03-30T01:30:00Z"), runs.get(0), "02:30 does not exist; 03:30 CEST");
        assertEquals(Instant.parse("2025-03-31T00:30:00Z"), runs.get(1), "next day 02:30 CEST");
    }

    @Test
    void aTimeRepeatedByFallBackRunsOnlyAtItsFirstOccurrence() {
        CronSchedule daily = CronSchedule.parse("30 2 * * *", BERLIN);
        Instant midnight = ZonedDateTime.parse("2025-10-26T00:00+02:00[Europe/Berlin]").toInstant();
        assertEquals(List.of(Instant.parse("2025-10-26T00:30:00Z"), Instant.parse("2025-10-27T01:30:00Z")),
                runs(daily, midnight, 2));
        // Started during the repeated hour, after the first 02:30: the second 02:30 does not run again.
        Instant inSecondHour = Instant.parse("2025-10-26T01:10:00Z");
        assertEquals(Instant.parse("2025-10-27T01:30:00Z"), daily.next(inSecondHour).orElseThrow());
    }

    @Test
    void hourlyRunsOncePerWallClockHourAcrossBothChanges() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", BERLIN);
        assertEquals(List.of(Instant.parse("2025-10-25T23:00:00Z"), Instant.parse("2025-10-26T00:00:00Z"),
                        Instant.parse("2025-10-26T02:00:00Z"), Instant.parse("2025-10-26T03:00:00Z")),
                runs(hourly, Instant.parse("2025-10-25T22:30:00Z"), 4), "01:00, 02:00 CEST, then 03:00 CET");
        assertEquals(List.of(Instant.parse("2025-03-30T00:00:00Z"), Instant.parse("2025-03-30T01:00:00Z"),
                        Instant.parse("2025-03-30T02:00:00Z")),
                runs(hourly, Instant.parse("2025-03-29T23:30:00Z"), 3), "01:00 CET, 03:00 CEST once, 04:00 CEST");
    }

    @Test
    void theSameExpressionFollowsEachJobsTimeZone() {
        Instant from = Instant.parse("2025-06-01T00:00:00Z");
        assertEquals(Instant.parse("2025-06-01T02:00:00Z"), CronSchedule.parse("0 2 * * *", ZoneId.of("UTC"))
                .next(from).orElseThrow());
        assertEquals(Instant.parse("2025-06-01T06:00:00Z"), CronSchedule.parse("0 2 * * *", NEW_YORK)
                .next(from).orElseThrow());
        assertEquals(Instant.parse("2025-06-01T17:00:00Z"), CronSchedule.parse("0 2 * * *", ZoneId.of("Asia/Tokyo"))
                .next(from).orElseThrow());
        // New York springs forward on 2025-03-09: 02:00 EST does not exist, so 03:00 EDT.
        assertEquals(Instant.parse("2025-03-09T07:00:00Z"), CronSchedule.parse("0 2 * * *", NEW_YORK)
                .next(Instant.parse("2025-03-09T04:00:00Z")).orElseThrow());
    }

    @Test
    void weekdaysNicknamesAndSeconds() {
        Instant saturday = Instant.parse("2025-06-07T12:00:00Z");
        assertEquals(Instant.parse("2025-06-09T02:00:00Z"), CronSchedule.parse("0 2 * * 1-5", ZoneId.of("UTC"))
                .next(saturday).orElseThrow(), "Monday");
        assertEquals(Instant.parse("2025-06-08T00:00:00Z"), CronSchedule.parse("0 0 * * 7", ZoneId.of("UTC"))
                .next(saturday).orElseThrow(), "7 is Sunday too");
        assertEquals(Instant.parse("2025-06-08T00:00:00Z"), CronSchedule.parse("@daily", ZoneId.of("UTC"))
                .next(saturday).orElseThrow());
        assertEquals(Instant.parse("2025-06-07T12:00:10Z"), CronSchedule.parse("*/10 * * * * *", ZoneId.of("UTC"))
                .next(saturday).orElseThrow(), "six fields: seconds first");
    }

    @Test
    void badExpressionsAreRejectedWithTheReason() {
        for (String bad : List.of("61 * * * *", "* * *", "0 2 * * 8", "0 25 * * *", "every day", "0 2 * * * * *")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CronSchedule.parse(bad, ZoneId.of("UTC")), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    private static List<Instant> runs(CronSchedule schedule, Instant from, int count) {
        List<Instant> runs = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < count; i++) {
            t = schedule.next(t).orElseThrow();
            runs.add(t);
        }
        return runs;
    }
}
