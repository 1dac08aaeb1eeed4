package dev.lifeboat.verify;

import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.repository.Repository;
import java.util.Map;
import java.util.Optional;

/**
 * One verification as a front end asks for it. The command line and a job build the same
 * request for the same verification, so they record and report the same outcome.
 *
 * @param name with {@code latest}: whose newest backup; with {@code all}: only backups of this name
 * @param key the key that opens the backups (unencrypted ones open without)
 * @param access how to open a snapshot where the engine needs more than was recorded, e.g.
 *               {@code key-env=VAR} for SQLCipher; empty to use what was recorded
 * @param trigger who started it, for the catalog: {@code manual}, {@code schedule}, ...
 */
public record VerifyRequest(Repository repository, Which which, Optional<String> name, BackupKey key,
                            Map<String, String> access, String trigger) {
    public VerifyRequest {
        access = Map.copyOf(access);
    }

    /** Which backups: one by id, the newest of a name, or every backup of the repository. */
    public sealed interface Which {
        record One(String id) implements Which {
        }

        record Latest() implements Which {
        }

        record All() implements Which {
        }

        /** What the user typed: {@code latest}, {@code all} or a backup id. */
        static Which parse(String text) {
            return switch (text) {
                case BackupSelector.LATEST -> new Latest();
                case "all" -> new All();
                default -> new One(text);
            };
        }
    }
}
