package dev.lifeboat.config;

import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.notify.NotifySettings;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.purge.PurgeRule;
import dev.lifeboat.schedule.CronSchedule;
import dev.lifeboat.source.EngineSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * One named job. A backup job snapshots {@code source} into its repositories (then applies their
 * retention) and may verify on its own schedule; a purge job deletes expired rows by its rules,
 * optionally after running the backup job named in {@code backupFirst}. {@code sourceOptions} are
 * its engine's options ({@code source-options}), as the command line's engine flags give them.
 * {@code zone} is the job's time zone, for its schedules and its retention's calendar periods.
 * {@code walMaxAge} ({@code wal-max-age}) is how long a physical job's server may go without archiving
 * WAL before the daemon raises its WAL alarm.
 */
public record JobConfig(String name, Kind kind, String source, EngineSettings sourceOptions,
                        List<RepositoryConfig> repositories, EncryptionConfig encryption, Compression compression,
                        int level,
                        Optional<CronSchedule> schedule, Optional<CronSchedule> verify, Duration jitter,
                        boolean catchUp, Optional<Duration> maxAge, Hooks hooks, NotifySettings notifications,
                        GuardsConfig guards, List<PurgeRule> rules, Optional<String> backupFirst, ZoneId zone,
                        Optional<Duration> walMaxAge) {

    public enum Kind {
        BACKUP("backup"), PURGE("purge");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public JobConfig {
        repositories = List.copyOf(repositories);
        rules = List.copyOf(rules);
    }

    /**
     * How old the last success may be before the job counts as stale: {@code max-age}, else twice
     * the longest gap between its scheduled runs (one missed run is tolerated, two are not).
     * Empty for a job without a schedule, which nothing expects to run.
     */
    public Optional<Duration> allowedAge(java.time.Instant now) {
        return maxAge.or(() -> schedule.map(s -> s.longestGap(now, 32).multipliedBy(2)));
    }

    /** A physical (base backup and WAL archive) job: {@code source-options: { physical: true }}. */
    public boolean physical() {
        return sourceOptions.get("physical").contains("true");
    }
}
