package dev.lifeboat.notify;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where one job's events go. Failures are always sent; successes only with {@code onSuccess}.
 * Each delivery is tried {@code attempts} times, waiting {@code backoff}, then twice that, and so on.
 */
public record NotifySettings(List<WebhookTarget> webhooks, List<String> emails, Optional<String> ping,
                             boolean onSuccess, int attempts, Duration backoff) {
    public static final NotifySettings NONE = new NotifySettings(List.of(), List.of(), Optional.empty(), false, 3,
            Duration.ofSeconds(2));

    public NotifySettings {
        webhooks = List.copyOf(webhooks);
        emails = List.copyOf(emails);
    }

    public boolean isEmpty() {
        return webhooks.isEmpty() && emails.isEmpty() && ping.isEmpty();
    }
}
