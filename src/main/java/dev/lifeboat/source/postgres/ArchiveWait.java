package dev.lifeboat.source.postgres;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.source.ServerArchiver;
import java.time.Duration;
import java.util.Optional;

/**
 * Watches {@code pg_stat_archiver} while a base backup runs. pg_basebackup ({@code -X none}) ends
 * only once the server archived the last WAL segment the backup needs, and PostgreSQL waits for
 * that forever: with archive_command failing (a wrong repository, one wal-push may not write to)
 * a backup would hang, and a scheduled one would hold its job's lane. Once the server's side of the
 * backup waits for the archiver, the archiver failed {@link #FAILURES} times since the backup began
 * and its last attempt failed too, the backup is stopped and says why. (PostgreSQL tries a segment
 * three times a second apart, then waits a minute.)
 */
final class ArchiveWait implements AutoCloseable {
    static final int FAILURES = 3;
    private static final Duration EVERY = Duration.ofSeconds(1);
    private final PgClient client;
    private final String application;
    private final Runnable stop;
    private final Thread thread;
    private volatile String problem;

    /**
     * @param application pg_basebackup's application_name, which names the server's side of the backup
     * @param stop ends the backup (kills pg_basebackup)
     */
    private ArchiveWait(PgClient client, String application, Runnable stop) {
        this.client = client;
        this.application = application;
        this.stop = stop;
        this.thread = DaemonThreads.named("lifeboat-archive-wait").newThread(this::watch);
    }

    static ArchiveWait start(PgClient client, String application, Runnable stop) {
        ArchiveWait wait = new ArchiveWait(client, application, stop);
        wait.thread.start();
        return wait;
    }

    /** Why the backup was stopped, when this stopped it. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** On one connection, held while the backup runs; a server that cannot tell is left to pg_basebackup. */
    private void watch() {
        try (java.sql.Connection conn = client.connect()) {
            long before = PgArchiver.read(conn).failedCount();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(EVERY.toMillis());
                Optional<ServerArchiver.Status> now = read(conn);
                if (now.isPresent() && now.get().failing() && now.get().failedCount() - before >= FAILURES
                        && waitingForArchive(conn)) {
                    ServerArchiver.Status s = now.get();
                    problem = "the server's archive_command failed " + (s.failedCount() - before) + " times"
                            + " while the base backup waited for its WAL to be archived (pg_stat_archiver: the last"
                            + s.lastFailedWal().map(w -> " for " + w).orElse("") + s.lastFailedAt().map(t -> " at "
                            + t).orElse("") + "); without that WAL the backup cannot be restored, so it was stopped;"
                            + " fix archive_command (the PostgreSQL log shows wal-push's error; it runs as the"
                            + " PostgreSQL OS user, which must be able to write to the repository) and back up again";
                    stop.run();
                    endServerSide();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // the backup ended
        } catch (java.sql.SQLException | RuntimeException e) {
            // no watch: pg_basebackup waits as it would without one
        }
    }

    /**
     * The server's side waits for the archiver without noticing that pg_basebackup is gone, holding
     * a WAL sender and the backup open; ending it aborts the backup there too (a role may end its own
     * sessions). Best effort: the server notices by itself only when it next writes to the connection.
     */
    private void endServerSide() {
        try (java.sql.Connection conn = client.connect(); java.sql.PreparedStatement st = conn.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?"
                        + " AND backend_type = 'walsender'")) {
            st.setString(1, application);
            st.executeQuery().close();
        } catch (java.sql.SQLException | RuntimeException e) {
            // left to the server
        }
    }

    /**
     * Whether the server's side of this backup has reached the wait for the archiver: a failure while
     * files still stream may pass (the archiver retries each minute) before the backup needs that WAL.
     */
    private boolean waitingForArchive(java.sql.Connection conn) {
        try (java.sql.PreparedStatement st = conn.prepareStatement("SELECT p.phase FROM pg_stat_progress_basebackup p"
                + " JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.application_name = ?")) {
            st.setString(1, application);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                // "waiting for wal archiving to finish" on PostgreSQL 15, "… archiving" before
                return rs.next() && rs.getString(1) != null && rs.getString(1).startsWith("waiting for wal archiving");
            }
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static Optional<ServerArchiver.Status> read(java.sql.Connection conn) {
        try {
            return Optional.of(PgArchiver.read(conn));
        } catch (java.sql.SQLException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
