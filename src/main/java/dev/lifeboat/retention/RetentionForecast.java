package dev.lifeboat.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * When retention will forget backups that exist now, if backups go on being made at the given
 * times with retention applied after each, as a job does. It replays {@link Retention#decide}
 * backup by backup, dropping what each run forgets, and assumes every future backup passes
 * verification (so the newest-verified rail moves on to it) and none is in use. A pure function.
 */
public final class RetentionForecast {
    private RetentionForecast() {
    }

    /** A backup forgotten by the retention run after the {@code afterBackups}-th future backup, at {@code at}. */
    public record Drop(String id, Instant at, int afterBackups) {
    }

    /**
     * @param existing one retention group now: a name's regular backups, or its pre-restore ones
     * @param futureJoins whether future backups join this group (they do not join pre-restore backups)
     * @param nextBackup the time of the first backup after a given time; empty when none comes
     * @param maxBackups how many future backups to look at
     * @return the drops of the existing backups that are forgotten within that horizon, by id
     */
    public static Map<String, Drop> drops(List<Retention.Candidate> existing, RetentionPolicy policy, ZoneId zone,
                                          Instant now, Function<Instant, Optional<Instant>> nextBackup,
                                          boolean futureJoins, int maxBackups) {
        List<Retention.Candidate> alive = new ArrayList<>();
        Set<String> watched = new HashSet<>();
        for (Retention.Candidate c : existing) {
            alive.add(new Retention.Candidate(c.id(), c.startedAt(), c.verified(), false));
            watched.add(c.id());
        }
        Map<String, Drop> drops = new LinkedHashMap<>();
        Instant time = now;
        for (int k = 1; k <= maxBackups && drops.size() < watched.size(); k++) {
            Optional<Instant> next = nextBackup.apply(time);
            if (next.isEmpty()) {
                break;
            }
            time = next.get();
            if (futureJoins) {
                // '~' sorts after the digits of real ids, so a future backup never ties with an older one.
                alive.add(new Retention.Candidate("~future-" + k, time, true, false));
            }
            for (Retention.Decision d : Retention.decide(alive, policy, time, zone)) {
                if (!d.keep()) {
                    alive.remove(d.backup());
                    if (watched.contains(d.backup().id())) {
                        drops.put(d.backup().id(), new Drop(d.backup().id(), time, k));
                    }
                }
            }
        }
        return drops;
    }
}
