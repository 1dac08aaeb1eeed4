package dev.lifeboat.repository.sftp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Runs store calls on one SFTP connection, made when first needed and made again when it breaks:
 * a call that failed on the connection (not on the server's answer) is tried again on a new one,
 * up to the location's retries, waiting twice as long each time.
 */
final class Reconnecting implements AutoCloseable {
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(20);
    private final SftpLocation location;
    private final SftpConnector connector;
    private final Duration firstPause;
    private SftpConnection current;

    Reconnecting(SftpLocation location, SftpConnector connector, Duration firstPause) {
        this.location = location;
        this.connector = connector;
        this.firstPause = firstPause;
    }

    /** One call; after a broken connection, again on a new one. Failures come out as one line. */
    <T> T call(String action, SftpCall<T> call) throws IOException {
        for (int attempt = 0; ; attempt++) {
            SftpConnection connection = null;
            try {
                connection = connection();
                return call.on(connection);
            } catch (dev.lifeboat.repository.store.ForeignObject e) {
                throw e; // what is stored is the answer, not a failure to get it
            } catch (IOException e) {
                if (!SftpErrors.isTransient(e)) {
                    throw SftpErrors.map(location, action, e);
                }
                // A request that timed out may still be answered; a new connection starts clean.
                drop(connection);
                if (e.getClass() == InterruptedIOException.class || attempt >= location.retries()) {
                    throw SftpErrors.map(location, action, e);
                }
                pause(attempt);
            }
        }
    }

    @FunctionalInterface
    interface SftpCall<T> {
        T on(SftpConnection connection) throws IOException;
    }

    private synchronized SftpConnection connection() throws IOException {
        if (current == null || !current.isOpen()) {
            if (current != null) {
                current.close();
            }
            current = connector.connect();
        }
        return current;
    }

    private synchronized void drop(SftpConnection connection) {
        if (connection != null) {
            connection.close();
            if (current == connection) {
                current = null;
            }
        }
    }

    private void pause(int attempt) throws InterruptedIOException {
        Duration pause = firstPause.multipliedBy(1L << Math.min(attempt, 10));
        try {
            Thread.sleep(Math.min(pause.toMillis(), LONGEST_PAUSE.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between retries");
        }
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        connector.close();
    }
}
