package dev.lifeboat.daemon;

import dev.lifeboat.catalog.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the daemon knows about one job, from the catalog and its own schedule: the source of
 * /metrics, /health and /api/jobs. Holds no secrets.
 */
public record JobStatus(String job, String kind, Optional<String> schedule, Optional<Instant> nextRun,
                        boolean running, Optional<Instant> lastSuccess, Optional<RunStatus> lastStatus,
                        Optional<String> lastError, Optional<Long> lastDurationMillis, Optional<Long> lastPlainBytes,
                        Optional<Long> lastStoredBytes, Map<String, Map<RunStatus, Long>> runsByTaskAndStatus,
                        Optional<Instant> lastVerified, Optional<Duration> allowedAge, boolean stale) {
    public JobStatus {
        runsByTaskAndStatus = Map.copyOf(runsByTaskAndStatus);
    }

    /** The JSON object of /api/jobs: plain values, absent ones as null. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("job", job);
        out.put("kind", kind);
        out.put("schedule", schedule.orElse(null));
        out.put("next_run", nextRun.map(Object::toString).orElse(null));
        out.put("running", running);
        out.put("last_success", lastSuccess.map(Object::toString).orElse(null));
        out.put("last_status", lastStatus.orElse(null));
        out.put("last_error", lastError.orElse(null));
        out.put("last_duration_ms", lastDurationMillis.orElse(null));
        out.put("last_plain_bytes", lastPlainBytes.orElse(null));
        out.put("last_stored_bytes", lastStoredBytes.orElse(null));
        out.put("runs", runsByTaskAndStatus);
        out.put("last_verified", lastVerified.map(Object::toString).orElse(null));
        out.put("allowed_age_seconds", allowedAge.map(Duration::toSeconds).orElse(null));
        out.put("stale", stale);
        return out;
    }
}
