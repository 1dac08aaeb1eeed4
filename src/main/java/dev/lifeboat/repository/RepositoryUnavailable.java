package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;

/**
 * A repository failure that may pass by itself (a timeout, a refused connection, a 5xx or
 * throttling answer after the client's own retries), so the whole transfer is worth another try.
 */
public final class RepositoryUnavailable extends LifeboatException {
    public RepositoryUnavailable(String message, Throwable cause) {
        super(ExitCode.REPOSITORY, message, cause);
    }
}
