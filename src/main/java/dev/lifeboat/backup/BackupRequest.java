package dev.lifeboat.backup;

import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.Source;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * One backup as a front end asks for it: the sources (one database, or each of a whole server),
 * how to store them, where, and the guards. The command line and a job build the same request
 * for the same backup, so they get the same backup.
 *
 * @param name the backup name; for several sources, each backup is named {@code NAME-DATABASE}
 *             (just {@code DATABASE} when empty)
 * @param trigger who started it, for the catalog: {@code manual}, {@code schedule}, ...
 * @param failOnShrink whether a suspicious backup fails the run (it is kept either way)
 * @param hooks a job's {@code before-backup} and {@code after-backup} hooks, run by the service around
 *              the whole request; empty on the command line, which has none
 */
public record BackupRequest(List<Source> sources, Optional<String> name, Compression compression, int level,
                            EncryptionRequest encryption, List<Target> targets, BackupRunner.Guards guards,
                            boolean failOnShrink, String trigger, Optional<Hooks> hooks) {
    public BackupRequest {
        sources = List.copyOf(sources);
        targets = List.copyOf(targets);
    }

    /** A request without hooks, as the command line and re-keying make it. */
    public BackupRequest(List<Source> sources, Optional<String> name, Compression compression, int level,
                         EncryptionRequest encryption, List<Target> targets, BackupRunner.Guards guards,
                         boolean failOnShrink, String trigger) {
        this(sources, name, compression, level, encryption, targets, guards, failOnShrink, trigger, Optional.empty());
    }

    /**
     * The hooks of the run around the backup.
     *
     * @param source what the hooks see as LIFEBOAT_SOURCE: the job's source as its config gives it
     */
    public record Hooks(dev.lifeboat.hooks.HookCalls calls, String source) {
    }

    /** A repository to back up into, and the retention applied to it after a stored backup. */
    public record Target(String spec, boolean required, Optional<RetentionPolicy> retention, ZoneId zone) {
    }

    /** The name of the backup of {@code source}. */
    String nameOf(Source source) {
        if (sources.size() == 1) {
            return name.orElseGet(source::defaultName);
        }
        return name.map(n -> n + "-" + source.defaultName()).orElseGet(source::defaultName);
    }
}
