package dev.lifeboat.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;

/**
 * What happened in one repository: stored (with the object's size and the time it took) or
 * failed with a one-line error.
 */
public record RepositoryOutcome(String repository, boolean required, boolean stored, long bytes, long millis,
                                boolean retried, String error, @JsonIgnore LifeboatException failure) {

    static RepositoryOutcome stored(Destination to, long bytes, long millis, boolean retried) {
        return new RepositoryOutcome(to.repository().location(), to.required(), true, bytes, millis, retried, null,
                null);
    }

    static RepositoryOutcome failed(Destination to, long millis, boolean retried, LifeboatException failure) {
        return new RepositoryOutcome(to.repository().location(), to.required(), false, 0, millis, retried,
                failure.getMessage(), failure);
    }

    @JsonIgnore
    boolean retryable() {
        return failure instanceof RepositoryUnavailable;
    }
}
