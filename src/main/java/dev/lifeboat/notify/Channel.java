package dev.lifeboat.notify;

import java.io.IOException;

/** One way to reach a person or a monitor. */
public interface Channel {
    /** A printable name with no secret in it, e.g. {@code webhook https://hooks.example.org/…}. */
    String describe();

    /** Whether this channel is told about this kind of event at all. */
    boolean wants(Event event);

    /** One delivery attempt; throws on any failure, so that it can be retried. */
    void deliver(Event event) throws IOException;

    /** {@code https://host/…}: enough to recognise a URL without printing a token in its path. */
    static String redact(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\w+://)(?:[^@/]*@)?([^/?#]+)(.*)$").matcher(url);
        return m.matches() ? m.group(1) + m.group(2) + (m.group(3).isEmpty() ? "" : "/…") : "(url)";
    }
}
