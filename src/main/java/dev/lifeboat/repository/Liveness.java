package dev.lifeboat.repository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one rule for whether the process behind a lock, an in-use mark, a backup's owner marker or
 * an unfinished put is gone, for every store: its owner is dead on this host (same host, no such
 * pid, or a pid reused by a later process), or its holder stopped refreshing it {@link #stale} ago
 * (any host; holders refresh every {@link #heartbeat}). An owner that cannot be read counts by its
 * age alone: it may be a newer Lifeboat's, or half-written by a store without atomic creates, and
 * taking it for dead could let two runs hold one lock, while waiting out its age (or running
 * {@code lifeboat unlock}) is always safe.
 */
public record Liveness(Clock clock, Duration heartbeat, Duration stale) {
    public static final Duration HEARTBEAT = Duration.ofMinutes(1);
    public static final Duration STALE = Duration.ofMinutes(10);

    public static Liveness standard(Clock clock) {
        return new Liveness(clock, HEARTBEAT, STALE);
    }

    public boolean isGone(Optional<ProcessOwner> owner, Instant lastBeat) {
        return owner.map(ProcessOwner::isDeadOnThisHost).orElse(false) || isSilent(lastBeat);
    }

    /** {@link #isGone} for an owner token as stored ({@code host pid start}), possibly unreadable. */
    public boolean isGone(byte[] token, Instant lastBeat) {
        return isGone(ProcessOwner.parse(new String(token, StandardCharsets.UTF_8)), lastBeat);
    }

    /** Not refreshed for longer than {@link #stale}. */
    public boolean isSilent(Instant lastBeat) {
        return lastBeat.isBefore(clock.instant().minus(stale));
    }
}
