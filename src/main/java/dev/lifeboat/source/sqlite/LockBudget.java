package dev.lifeboat.source.sqlite;

import java.time.Duration;

/** How long to wait for other connections' locks on a live database before giving up. */
record LockBudget(Duration timeout) {
    static final LockBudget SCRATCH = new LockBudget(Duration.ofSeconds(5));

    int millis() {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    String describe() {
        return timeout.toSeconds() + " s";
    }
}
