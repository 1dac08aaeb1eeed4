package dev.lifeboat.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.retention.Retention.Candidate;
import dev.lifeboat.retention.Retention.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static RetentionPolicy daily(int n) {
        return new RetentionPolicy(0, 0, n, 0, 0, 0, Duration.ZERO);
    }

    private static Candidate at(String localTime, ZoneId zone) {
        Instant start = LocalDateTime.parse(localTime).atZone(zone).toInstant();
        return new Candidate(localTime, start, false, false);
    }

    private static Set<String> kept(List<Decision> decisions) {
        return decisions.stream().filter(Decision::keep).map(d -> d.backup().id()).collect(Collectors.toSet());
    }

    /** Property: keep-daily N keeps exactly the newest backup of each of the last N days that have backups. */
    @RepeatedTest(200)
    void keepDailyKeepsTheNewestOfEachOfTheLastNDaysWithBackups() {
        Random random = new Random();
        ZoneId zone = random.nextBoolean() ? BERLIN : NEW_YORK;
        List<Candidate> backups = randomBackups(random, zone);
        int n = 1 + random.nextInt(10);
        List<Decision> decisions = Retention.decide(backups, daily(n), Instant.parse("2027-01-01T00:00:00Z"), zone);

        Map<LocalDate, Candidate> newestPerDay = new LinkedHashMap<>();
        backups.stream().sorted(Comparator.comparing(Candidate::startedAt).reversed()).forEach(c ->
                newestPerDay.putIfAbsent(LocalDate.ofInstant(c.startedAt(), zone), c));
        Set<String> expected = newestPerDay.values().stream().limit(n).map(Candidate::id).collect(Collectors.toSet());
        assertEquals(expected, kept(decisions));
        assertEquals(backups.size(), decisions.size());
    }

    @RepeatedTest(100)
    void keepLastNAndWithinAreExact() {
        Random random = new Random();
        List<Candidate> backups = randomBackups(random, ZoneOffset.UTC);
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        int n = random.nextInt(5);
        Duration within = Duration.ofDays(1 + random.nextInt(40));
        List<Decision> decisions = Retention.decide(backups,
                new RetentionPolicy(n, 0, 0, 0, 0, 0, within), now, ZoneOffset.UTC);
        Set<String> expected = new HashSet<>();
        backups.stream().sorted(Comparator.comparing(Candidate::startedAt).reversed()).limit(n)
                .forEach(c -> expected.add(c.id()));
        backups.stream().filter(c -> !c.startedAt().isBefore(now.minus(within))).forEach(c -> expected.add(c.id()));
        assertEquals(expected, kept(decisions));
    }

    private static List<Candidate> randomBackups(Random random, ZoneId zone) {
        List<Candidate> backups = new ArrayList<>();
        Instant start = Instant.parse("2026-09-20T00:00:00Z");
        int count = random.nextInt(60);
        for (int i = 0; i < count; i++) {
            Instant t = start.plusSeconds(random.nextInt(90 * 24 * 3600));
            backups.add(new Candidate("b" + i + "-" + t, t, false, false));
        }
        return backups;
    }

    @Test
    void daysAreLocalDaysAcrossTheAutumnDstChange() {
        // Europe/Berlin leaves summer time on 2026-10-25: that day has 25 hours.
        List<Candidate> backups = List.of(
                at("2026-10-24T23:30", BERLIN), at("2026-10-25T00:30", BERLIN), at("2026-10-25T23:30", BERLIN),
                at("2026-10-26T00:10", BERLIN));
        List<Decision> decisions = Retention.decide(backups, daily(3), Instant.parse("2026-11-01T00:00:00Z"), BERLIN);
        assertEquals(Set.of("2026-10-24T23:30", "2026-10-25T23:30", "2026-10-26T00:10"), kept(decisions));
        // The same instants fall on only two UTC days (21:30Z and 22:30Z on the 24th, 22:30Z and 23:10Z on the 25th).
        List<Decision> utc = Retention.decide(backups, daily(3), Instant.parse("2026-11-01T00:00:00Z"),
                ZoneOffset.UTC);
        assertEquals(Set.of("2026-10-25T00:30", "2026-10-26T00:10"), kept(utc));
    }

    @Test
    void hourlyMergesTheRepeatedHourWhenClocksGoBack() {
        // 02:00-03:00 happens twice in Berlin on 2026-10-25; both are the local hour "02".
        Instant firstTwo = Instant.parse("2026-10-25T00:15:00Z");
        Instant secondTwo = Instant.parse("2026-10-25T01:15:00Z");
        List<Candidate> backups = List.of(new Candidate("first-02", firstTwo, false, false),
                new Candidate("second-02", secondTwo, false, false));
        List<Decision> decisions = Retention.decide(backups, new RetentionPolicy(0, 5, 0, 0, 0, 0, null),
                Instant.parse("2026-10-26T00:00:00Z"), BERLIN);
        assertEquals(Set.of("second-02"), kept(decisions));
    }

    @Test
    void gfsTiersGiveEveryReason() {
        List<Candidate> backups = new ArrayList<>();
        for (int day = 0; day < 400; day++) {
            backups.add(at(LocalDate.parse("2025-10-01").plusDays(day) + "T02:00", BERLIN));
        }
        RetentionPolicy gfs = new RetentionPolicy(0, 0, 7, 4, 6, 2, null);
        List<Decision> decisions = Retention.decide(backups, gfs, Instant.parse("2026-11-05T00:00:00Z"), BERLIN);
        Decision newest = decisions.get(0);
        assertEquals("2026-11-04T02:00", newest.backup().id());
        assertEquals(List.of("daily 1/7", "weekly 1/4", "monthly 1/6", "yearly 1/2"), newest.reasons());
        long keptCount = decisions.stream().filter(Decision::keep).count();
        assertTrue(keptCount <= 7 + 4 + 6 + 2 && keptCount >= 12, "kept " + keptCount);
        assertTrue(decisions.stream().anyMatch(d -> d.reasons().contains("yearly 2/2")
                && d.backup().id().startsWith("2025-12-31")), "the newest backup of 2025 is the second yearly");
    }

    @Test
    void safetyRailsKeepTheNewestVerifiedAndBackupsInUse() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Candidate> backups = List.of(
                new Candidate("newest-unverified", t.plusSeconds(300), false, false),
                new Candidate("verified-old", t.plusSeconds(100), true, false),
                new Candidate("verified-older", t, true, false),
                new Candidate("in-use", t.minusSeconds(100), false, true));
        List<Decision> decisions = Retention.decide(backups, new RetentionPolicy(1, 0, 0, 0, 0, 0, null),
                t.plusSeconds(1000), ZoneOffset.UTC);
        assertEquals(Set.of("newest-unverified", "verified-old", "in-use"), kept(decisions));
        assertEquals(List.of("newest verified backup"),
                decisions.stream().filter(d -> d.backup().id().equals("verified-old")).findFirst().orElseThrow()
                        .reasons());
    }

    /** "At most 3, none older than 7 days": 6 backups over 10 days; restic's union would keep all of them. */
    @Test
    void capsLimitWhatTheKeepRulesKeep() {
        Instant now = Instant.parse("2026-12-11T12:00:00Z");
        List<Candidate> backups = new ArrayList<>();
        for (int day : new int[] {0, 2, 4, 6, 8, 10}) {
            backups.add(new Candidate("day-" + day, Instant.parse("2026-12-01T06:00:00Z").plus(Duration.ofDays(day)),
                    false, false));
        }
        RetentionPolicy policy = new RetentionPolicy(3, 0, 0, 0, 0, 0, Duration.ofDays(7))
                .capped(3, Duration.ofDays(7));
        List<Decision> decisions = Retention.decide(backups, policy, now, ZoneOffset.UTC);
        assertEquals(Set.of("day-10", "day-8", "day-6"), kept(decisions));
        Decision day4 = decisions.stream().filter(d -> d.backup().id().equals("day-4")).findFirst().orElseThrow();
        assertEquals(List.of("over max-count 3", "overrules within 7d"), day4.reasons(), "which rule decided");
        Decision day0 = decisions.stream().filter(d -> d.backup().id().equals("day-0")).findFirst().orElseThrow();
        assertEquals(List.of(), day0.reasons(), "no rule kept it, so no cap had to speak");

        // Caps alone keep what they allow; the newest verified backup stays even past both caps.
        List<Candidate> withVerified = new ArrayList<>(backups);
        withVerified.set(0, new Candidate("day-0", backups.get(0).startedAt(), true, false));
        List<Decision> capsOnly = Retention.decide(withVerified, new RetentionPolicy(0, 0, 0, 0, 0, 0, null)
                .capped(3, Duration.ofDays(7)), now, ZoneOffset.UTC);
        assertEquals(Set.of("day-10", "day-8", "day-6", "day-0"), kept(capsOnly));
        assertEquals(List.of("newest verified backup"), capsOnly.stream().filter(d -> d.backup().id().equals("day-0"))
                .findFirst().orElseThrow().reasons());
        List<Decision> ageOnly = Retention.decide(backups, new RetentionPolicy(0, 0, 0, 0, 0, 0, null)
                .capped(0, Duration.ofDays(7)), now, ZoneOffset.UTC);
        assertEquals(Set.of("day-10", "day-8", "day-6", "day-4"), kept(ageOnly));
        assertEquals("keep-last 3, keep-within 7d, max-count 3, max-age 7d", policy.describe());
    }

    @Test
    void aPolicyThatKeepsNothingIsRefused() {
        LifeboatException e = assertThrows(LifeboatException.class, () -> Retention.decide(List.of(),
                new RetentionPolicy(0, 0, 0, 0, 0, 0, null), Instant.now(), ZoneOffset.UTC));
        assertTrue(e.getMessage().contains("would keep nothing"));
    }

    @Test
    void durationsParseAndFormat() {
        assertEquals(Duration.ofDays(30), RetentionPolicy.parseDuration("30d"));
        assertEquals(Duration.ofDays(365 + 14).plusHours(12), RetentionPolicy.parseDuration("1y2w12h"));
        assertEquals("1d12h", RetentionPolicy.format(Duration.ofHours(36)));
        assertThrows(LifeboatException.class, () -> RetentionPolicy.parseDuration("30 days"));
        assertThrows(LifeboatException.class, () -> RetentionPolicy.parseDuration("d"));
    }
}
