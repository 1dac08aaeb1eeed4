package dev.lifeboat.notify;

import java.util.Map;

/** A URL to POST events to, in one of the payload formats chat tools accept. */
public record WebhookTarget(String url, Format format, Map<String, String> headers) {
    public WebhookTarget {
        headers = Map.copyOf(headers);
    }

    /** The JSON shape of the body. */
    public enum Format {
        /** Lifeboat's own event object. */
        GENERIC("generic"),
        /** {@code {"text": ...}}: Slack incoming webhooks, Mattermost, Rocket.Chat, Teams workflows. */
        SLACK("slack"),
        /** {@code {"content": ...}}: Discord webhooks. */
        DISCORD("discord");

        private final String key;

        Format(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
