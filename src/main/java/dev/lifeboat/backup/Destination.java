package dev.lifeboat.backup;

import dev.lifeboat.repository.Repository;

/** A repository a backup goes to; the backup succeeds only when every required one has it. */
public record Destination(Repository repository, boolean required) {
    public static Destination required(Repository repository) {
        return new Destination(repository, true);
    }
}
