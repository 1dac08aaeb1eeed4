package dev.lifeboat.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Healthchecks-style pings: {@code URL/start} when a run begins, {@code URL} on success,
 * {@code URL/fail} on failure or a suspicious backup. The monitor notices missing pings itself.
 */
public final class PingChannel implements Channel {
    private final String url;
    private final HttpClient http;

    public PingChannel(String url, HttpClient http) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = http;
    }

    @Override
    public String describe() {
        return "ping " + Channel.redact(url);
    }

    @Override
    public boolean wants(Event event) {
        return event.kind() != Event.Kind.STALE && event.kind() != Event.Kind.WAL;
    }

    @Override
    public void deliver(Event event) throws IOException {
        String suffix = switch (event.kind()) {
            case STARTED -> "/start";
            case SUCCESS -> "";
            default -> "/fail";
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + suffix)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(event.headline())).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
