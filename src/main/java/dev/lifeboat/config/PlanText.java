package dev.lifeboat.config;

import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.notify.Channel;
import dev.lifeboat.schedule.CronSchedule;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The resolved plan of a config, as {@code config check} prints it: every default made visible, secrets masked. */
public final class PlanText {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private PlanText() {
    }

    public static List<String> render(LifeboatConfig config, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("config " + config.file() + ": " + config.jobs().size() + " job(s), time zone "
                + config.timezone().getId());
        for (JobConfig job : config.jobs().values()) {
            lines.add("job " + job.name() + " (" + job.kind().key() + ")");
            add(lines, "source", job.source());
            if (!job.sourceOptions().names().isEmpty()) {
                add(lines, "options", String.join("; ", job.sourceOptions().values().entrySet().stream()
                        .map(e -> e.getKey() + " " + String.join(",", e.getValue())).toList()));
            }
            if (job.kind() == JobConfig.Kind.BACKUP) {
                for (int i = 0; i < job.repositories().size(); i++) {
                    RepositoryConfig r = job.repositories().get(i);
                    add(lines, i == 0 ? "repositories" : "", r.spec() + (r.optional() ? " (optional)" : "")
                            + "; retention " + r.retention().map(p -> p.describe()).orElse("none (keeps everything)"));
                }
                add(lines, "encryption", job.encryption().describe());
                add(lines, "compression", job.compression().label()
                        + (job.compression().label().equals("none") ? "" : " level " + job.level()));
                if (job.physical()) {
                    List<String> settings = archiveSettings(config, job);
                    for (int i = 0; i < settings.size(); i++) {
                        add(lines, i == 0 ? "wal archiving" : "", settings.get(i));
                    }
                    add(lines, "wal alarm", "on a gap or a failing archive_command" + job.walMaxAge().map(d
                            -> ", or no WAL for " + Durations.format(d) + " while the server is up").orElse(
                            " (no wal-max-age, so a quiet archive is no alarm)"));
                }
            } else {
                job.rules().forEach(rule -> add(lines, job.rules().indexOf(rule) == 0 ? "rules" : "",
                        rule.describe() + " (" + rule.format().key() + ")"));
                add(lines, "backup first", job.backupFirst().map(b -> "job " + b).orElse("no"));
            }
            add(lines, "schedule", job.schedule().map(s -> s + "; next " + next(s, now)).orElse("none (run it with"
                    + " 'lifeboat run " + job.name() + "')"));
            job.verify().ifPresent(v -> add(lines, "verify", v + "; next " + next(v, now)));
            add(lines, "runs", "catch-up " + (job.catchUp() ? "yes" : "no") + ", jitter "
                    + Durations.format(job.jitter()) + ", stale after " + job.allowedAge(now).map(Durations::format)
                    .orElse("never (no schedule)") + (job.maxAge().isPresent() ? "" : " (default)"));
            if (job.kind() == JobConfig.Kind.BACKUP) {
                GuardsConfig g = job.guards();
                add(lines, "guards", "shrink alarm at " + g.shrinkThreshold() + "% (" + (g.failOnShrink() ? "fail"
                        : "warn") + "), min interval " + (g.minInterval().isZero() ? "none"
                        : Durations.format(g.minInterval())));
            }
            for (HookPoint point : HookPoint.values()) {
                job.hooks().at(point).ifPresent(h -> add(lines, "hook", point.key() + ": " + h.command()
                        + " (timeout " + Durations.format(h.timeout()) + ")"));
            }
            if (!job.hooks().env().isEmpty()) {
                add(lines, "hook env", String.join(", ", job.hooks().env()) + " (besides PATH, HOME, TZ, TMPDIR,"
                        + " locale and LIFEBOAT_*)");
            }
            add(lines, "notify", notify(job));
        }
        config.server().ifPresent(s -> lines.add("server " + s.describe() + ": /metrics /health /api/jobs /api/backups"));
        config.smtp().ifPresent(s -> lines.add("smtp " + s.host() + ":" + s.port() + ", starttls "
                + s.startTls().key() + ", from " + s.from() + s.username().map(u -> ", user " + u + ", password ****")
                .orElse(", no login")));
        lines.add("daemon shutdown timeout " + Durations.format(config.shutdownTimeout()));
        return lines.stream().map(config::mask).toList();
    }

    /** The postgresql.conf lines a physical job's cluster needs, with a restart, for continuous archiving. */
    private static List<String> archiveSettings(LifeboatConfig config, JobConfig job) {
        return List.of("postgresql.conf: wal_level = replica", "postgresql.conf: max_wal_senders = 10",
                "postgresql.conf: max_replication_slots = 10", "postgresql.conf: archive_mode = on",
                "postgresql.conf: archive_command = 'lifeboat wal-push %p --config "
                        + java.nio.file.Path.of(config.file()).toAbsolutePath() + " --job " + job.name() + "'",
                "then restart PostgreSQL; the role needs REPLICATION and a 'replication' line in pg_hba.conf");
    }

    private static String notify(JobConfig job) {
        List<String> parts = new ArrayList<>();
        job.notifications().webhooks().forEach(w -> parts.add("webhook " + Channel.redact(w.url()) + " ("
                + w.format().key() + (w.headers().isEmpty() ? "" : ", headers " + String.join(", ",
                w.headers().keySet())) + ")"));
        if (!job.notifications().emails().isEmpty()) {
            parts.add("email " + String.join(", ", job.notifications().emails()));
        }
        job.notifications().ping().ifPresent(p -> parts.add("ping " + Channel.redact(p)));
        if (parts.isEmpty()) {
            return "nothing configured (failures appear only in the log and the catalog)";
        }
        return String.join("; ", parts) + "; failures always, successes " + (job.notifications().onSuccess() ? "too"
                : "not") + ", " + job.notifications().attempts() + " attempt(s)";
    }

    private static String next(CronSchedule schedule, Instant now) {
        List<String> times = new ArrayList<>();
        Optional<Instant> t = schedule.next(now);
        for (int i = 0; i < 2 && t.isPresent(); i++) {
            times.add(WHEN.format(ZonedDateTime.ofInstant(t.get(), schedule.zone())));
            t = schedule.next(t.get());
        }
        return times.isEmpty() ? "never" : String.join(", ", times);
    }

    private static void add(List<String> lines, String key, String value) {
        lines.add(String.format("  %-13s %s", key, value));
    }
}
