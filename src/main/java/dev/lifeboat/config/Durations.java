package dev.lifeboat.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations for timeouts, jitter and ages: {@code 500ms}, {@code 30s}, {@code 5min}, {@code 36h},
 * {@code 2d}, {@code 1w}, or combinations like {@code 1h30min}. A bare {@code m} is refused
 * because retention uses it for months.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|min|h|d|w)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String compact = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        Matcher m = PART.matcher(compact);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
            end = m.end();
        }
        if (end == 0 || end != compact.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 30s, 5min, 12h, 2d"
                    + (compact.matches("\\d+m") ? " (write 'min' for minutes)" : ""));
        }
        return total;
    }

    /** {@code 1h30min}, {@code 45s}, {@code 2d}: the shortest exact form. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            out.append(days).append('d');
        }
        append(out, d.toHoursPart(), "h");
        append(out, d.toMinutesPart(), "min");
        append(out, d.toSecondsPart(), "s");
        append(out, d.toMillisPart(), "ms");
        return out.toString();
    }

    private static void append(StringBuilder out, long n, String unit) {
        if (n > 0) {
            out.append(n).append(unit);
        }
    }
}
