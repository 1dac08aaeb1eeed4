package dev.lifeboat.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron expression in a time zone. Five fields are standard crontab; six put seconds first.
 *
 * <p>Across daylight-saving changes every matching wall-clock time runs once: a time that does
 * not exist (clocks jump forward) runs shifted by the gap, as {@link ZonedDateTime#of} shifts it,
 * and a time that occurs twice (clocks go back) runs at its first occurrence only. To get exactly
 * that, matching wall-clock times are searched in UTC, which has no DST, and only then placed in
 * the zone.
 */
public final class CronSchedule {
    private static final Map<String, String> NICKNAMES = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    private static final CronParser FIVE = new CronParser(definition(false));
    private static final CronParser SIX = new CronParser(definition(true));
    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /** Parses, or throws {@link IllegalArgumentException} saying what is wrong in words. */
    public static CronSchedule parse(String expression, ZoneId zone) {
        String text = expression.trim().replaceAll("\\s+", " ");
        String expanded = NICKNAMES.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        int fields = expanded.split(" ").length;
        if (fields != 5 && fields != 6) {
            throw new IllegalArgumentException("'" + expression + "' has " + fields + " fields; a cron expression"
                    + " has 5 (minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\") or 6 with seconds"
                    + " first, or is one of " + String.join(", ", NICKNAMES.keySet().stream().sorted().toList()));
        }
        try {
            Cron cron = (fields == 5 ? FIVE : SIX).parse(expanded);
            cron.validate();
            return new CronSchedule(text, zone, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression ("
                    + firstLine(e.getMessage()) + "); fields are minute 0-59, hour 0-23, day-of-month 1-31,"
                    + " month 1-12, day-of-week 0-7, with * , - /");
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first scheduled instant strictly after {@code after}, if the expression ever fires again. */
    public Optional<Instant> next(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int guard = 0; guard < 10_000; guard++) {
            Optional<ZonedDateTime> match = times.nextExecution(wall.atZone(ZoneOffset.UTC));
            if (match.isEmpty()) {
                return Optional.empty();
            }
            wall = match.get().toLocalDateTime();
            Instant candidate = ZonedDateTime.of(wall, zone).toInstant();
            if (candidate.isAfter(after)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The longest time between two of the next {@code runs} scheduled times after {@code from}. */
    public java.time.Duration longestGap(Instant from, int runs) {
        java.time.Duration longest = java.time.Duration.ZERO;
        Optional<Instant> previous = next(from);
        for (int i = 0; i < runs && previous.isPresent(); i++) {
            Optional<Instant> following = next(previous.get());
            if (following.isPresent()) {
                java.time.Duration gap = java.time.Duration.between(previous.get(), following.get());
                longest = gap.compareTo(longest) > 0 ? gap : longest;
            }
            previous = following;
        }
        return longest;
    }

    @Override
    public String toString() {
        return expression + " (" + zone.getId() + ")";
    }

    private static CronDefinition definition(boolean seconds) {
        CronDefinitionBuilder builder = CronDefinitionBuilder.defineCron();
        if (seconds) {
            builder = builder.withSeconds().withStrictRange().and();
        }
        return builder.withMinutes().withStrictRange().and()
                .withHours().withStrictRange().and()
                .withDayOfMonth().withStrictRange().and()
                .withMonth().withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0)
                .withStrictRange().and()
                .instance();
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
    }
}
