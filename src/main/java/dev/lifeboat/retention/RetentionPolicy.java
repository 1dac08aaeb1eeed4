package dev.lifeboat.retention;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * restic-style retention: keep the newest N, the newest of each of the last N hours, days,
 * ISO weeks, months and years that have backups, and everything within a duration. Zero means
 * the rule is off. Unlike restic, two caps can then limit what the rules keep: at most
 * {@code maxCount} backups and none older than {@code maxAge} ("at most 3, none older than 7
 * days"); with caps and no keep rule, everything the caps allow is kept.
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly,
                              Duration within, int maxCount, Duration maxAge) {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([hdwmy])");

    public RetentionPolicy {
        for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly, maxCount}) {
            if (n < 0) {
                throw new LifeboatException(ExitCode.USAGE, "retention counts must be 0 or more, not " + n);
            }
        }
        within = within == null ? Duration.ZERO : within;
        maxAge = maxAge == null ? Duration.ZERO : maxAge;
    }

    /** Keep rules only, no caps. */
    public RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly, Duration within) {
        this(last, hourly, daily, weekly, monthly, yearly, within, 0, Duration.ZERO);
    }

    /** This policy, capped at {@code maxCount} backups (0: no cap) and {@code maxAge} (zero: no cap). */
    public RetentionPolicy capped(int maxCount, Duration maxAge) {
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, within, maxCount, maxAge);
    }

    /** True when some keep rule is on; without one, the caps alone decide. */
    public boolean hasKeepRule() {
        return last + hourly + daily + weekly + monthly + yearly > 0 || !within.isZero();
    }

    public boolean hasCap() {
        return maxCount > 0 || !maxAge.isZero();
    }

    /** The default for pre-restore safety backups: keep them for seven days. */
    public static final RetentionPolicy SAFETY_BACKUPS = new RetentionPolicy(0, 0, 0, 0, 0, 0, Duration.ofDays(7));

    public boolean keepsNothing() {
        return !hasKeepRule() && !hasCap();
    }

    /** Refuses a policy that would forget every backup. */
    public RetentionPolicy requireKeepsSomething() {
        if (keepsNothing()) {
            throw new LifeboatException(ExitCode.USAGE, "this policy would keep nothing; give at least one"
                    + " --keep-* option (e.g. --keep-daily 7) or a cap (--max-count 3, --max-age 7d)");
        }
        return this;
    }

    /** {@code 30d}, {@code 12h}, {@code 2w}, {@code 6m} (30-day months), {@code 1y} (365 days), or combinations. */
    public static Duration parseDuration(String text) {
        String compact = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(compact);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                case "m" -> Duration.ofDays(30 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = m.end();
        }
        if (end == 0 || end != compact.length()) {
            throw new LifeboatException(ExitCode.USAGE, "'" + text + "' is not a duration; use e.g. 12h, 30d,"
                    + " 8w, 6m or 1y");
        }
        return total;
    }

    /** The rules in force, for printing: {@code keep-daily 7, keep-within 30d}. */
    public String describe() {
        List<String> rules = new ArrayList<>();
        add(rules, "keep-last", last);
        add(rules, "keep-hourly", hourly);
        add(rules, "keep-daily", daily);
        add(rules, "keep-weekly", weekly);
        add(rules, "keep-monthly", monthly);
        add(rules, "keep-yearly", yearly);
        if (!within.isZero()) {
            rules.add("keep-within " + format(within));
        }
        add(rules, "max-count", maxCount);
        if (!maxAge.isZero()) {
            rules.add("max-age " + format(maxAge));
        }
        return rules.isEmpty() ? "nothing" : String.join(", ", rules);
    }

    /** {@code 30d}, {@code 36h}, {@code 1d12h}. */
    public static String format(Duration duration) {
        long days = duration.toDays();
        long hours = duration.minusDays(days).toHours();
        return (days > 0 ? days + "d" : "") + (hours > 0 || days == 0 ? hours + "h" : "");
    }

    private static void add(List<String> rules, String name, int n) {
        if (n > 0) {
            rules.add(name + " " + n);
        }
    }
}
