package dev.lifeboat.notify;

import java.time.Duration;
import java.util.Optional;

/** The mail server for email notifications. The password comes from the environment or a file. */
public record SmtpSettings(String host, int port, Optional<String> username, Optional<String> password, String from,
                           StartTls startTls, Duration timeout) {
    /** Whether the connection is upgraded with STARTTLS before any credentials are sent. */
    public enum StartTls {
        REQUIRED("required"), OPTIONAL("optional"), OFF("off");

        private final String key;

        StartTls(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}
