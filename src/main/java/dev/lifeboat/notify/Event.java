package dev.lifeboat.notify;

import java.time.Instant;
import java.util.Optional;

/**
 * Something a person should hear about. Messages are Lifeboat's own one-line errors, which never
 * hold secret material.
 */
public record Event(Kind kind, String job, String task, String message, Optional<String> backupId, Instant time,
                    String host) {
    public enum Kind {
        /** A run began: only ping URLs hear this ({@code /start}). */
        STARTED("started"),
        SUCCESS("success"),
        FAILURE("failure"),
        /** The backup was stored but shrank against the previous good one. */
        SUSPICIOUS("suspicious"),
        /** The job has not succeeded for longer than its allowed age. */
        STALE("stale"),
        /** A physical job's WAL archive has a gap or has gone quiet for longer than its wal-max-age. */
        WAL("wal");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** One human line: {@code lifeboat on db1: backup of shop FAILED: <message>}. */
    public String headline() {
        String what = switch (kind) {
            case STARTED -> "started";
            case SUCCESS -> "succeeded";
            case FAILURE -> "FAILED";
            case SUSPICIOUS -> "is SUSPICIOUS";
            case STALE -> "is STALE";
            case WAL -> "ALARM";
        };
        return "lifeboat on " + host + ": " + task + " of " + job + " " + what
                + (message.isEmpty() ? "" : ": " + message);
    }
}
