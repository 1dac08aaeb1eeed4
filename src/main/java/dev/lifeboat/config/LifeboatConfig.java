package dev.lifeboat.config;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.notify.SmtpSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A whole {@code lifeboat.yaml}, validated and with references resolved. {@code secrets} are the
 * resolved secret values, for {@link #mask} to hide wherever config-derived text is printed.
 */
public record LifeboatConfig(String file, Map<String, JobConfig> jobs, ZoneId timezone,
                             Optional<ServerConfig> server, Optional<SmtpSettings> smtp, Duration shutdownTimeout,
                             Set<String> secrets) {
    public LifeboatConfig {
        jobs = Map.copyOf(new TreeMap<>(jobs));
        secrets = Set.copyOf(secrets);
    }

    public JobConfig job(String name) {
        JobConfig job = jobs.get(name);
        if (job == null) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no job '" + name + "' in " + file + "; jobs there: "
                    + (jobs.isEmpty() ? "(none)" : String.join(", ", new TreeMap<>(jobs).keySet())));
        }
        return job;
    }

    /** The text with every secret value replaced by {@code ****}. */
    public String mask(String text) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }
}
