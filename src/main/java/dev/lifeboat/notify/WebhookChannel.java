package dev.lifeboat.notify;

import dev.lifeboat.manifest.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** POSTs events as JSON, in Lifeboat's own shape or the one Slack or Discord expects. */
public final class WebhookChannel implements Channel {
    private final WebhookTarget target;
    private final boolean onSuccess;
    private final HttpClient http;

    public WebhookChannel(WebhookTarget target, boolean onSuccess, HttpClient http) {
        this.target = target;
        this.onSuccess = onSuccess;
        this.http = http;
    }

    @Override
    public String describe() {
        return "webhook " + Channel.redact(target.url());
    }

    @Override
    public boolean wants(Event event) {
        return event.kind() != Event.Kind.STARTED && (event.kind() != Event.Kind.SUCCESS || onSuccess);
    }

    @Override
    public void deliver(Event event) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("User-Agent", "lifeboat/" + dev.lifeboat.Version.current())
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload(event)));
        target.headers().forEach(request::header);
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    byte[] payload(Event event) {
        return switch (target.format()) {
            case SLACK -> Json.write(Map.of("text", icon(event) + " " + event.headline()));
            case DISCORD -> Json.write(Map.of("content", icon(event) + " " + event.headline()));
            case GENERIC -> Json.write(generic(event));
        };
    }

    private static Map<String, Object> generic(Event event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event.kind().key());
        body.put("job", event.job());
        body.put("task", event.task());
        body.put("message", event.message());
        body.put("backup_id", event.backupId().orElse(null));
        body.put("time", event.time().toString());
        body.put("host", event.host());
        body.put("text", event.headline());
        return body;
    }

    private static String icon(Event event) {
        return switch (event.kind()) {
            case SUCCESS -> ":white_check_mark:";
            case SUSPICIOUS, STALE -> ":warning:";
            default -> ":rotating_light:";
        };
    }
}
