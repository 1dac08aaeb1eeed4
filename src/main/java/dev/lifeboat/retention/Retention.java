package dev.lifeboat.retention;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides which backups to keep: a pure function of the backups, the policy, the time and the
 * time zone. Buckets (hour, day, ISO week, month, year) are calendar periods in that zone, so a
 * day is a local day across DST changes. The caps speak after the keep rules, newest first.
 * Safety rails no policy or cap removes: the newest verified backup and backups in use are always
 * kept, and a policy that keeps nothing is refused.
 */
public final class Retention {
    private Retention() {
    }

    /** One backup as retention sees it. */
    public record Candidate(String id, Instant startedAt, boolean verified, boolean inUse) {
    }

    /**
     * The verdict on one backup: every rule that kept it, or, when a cap forgot it, the cap and
     * the rules it overruled (empty when no rule kept it).
     */
    public record Decision(Candidate backup, boolean keep, List<String> reasons) {
        public Decision {
            reasons = List.copyOf(reasons);
        }
    }

    private record Rule(String name, int count, Function<Candidate, Object> bucket) {
    }

    /** Decisions for every candidate, newest first. */
    public static List<Decision> decide(List<Candidate> backups, RetentionPolicy policy, Instant now, ZoneId zone) {
        policy.requireKeepsSomething();
        List<Candidate> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparing(Candidate::startedAt).thenComparing(Candidate::id).reversed());
        Map<String, List<String>> reasons = new HashMap<>();
        newestFirst.forEach(c -> reasons.put(c.id(), new ArrayList<>()));
        for (Rule rule : rules(policy, zone)) {
            apply(rule, newestFirst, reasons);
        }
        Instant cutoff = now.minus(policy.within());
        for (Candidate c : newestFirst) {
            if (!policy.within().isZero() && !c.startedAt().isBefore(cutoff)) {
                reasons.get(c.id()).add("within " + RetentionPolicy.format(policy.within()));
            }
            if (!policy.hasKeepRule()) {
                reasons.get(c.id()).add("no keep rule");
            }
        }
        List<Decision> capped = capped(newestFirst, reasons, policy, now);
        Candidate newestVerified = newestFirst.stream().filter(Candidate::verified).findFirst().orElse(null);
        return capped.stream().map(d -> protect(d, d.backup() == newestVerified)).toList();
    }

    /** Walks newest first; a backup the rules keep is forgotten once a cap is reached. */
    private static List<Decision> capped(List<Candidate> newestFirst, Map<String, List<String>> reasons,
                                         RetentionPolicy policy, Instant now) {
        Instant oldest = now.minus(policy.maxAge());
        int kept = 0;
        List<Decision> decisions = new ArrayList<>();
        for (Candidate c : newestFirst) {
            List<String> why = reasons.get(c.id());
            if (why.isEmpty()) {
                decisions.add(new Decision(c, false, why));
                continue;
            }
            String cap = policy.maxCount() > 0 && kept >= policy.maxCount() ? "over max-count " + policy.maxCount()
                    : !policy.maxAge().isZero() && c.startedAt().isBefore(oldest)
                    ? "over max-age " + RetentionPolicy.format(policy.maxAge()) : null;
            if (cap == null) {
                kept++;
                decisions.add(new Decision(c, true, why));
            } else {
                List<String> overruled = new ArrayList<>(List.of(cap));
                why.stream().filter(r -> !r.equals("no keep rule")).forEach(r -> overruled.add("overrules " + r));
                decisions.add(new Decision(c, false, overruled));
            }
        }
        return decisions;
    }

    /** The safety rails: a backup in use, or the newest verified one, stays whatever was decided. */
    private static Decision protect(Decision d, boolean newestVerified) {
        List<String> rails = new ArrayList<>();
        if (d.backup().inUse()) {
            rails.add("in use by a running restore or verify");
        }
        if (newestVerified) {
            rails.add("newest verified backup");
        }
        if (rails.isEmpty()) {
            return d;
        }
        List<String> all = new ArrayList<>(d.keep() ? d.reasons() : List.of());
        all.addAll(rails);
        return new Decision(d.backup(), true, all);
    }

    private static List<Rule> rules(RetentionPolicy p, ZoneId zone) {
        Function<Candidate, LocalDateTime> local = c -> LocalDateTime.ofInstant(c.startedAt(), zone);
        return List.of(
                new Rule("last", p.last(), Candidate::id),
                new Rule("hourly", p.hourly(), c -> local.apply(c).truncatedTo(ChronoUnit.HOURS)),
                new Rule("daily", p.daily(), c -> local.apply(c).toLocalDate()),
                new Rule("weekly", p.weekly(), c -> local.apply(c).get(IsoFields.WEEK_BASED_YEAR) * 100
                        + local.apply(c).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
                new Rule("monthly", p.monthly(), c -> local.apply(c).getYear() * 100 + local.apply(c).getMonthValue()),
                new Rule("yearly", p.yearly(), c -> local.apply(c).getYear()));
    }

    /** Walks newest first and keeps the first backup seen in each new bucket, for {@code count} buckets. */
    private static void apply(Rule rule, List<Candidate> newestFirst, Map<String, List<String>> reasons) {
        int kept = 0;
        Object lastBucket = null;
        for (Candidate c : newestFirst) {
            if (kept == rule.count()) {
                return;
            }
            Object bucket = rule.bucket().apply(c);
            if (!bucket.equals(lastBucket)) {
                kept++;
                reasons.get(c.id()).add(rule.name() + " " + kept + "/" + rule.count());
                lastBucket = bucket;
            }
        }
    }
}
