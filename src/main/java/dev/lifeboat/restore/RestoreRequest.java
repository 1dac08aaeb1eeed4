package dev.lifeboat.restore;

import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.purge.PurgeOnRestore;
import dev.lifeboat.repository.Repository;
import java.util.Optional;

/**
 * One restore as a front end asks for it; {@code restore --job} and a plain {@code restore}
 * build the same request for the same restore.
 *
 * @param backup a backup id, or {@code latest}
 * @param name with {@code latest}: whose newest backup (default: the target's base name, else the
 *             only name the repository holds)
 * @param target where to restore: an SQLite path, {@code sqlite:}, {@code sqlcipher:} or a
 *               PostgreSQL URL
 * @param key opens the backup, and seals the safety backup so that the same key opens it
 * @param safetyBackup whether an existing target's content is first backed up into the repository
 * @param confirmation asked before an existing target is replaced
 * @param hooks the job's {@code before-restore} and {@code after-restore} hooks, or {@link Hooks#NONE}
 * @param trigger who started it, for the catalog and the hooks: {@code manual}, ...
 * @param allowSuspicious whether a backup {@code latest} would pass by (SUSPICIOUS, or its last
 *                        verification failed) may be restored when asked for by id
 * @param purge the purge jobs whose rules apply to the staged copy when their source is the
 *              target, or the user's {@code --no-purge}
 * @param fullCheck whether the engine's structural check runs even when a passed verification
 *                  already ran it on the same bytes ({@code --full-check})
 */
public record RestoreRequest(Repository repository, String backup, Optional<String> name, String target,
                             BackupKey key, boolean safetyBackup, Confirmation confirmation, Hooks hooks,
                             String trigger, boolean allowSuspicious, PurgeOnRestore purge, boolean fullCheck) {
    /** A request that trusts a passed verification of the same bytes for the structural check. */
    public RestoreRequest(Repository repository, String backup, Optional<String> name, String target, BackupKey key,
                          boolean safetyBackup, Confirmation confirmation, Hooks hooks, String trigger,
                          boolean allowSuspicious, PurgeOnRestore purge) {
        this(repository, backup, name, target, key, safetyBackup, confirmation, hooks, trigger, allowSuspicious,
                purge, false);
    }

    /** A request with no purge jobs to re-apply. */
    public RestoreRequest(Repository repository, String backup, Optional<String> name, String target, BackupKey key,
                          boolean safetyBackup, Confirmation confirmation, Hooks hooks, String trigger,
                          boolean allowSuspicious) {
        this(repository, backup, name, target, key, safetyBackup, confirmation, hooks, trigger, allowSuspicious,
                PurgeOnRestore.NONE);
    }

    /** A request that restores only backups that can be vouched for. */
    public RestoreRequest(Repository repository, String backup, Optional<String> name, String target, BackupKey key,
                          boolean safetyBackup, Confirmation confirmation, Hooks hooks, String trigger) {
        this(repository, backup, name, target, key, safetyBackup, confirmation, hooks, trigger, false);
    }
}
