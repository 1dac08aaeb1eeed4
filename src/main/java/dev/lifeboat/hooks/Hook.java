package dev.lifeboat.hooks;

import java.time.Duration;

/** A shell command run at a {@link HookPoint}, killed (with its children) after {@code timeout}. */
public record Hook(String command, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
}
