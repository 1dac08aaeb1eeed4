package dev.lifeboat.notify;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The channels of one job; {@link #send} hands each interested channel the event for background delivery. */
public final class Notifier {
    private final List<Channel> channels;
    private final NotifySettings settings;
    private final Deliveries deliveries;

    public Notifier(List<Channel> channels, NotifySettings settings, Deliveries deliveries) {
        this.channels = List.copyOf(channels);
        this.settings = settings;
        this.deliveries = deliveries;
    }

    /** The channels a job's settings describe; email needs the config's mail server. */
    public static Notifier forJob(NotifySettings settings, Optional<SmtpSettings> smtp, HttpClient http,
                                  Deliveries deliveries) {
        List<Channel> channels = new ArrayList<>();
        settings.webhooks().forEach(w -> channels.add(new WebhookChannel(w, settings.onSuccess(), http)));
        if (!settings.emails().isEmpty() && smtp.isPresent()) {
            channels.add(new EmailChannel(smtp.get(), settings.emails(), settings.onSuccess()));
        }
        settings.ping().ifPresent(url -> channels.add(new PingChannel(url, http)));
        return new Notifier(channels, settings, deliveries);
    }

    public void send(Event event) {
        for (Channel channel : channels) {
            if (channel.wants(event)) {
                deliveries.submit(channel, event, settings.attempts(), settings.backoff());
            }
        }
    }

    public List<String> describe() {
        return channels.stream().map(Channel::describe).toList();
    }
}
